"""Template helpers for the readers' site: sanitised Markdown, rating badges and charts."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

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


@register.inclusion_tag("includes/rating_badge.html")
def rating_badge(rating, size=""):
    return {"rating": rating, "size": size}


@register.inclusion_tag("includes/rating_chart.html")
def rating_chart(dist, caption=""):
    return {"dist": dist, "caption": caption}
