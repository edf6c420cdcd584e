import math
from dataclasses import dataclass

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse

from claims import i18n
from claims.models import Claim, Claimant, Topic


class LanguagePairs:
    """(item, language) for every item of a queryset in every language, paged without loading the
    queryset: Django's i18n sitemaps build the whole list of pairs for each page, which at 100,000
    claims would load them all for every sitemap file."""

    def __init__(self, items, codes):
        self.items, self.codes = items, codes

    def count(self):
        items = self.items.count() if isinstance(self.items, QuerySet) else len(self.items)
        return items * len(self.codes)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        n = len(self.codes)
        first, last = window.start // n, -(-window.stop // n)
        pairs = [(item, code) for item in self.items[first:last] for code in self.codes]
        return pairs[window.start - first * n : window.stop - first * n]


class LanguagesSitemap(Sitemap):
    """Every URL once per language of settings.LANGUAGES, each listing the others (and x-default,
    the English URL) as xhtml:link alternates, as the pages' hreflang links do."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        if type(self).get_languages_for_item is not Sitemap.get_languages_for_item:
            return super()._items()  # languages that differ per item: Django's own list
        return LanguagePairs(self.items(), self._languages())


@dataclass
class IdRangePage:
    object_list: list


class IdRangePaginator:
    """Sitemap pages by ranges of ids (page n holds the published claims with ids from
    (n-1)*limit+1 to n*limit), so that every page costs one primary-key range scan however deep it
    is; an OFFSET would walk every earlier row (page 200 of a million claims skipped 995,000).
    A page may hold fewer than `limit` URLs (ids of drafts, retractions) or none."""

    def __init__(self, items, limit, codes=()):
        self.items, self.limit, self.codes = items, limit, codes

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
        rows = list(self.items.filter(pk__range=(first, first + self.limit - 1)).order_by("pk"))
        # An i18n sitemap lists (item, language) pairs: each claim once per language.
        return IdRangePage([(row, code) for row in rows for code in self.codes] if self.codes else rows)


class PublishedLanguagesPaginator(IdRangePaginator):
    """Each claim of a page once per language it is published in (claims.i18n): one query more per
    page, for the page's published translations, which the sitemap's alternates read too."""

    def __init__(self, sitemap, items, limit, codes=()):
        super().__init__(items, limit, codes)
        self.sitemap = sitemap

    def page(self, number):
        page = super().page(number)
        if not self.codes:
            return page
        rows = {row.pk for row, _code in page.object_list}
        self.sitemap.translated = i18n.provider.published_languages(rows)
        page.object_list = [
            (row, code) for row, code in page.object_list if code in self.sitemap.get_languages_for_item(row)
        ]
        return page


class ClaimSitemap(LanguagesSitemap):
    """Published claims only: retracted pages stay reachable but are no longer advertised."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Claim.objects.published().only("slug", "updated_at", "language")

    @property
    def paginator(self):
        return PublishedLanguagesPaginator(self, self.items(), self.limit, self._languages() if self.i18n else ())

    def get_languages_for_item(self, claim):
        # Only the languages the claim is published in: its own and its published translations'.
        codes = [claim.language, *self.translated.get(claim.pk, [])]
        return [code for code in self._languages() if code in codes]

    def lastmod(self, claim):
        return claim.updated_at

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
