"""Template helpers for the readers' site: sanitised Markdown, rating badges and charts, times as the
HTML spec takes them, bylines."""

import datetime
from urllib.parse import urlsplit

import markdown as markdown_lib
import nh3
from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from organisation.models import public_name, public_profile

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}


@register.filter
def markdown(text):
    """Markdown to HTML that keeps only harmless tags: editors write it, but it must never carry
    script, style, event handlers or javascript: links (nh3 strips them)."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    return mark_safe(  # noqa: S308 - sanitised by nh3 just above
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            link_rel="nofollow noopener noreferrer",
            url_schemes={"http", "https", "mailto"},
        )
    )


@register.simple_tag
def rating_badge(rating, size=""):
    """A rating's badge. Written here rather than as an included template: a list draws one per
    row, and rendering a template for each cost a cold list page more than the rest of its row."""
    if not rating:
        return ""
    label = _("Pledge status:") if rating.scale == "pledge" else _("Rating:")
    return format_html(
        '<span class="badge rating--{}{}"><span class="visually-hidden">{} </span><bdi>{}</bdi></span>',
        rating.slug,
        f" badge--{size}" if size else "",
        label,
        rating.label,
    )


@register.inclusion_tag("includes/rating_chart.html")
def rating_chart(dist, caption=""):
    return {"dist": dist, "caption": caption}


@register.filter
def iso(value):
    """A date or time as the HTML spec's <time datetime> takes it: to the second, in UTC (a time
    with microseconds is invalid there, and the validator rejects it)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.simple_tag(takes_context=True)
def byline(context, user):
    """The public name of the staff member who wrote or reviewed a verdict (organisation.StaffProfile),
    linked to their page when they published one; isolated for bidirectional text."""
    name = public_name(user) or _("a %(site)s editor") % {"site": context.get("SITE_NAME", "")}
    profile = public_profile(user)
    if profile is None:
        return format_html("<bdi>{}</bdi>", name)
    return format_html('<a href="{}"><bdi>{}</bdi></a>', reverse("claims:staff_detail", args=[profile.slug]), name)


@register.filter
def url_path(url):
    """The path of an absolute URL (the language switcher's links stay on the host the reader is on,
    while the hreflang alternates name SITE_URL)."""
    return urlsplit(url).path
