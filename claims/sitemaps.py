import math
from dataclasses import dataclass

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from claims.models import Claim, Claimant, Topic


@dataclass
class IdRangePage:
    object_list: list


class IdRangePaginator:
    """Sitemap pages by ranges of ids (page n holds the published claims with ids from
    (n-1)*limit+1 to n*limit), so that every page costs one primary-key range scan however deep it
    is; an OFFSET would walk every earlier row (page 200 of a million claims skipped 995,000).
    A page may hold fewer than `limit` URLs (ids of drafts, retractions) or none."""

    def __init__(self, items, limit):
        self.items, self.limit = items, limit

    @property
    def num_pages(self):
        highest = self.items.model.objects.aggregate(highest=Max("pk"))["highest"] or 0  # the primary key index
        return max(1, math.ceil(highest / self.limit))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(number) from exc
        if number < 1 or number > self.num_pages:
            raise EmptyPage(number)
        first = (number - 1) * self.limit + 1
        return IdRangePage(list(self.items.filter(pk__range=(first, first + self.limit - 1)).order_by("pk")))


class ClaimSitemap(Sitemap):
    """Published claims only: retracted pages stay reachable but are no longer advertised."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Claim.objects.published().only("slug", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, claim):
        return claim.updated_at

    def get_latest_lastmod(self):
        # Django's default walks every item; one aggregate instead.
        return Claim.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ClaimantSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        published = Claim.objects.published().filter(claimant_id=OuterRef("pk"))
        return Claimant.objects.filter(Exists(published)).order_by("slug")


class TopicSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        published = Claim.objects.published().filter(topics=OuterRef("pk"))
        return Topic.objects.filter(Exists(published)).order_by("slug")


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
