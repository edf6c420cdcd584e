"""RSS and Atom feeds of the latest published verdicts and of corrections. Each feed runs one
query whatever its length (the items, with what they show joined in).

Every string a feed emits passes through sources.text.strip_controls: XML 1.0 cannot carry most
control characters, and one of them in any published text (stored before input was cleaned, or
written with QuerySet.update()) would otherwise make the feed a 500 for every reader."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from claims import i18n, selectors
from sources.text import strip_controls

FEED_LENGTH = 30


def _clean(value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


class CleanTextMixin:
    """A feed generator that strips control characters from the feed's and every item's text,
    whichever Feed method produced it."""

    def __init__(self, title, link, description, **kwargs):
        kwargs = {name: _clean(value) for name, value in kwargs.items()}
        super().__init__(_clean(title), _clean(link), _clean(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        kwargs = {name: _clean(value) for name, value in kwargs.items()}
        super().add_item(_clean(title), _clean(link), _clean(description), **kwargs)


class CleanRssFeed(CleanTextMixin, Rss201rev2Feed):
    """RSS readers render an item's <description> as HTML: ours is plain text (a claim may quote
    “<b>” or “&”), so it is escaped as HTML once before XML escapes it again."""

    def add_item(self, title, link, description, **kwargs):
        super().add_item(title, link, escape(description) if description else description, **kwargs)


class CleanAtomFeed(CleanTextMixin, Atom1Feed):
    """Atom can say what a summary is: ours are plain text (type="text"), not HTML."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestVerdictsRss(Feed):
    feed_type = CleanRssFeed
    title = _("Latest fact-checks")
    description = _("The latest published verdicts.")

    def link(self):
        return reverse("claims:claim_list")

    def feed_url(self):
        return reverse("claims:feed_verdicts_rss")

    def items(self):
        # Under a language's prefix the checks published in that language are items in it, each with its own link.
        return i18n.provider.localize(selectors.published_claims()[:FEED_LENGTH], i18n.current_language())

    def item_link(self, claim):
        return i18n.claim_path(claim, i18n.site_language(claim.language) or settings.LANGUAGE_CODE)

    def item_title(self, claim):
        return f"{claim.verdict.rating.label}: {claim.title}"

    def item_description(self, claim):
        who = claim.claimant.name if claim.claimant_id else _("Unattributed")
        return f"{who}: “{claim.text}” — {claim.verdict.conclusion}"

    def item_pubdate(self, claim):
        translated = getattr(claim, "translated", None)
        return translated.published_at if translated else claim.verdict.published_at

    def item_updateddate(self, claim):
        translated = getattr(claim, "translated", None)
        return max(translated.updated_at, claim.verdict.updated_at) if translated else claim.verdict.updated_at

    def item_author_name(self):
        return settings.SITE_NAME

    def item_categories(self, claim):
        return [claim.verdict.rating.label]

    def item_guid(self, claim):
        return f"{settings.SITE_URL}{self.item_link(claim)}"


class LatestVerdictsAtom(LatestVerdictsRss):
    feed_type = CleanAtomFeed
    subtitle = LatestVerdictsRss.description

    def feed_url(self):
        return reverse("claims:feed_verdicts_atom")


class CorrectionsRss(Feed):
    feed_type = CleanRssFeed
    title = _("Corrections")
    description = _("Every correction, rating change and retraction of a published verdict, newest first.")

    def link(self):
        return reverse("claims:corrections")

    def feed_url(self):
        return reverse("claims:feed_corrections_rss")

    def items(self):
        return selectors.public_corrections()[:FEED_LENGTH]

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.verdict.claim.title}"

    def item_description(self, correction):
        if correction.old_rating_id and correction.new_rating_id:
            change = _("Rating changed from %(old)s to %(new)s.") % {
                "old": correction.old_rating.label,
                "new": correction.new_rating.label,
            }
            return f"{change} {correction.note}"
        return correction.note

    def item_link(self, correction):
        return f"{correction.verdict.claim.get_absolute_url()}#correction-{correction.pk}"

    def item_guid(self, correction):
        return f"{settings.SITE_URL}{self.item_link(correction)}"

    def item_pubdate(self, correction):
        return correction.created_at

    def item_updateddate(self, correction):
        # Atom requires <updated> on every entry; a correction never changes once made.
        return correction.created_at

    def item_author_name(self):
        return settings.SITE_NAME


class CorrectionsAtom(CorrectionsRss):
    feed_type = CleanAtomFeed
    subtitle = CorrectionsRss.description

    def feed_url(self):
        return reverse("claims:feed_corrections_atom")
