"""RSS and Atom feeds of the latest published verdicts and of corrections. Each feed runs two
queries whatever its length (the items, with what they show joined in)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from claims import selectors

FEED_LENGTH = 30


class LatestVerdictsRss(Feed):
    title = _("Latest fact-checks")
    description = _("The latest published verdicts.")

    def link(self):
        return reverse("claims:claim_list")

    def feed_url(self):
        return reverse("claims:feed_verdicts_rss")

    def items(self):
        return selectors.published_claims()[:FEED_LENGTH]

    def item_title(self, claim):
        return f"{claim.verdict.rating.label}: {claim.title}"

    def item_description(self, claim):
        who = claim.claimant.name if claim.claimant_id else _("Unattributed")
        return f"{who}: “{claim.text}” — {claim.verdict.conclusion}"

    def item_pubdate(self, claim):
        return claim.verdict.published_at

    def item_updateddate(self, claim):
        return claim.verdict.updated_at

    def item_author_name(self):
        return settings.SITE_NAME

    def item_categories(self, claim):
        return [claim.verdict.rating.label]

    def item_guid(self, claim):
        return f"{settings.SITE_URL}{claim.get_absolute_url()}"


class LatestVerdictsAtom(LatestVerdictsRss):
    feed_type = Atom1Feed
    subtitle = LatestVerdictsRss.description

    def feed_url(self):
        return reverse("claims:feed_verdicts_atom")


class CorrectionsRss(Feed):
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

    def item_author_name(self):
        return settings.SITE_NAME


class CorrectionsAtom(CorrectionsRss):
    feed_type = Atom1Feed
    subtitle = CorrectionsRss.description

    def feed_url(self):
        return reverse("claims:feed_corrections_atom")
