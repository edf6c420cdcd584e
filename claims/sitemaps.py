from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from claims import i18n
from claims.models import Claim, Claimant, Topic


class LanguagesSitemap(Sitemap):
    """Every URL once per language of settings.LANGUAGES, each listing the others (and x-default,
    the English URL) as xhtml:link alternates, as the pages' hreflang links do."""

    i18n = True
    alternates = True
    x_default = True


class ClaimSitemap(LanguagesSitemap):
    """Published claims only: retracted pages stay reachable but are no longer advertised."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        # The order of the partial index verdict_published_newest: no sort of every published claim.
        return (
            Claim.objects.published().order_by("-verdict__published_at", "-pk").only("slug", "updated_at", "language")
        )

    def lastmod(self, claim):
        return claim.updated_at

    def _items(self):
        # Each claim in the languages it is published in (its own and its published translations'),
        # each listing the others as alternates: one query for every claim's translations.
        self.translated = i18n.provider.published_languages()
        return super()._items()

    def get_languages_for_item(self, claim):
        codes = [claim.language, *self.translated.get(claim.pk, [])]
        return [code for code in dict(settings.LANGUAGES) if code in codes]

    def get_latest_lastmod(self):
        # Django's default walks every item; one aggregate instead.
        return Claim.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ClaimantSitemap(LanguagesSitemap):
    changefreq = "weekly"

    def items(self):
        published = Claim.objects.published().filter(claimant_id=OuterRef("pk"))
        return Claimant.objects.filter(Exists(published)).order_by("slug")


class TopicSitemap(LanguagesSitemap):
    changefreq = "weekly"

    def items(self):
        published = Claim.objects.published().filter(topics=OuterRef("pk"))
        return Topic.objects.filter(Exists(published)).order_by("slug")


class PageSitemap(LanguagesSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "claims:home",
            "claims:claim_list",
            "claims:ratings",
            "claims:corrections",
            "claims:about",
            "claims:contact",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "claims": ClaimSitemap, "claimants": ClaimantSitemap, "topics": TopicSitemap}
