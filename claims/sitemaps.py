from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from claims.models import Claim, Claimant, Topic


class ClaimSitemap(Sitemap):
    """Published claims only: retracted pages stay reachable but are no longer advertised."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Claim.objects.published().order_by("-verdict__published_at", "pk").only("slug", "updated_at")

    def lastmod(self, claim):
        return claim.updated_at


class ClaimantSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Claimant.objects.filter(claims__in=Claim.objects.published().values("pk")).distinct().order_by("slug")


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Topic.objects.filter(claims__in=Claim.objects.published().values("pk")).distinct().order_by("slug")


class PageSitemap(Sitemap):
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
