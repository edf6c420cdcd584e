"""Reads for the readers' site. Every query starts from Claim.objects.published() (lists, counts,
search, feeds) or Claim.objects.public() (a claim page, which stays up after a retraction), and
each function runs a fixed number of queries whatever the number of rows: a page's query budget
is the sum of the selectors it calls. The one exception is marked: the staff preview's reads, which
the admin calls (behind its login) to render a draft or a proposed change with the same page."""

import datetime
import hashlib
import time
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils.http import quote_etag
from django.utils.translation import gettext as _

from claims import matching, pageload
from claims.claimreview import rating_bounds
from claims.models import Appearance, Claim, Claimant, ContentVersion, Correction, Evidence, Rating, Topic, Verdict
from claims.services import content_version_current
from factcheck import cache as page_cache
from organisation.models import FundingSource, OrganisationText, StaffProfile
from sources.models import Source

LIST_RELATED = ("claimant", "verdict__rating")
# The verdict's byline: its author and reviewer with their public profiles (organisation.StaffProfile).
BYLINE_RELATED = ("verdict__author__staff_profile", "verdict__reviewer__staff_profile")
# Aggregates are keyed on the content version, so a publish makes them unreachable at once; this
# only bounds how long an unreachable entry occupies the cache.
AGGREGATE_SECONDS = 24 * 3600
CLAIMANT_SUGGESTIONS = 50


def published_claims():
    """Published claims with what a list row shows (claimant, rating), newest verdict first (the
    order of the partial index verdict_published_newest, which PostgreSQL walks without sorting)."""
    return Claim.objects.published().select_related(*LIST_RELATED).order_by("-verdict__published_at", "-pk")


def topics_by_claim(claim_ids: list[int]) -> dict[int, list[dict]]:
    """{claim id: [{"slug", "name"}] by name (Topic's order)} for these claims, in one query through
    the claim-topic table (none for no claims): the API's list rows (claims.api.serializers.ClaimRow)."""
    if not claim_ids:
        return {}
    rows = (
        Claim.topics.through.objects.filter(claim_id__in=claim_ids)
        .order_by("topic__name")
        .values_list("claim_id", "topic__slug", "topic__name")
    )
    topics = {}
    for claim_id, slug, name in rows:
        topics.setdefault(claim_id, []).append({"slug": slug, "name": name})
    return topics


def published_claims_sorted():
    """As published_claims(), for a few rows (one claimant's): the order is written so that the
    newest-first index cannot serve it, and PostgreSQL fetches the rows by the narrow filter and
    sorts them, instead of walking the whole index looking for them. published_at is never null
    on a published verdict, so the order is the same."""
    newest = F("verdict__published_at").desc(nulls_last=True)
    return Claim.objects.published().select_related(*LIST_RELATED).order_by(newest, "-pk")


class Aggregates:
    """Counts over published claims, which change only with what they count: each is cached under
    the epoch and the tokens of the cache tags it depends on (factcheck/cache.py; "claims" unless
    said otherwise), read before it is computed, so a publish makes the ones it touches unreachable
    at once and each costs a full scan only once per change of its tags."""

    def __init__(self, version=None):
        self.version = content_version_current() if version is None else version
        self.stamps = {}  # read once per tags and request: one cache round trip each

    def get(self, name, build, tags=("claims",)):
        key = self._key(name, tags)
        if key is None:  # the cache cannot say whether a kept value is current
            return build()
        value = cache.get(key)
        if value is None:
            value = self._stale(name) if name in SITE_WIDE else None
        if value is None:
            value = self._build(name, build, key)
        return value

    def _key(self, name, tags):
        if tags not in self.stamps:
            self.stamps[tags] = page_cache.stamp(tags)
        stamp = self.stamps[tags]
        if stamp is None:
            return None
        digest = hashlib.blake2b(stamp.encode(), digest_size=8).hexdigest()
        return f"claims:aggregate:{self.version}:{digest}:{name}"

    def _build(self, name, build, key):
        started = time.monotonic()
        value = build()
        cache.set(key, value, AGGREGATE_SECONDS)
        if name in SITE_WIDE:
            cache.set(f"{LAST_KNOWN}{name}", (value, time.time(), time.monotonic() - started), AGGREGATE_SECONDS)
        return value

    def _stale(self, name):
        """The last value of a site-wide aggregate that took long to count, while a background job
        counts it again, or None (count it now).

        At a million claims the topic counts, the claimant suggestions and the languages each scan
        every published claim (0.7-1.2 s), and every publish or correction makes them stale: the
        next reader of the home page or the list then waited for them, or several readers at once.
        So a count that took AGGREGATE_BACKGROUND_SECONDS or more to make is served as it was for at
        most AGGREGATE_STALE_SECONDS after a change (the number of checks on a topic, one behind for
        a few seconds; never a verdict), while claims.tasks.refresh_aggregate counts it again, once.
        The page that shows it is not stored in the page cache (factcheck.cache.provisional), so
        the cache never keeps the old count under the new version. A small site counts in
        milliseconds and always shows the exact count at once, as before."""
        last = cache.get(f"{LAST_KNOWN}{name}")
        if last is None:
            return None
        value, counted_at, took = last
        if took < settings.AGGREGATE_BACKGROUND_SECONDS or time.time() - counted_at > settings.AGGREGATE_STALE_SECONDS:
            return None
        page_cache.provisional()
        if cache.add(f"claims:aggregate:refreshing:{name}", 1, settings.AGGREGATE_STALE_SECONDS):
            from claims.tasks import refresh_aggregate

            refresh_aggregate.enqueue(name)
        return value

    def refresh(self, name):
        """Count a site-wide aggregate again now, for the current version (the background job)."""
        cache.delete(f"claims:aggregate:refreshing:{name}")
        key = self._key(name, ("claims",))
        build = SITE_WIDE[name]
        return build() if key is None else self._build(name, build, key)

    def rating_counts(self):
        """{rating_id: published verdicts}. One query the first time."""
        return self.get("ratings", SITE_WIDE["ratings"])

    def total(self):
        return sum(self.rating_counts().values())

    def rating_bounds(self):
        """{scale: (worst, best)} for the ClaimReview markup. One query the first time after a
        change to the ratings."""
        return self.get("rating-bounds", rating_bounds, ("ratings",))

    def topic_counts(self):
        """{topic_id: published claims}. One query the first time."""
        return self.get("topics", SITE_WIDE["topics"])

    def topic_choices(self):
        """[(id, slug, name)] of topics with published claims, by name. One query the first time (and
        the topic counts')."""
        return self.get("topic-choices", lambda: _topic_choices(self.topic_counts()))

    def languages(self):
        """Language codes of published claims, sorted. One query the first time."""
        return self.get("languages", SITE_WIDE["languages"])

    def claimant_suggestions(self):
        """Names of the claimants with the most published checks, by name. One query the first time."""
        return self.get("claimant-suggestions", SITE_WIDE["claimant-suggestions"])

    def count(self, key, queryset):
        """queryset.count(), kept until the next publish under `key` (the filters that made it)."""
        return self.get(f"count:{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}", queryset.count)

    def claimant_rating_counts(self, claimant_id):
        """{rating_id: published verdicts} of one claimant. One query the first time."""
        verdicts = Verdict.objects.published().filter(claim__claimant_id=claimant_id)
        tags = (f"list:claimant:{claimant_id}",)
        return self.get(f"claimant-ratings:{claimant_id}", lambda: _verdict_rating_counts(verdicts), tags)

    def topic_rating_counts(self, topic_id):
        """{rating_id: published verdicts} on one topic. One query the first time."""
        verdicts = Verdict.objects.published().filter(claim__topics=topic_id)
        tags = (f"list:topic:{topic_id}",)
        return self.get(f"topic-ratings:{topic_id}", lambda: _verdict_rating_counts(verdicts), tags)


def _verdict_rating_counts(verdicts):
    # From the verdicts alone: a published verdict always has its claim, so no join is needed.
    rows = verdicts.order_by().values_list("rating_id").annotate(n=Count("pk"))
    return dict(rows)


def _topic_counts():
    published = Verdict.objects.published().filter(claim_id=OuterRef("claim_id"))
    rows = (
        Claim.topics.through.objects.filter(Exists(published))
        .order_by()
        .values_list("topic_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def _topic_choices(counts):
    return list(Topic.objects.filter(pk__in=list(counts)).order_by("name").values_list("pk", "slug", "name"))


def _languages():
    return sorted(Claim.objects.published().order_by().values_list("language", flat=True).distinct())


def _claimant_suggestions():
    busiest = (
        Claim.objects.published()
        .filter(claimant__isnull=False)
        .order_by()
        .values("claimant_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "claimant_id")
        .values("claimant_id")[:CLAIMANT_SUGGESTIONS]
    )
    return list(Claimant.objects.filter(pk__in=busiest).order_by("name").values_list("name", flat=True))


# Site-wide aggregates that scan every published claim: served as they were while a background job
# counts them again after a change, when counting took long (Aggregates._stale).
LAST_KNOWN = "claims:aggregate:last:"
SITE_WIDE = {
    "ratings": lambda: _verdict_rating_counts(Verdict.objects.published()),
    "topics": _topic_counts,
    "languages": _languages,
    "claimant-suggestions": _claimant_suggestions,
}


def latest_claims(limit=6):
    """One query."""
    return list(published_claims()[:limit])


def ratings():
    """All rating rows, scale by scale in display order. One query."""
    return list(Rating.objects.all())


def distribution(all_ratings, counts, scale):
    """Rows for a bar chart of one scale: [{rating, count, percent}], in display order, with the
    total. No query."""
    rows = [{"rating": r, "count": counts.get(r.pk, 0)} for r in all_ratings if r.scale == scale]
    total = sum(row["count"] for row in rows)
    biggest = max((row["count"] for row in rows), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / total) if total else 0
        # Bars are scaled to the largest count so that the chart reads well with few checks.
        row["width"] = round(100 * row["count"] / biggest, 1) if biggest else 0
    return {"rows": rows, "total": total, "scale": scale}


def featured_topics(aggregates):
    """Featured topics with their number of published claims (`n_claims`). One query, and the
    topic counts' the first time per content version."""
    counts = aggregates.topic_counts()
    topics = []
    for topic in Topic.objects.filter(featured=True):
        topic.n_claims = counts.get(topic.pk, 0)
        if topic.n_claims:  # a featured topic with nothing published yet is not shown
            topics.append(topic)
    return topics


def _with_page_parts(claims):
    corrections = Correction.objects.select_related("old_rating", "new_rating")
    return claims.select_related("claimant", "verdict__rating", *BYLINE_RELATED).prefetch_related(
        "topics",
        Prefetch("appearances", queryset=Appearance.objects.select_related("source__publisher")),
        Prefetch("verdict__evidence", queryset=Evidence.objects.select_related("source__publisher")),
        Prefetch("verdict__corrections", queryset=corrections.order_by("created_at", "pk")),
    )


def one(queryset):
    """The first row of a queryset that holds at most one (a lookup by a unique field), or None:
    like first(), without the ORDER BY that first() adds, which the database does not need and the
    ORM spends time writing (a cold claim page's hot spot)."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None


def claim_for_page(slug):
    """A public claim with everything its page shows, or None. One query on PostgreSQL
    (claims.pageload); elsewhere five: the claim, its topics, appearances, evidence and corrections."""
    alias = Claim.objects.all().db
    if pageload.supported(alias):
        return pageload.load(slug, Verdict.PUBLIC_STATUSES, alias)
    return one(_with_page_parts(Claim.objects.public()).filter(slug=slug))


def claim_page(slug):
    """(claim, stamp) of a public claim's page, as claim_for_page() and claim_stamp() give them, or
    (None, None). One query on PostgreSQL (the stamp's values come with the claim); elsewhere six."""
    alias = Claim.objects.all().db
    if not pageload.supported(alias):
        stamp = claim_stamp(slug)
        return (claim_for_page(slug), stamp) if stamp is not None else (None, None)
    claim = pageload.load(slug, Verdict.PUBLIC_STATUSES, alias)
    if claim is None:
        return None, None
    number, changed_at = claim.content_version
    return claim, _stamp(claim.pk, claim.updated_at, claim.verdict.updated_at, number, changed_at)


@dataclass
class ClaimPage:
    """The parts of a claim's page (claims.views.claim_page_context renders them)."""

    claim: Claim
    verdict: Verdict
    appearances: list
    evidence: list
    corrections: list
    topics: list


def claim_page_parts(claim):
    """The parts of the page of a claim loaded by claim_for_page() or claim_for_preview(). No query.
    A claim without a verdict yet gets an empty, unsaved draft verdict (the staff preview)."""
    verdict = getattr(claim, "verdict", None) or Verdict(claim=claim)
    saved = verdict.pk is not None
    return ClaimPage(
        claim=claim,
        verdict=verdict,
        appearances=list(claim.appearances.all()),
        evidence=list(verdict.evidence.all()) if saved else [],
        corrections=list(verdict.corrections.all()) if saved else [],
        topics=list(claim.topics.all()),
    )


# --- The staff preview (claims/admin.py): never reachable from the readers' site -------------------


def claim_for_preview(pk):
    """Any claim, a draft or one in review too, with everything its page shows, or None: for staff
    only. Five queries, as claim_for_page()."""
    return _with_page_parts(Claim.objects.all()).filter(pk=pk).first()


def proposal_page_parts(change, now):
    """The page of a claim as approving `change` (a PendingChange) would make it: unsaved copies of
    the claim and its verdict carrying the proposed unit (revisions.unit_of's shape), its rows, and
    the public correction the approval adds at `now`. Nothing is written. Nine queries."""
    current = claim_page_parts(claim_for_preview(change.claim_id))
    unit, data = change.unit, change.unit["claim"]
    claim = _copy(current.claim)
    for field in ("title", "text", "kind", "unattributed", "made_at", "language"):
        setattr(claim, field, data[field])
    claim.made_on = datetime.date.fromisoformat(data["made_on"]) if data["made_on"] else None
    claim.claimant = Claimant.objects.filter(pk=data["claimant"]).first() if data["claimant"] else None
    verdict = _copy(current.verdict, claim=claim)
    verdict.rating = Rating.objects.filter(pk=unit["verdict"]["rating"]).first()
    verdict.conclusion, verdict.analysis = unit["verdict"]["conclusion"], unit["verdict"]["analysis"]
    if change.kind == Correction.Kind.REINSTATEMENT:
        verdict.status, verdict.retracted_at, verdict.retraction_note = Verdict.Status.PUBLISHED, None, ""
    ids = {row["source"] for row in unit["appearances"] + unit["evidence"]}
    sources = Source.objects.select_related("publisher").in_bulk(ids)
    appearances = [
        Appearance(
            claim=claim,
            source=sources[row["source"]],
            quote=row["quote"],
            seen_on=datetime.date.fromisoformat(row["seen_on"]),
            is_first=row["is_first"],
        )
        for row in unit["appearances"]
    ]
    evidence = [
        Evidence(verdict=verdict, source=sources[row["source"]], note=row["note"], position=row["position"])
        for row in unit["evidence"]
    ]
    rating_changed = current.verdict.rating_id is not None and current.verdict.rating_id != verdict.rating_id
    correction = Correction(
        verdict=verdict,
        kind=change.kind,
        note=change.note,
        old_rating=current.verdict.rating if rating_changed else None,
        new_rating=verdict.rating if rating_changed else None,
        old_conclusion=current.verdict.conclusion if current.verdict.conclusion != verdict.conclusion else "",
        created_at=now,
    )
    return ClaimPage(
        claim=claim,
        verdict=verdict,
        appearances=sorted(appearances, key=lambda a: a.seen_on),
        evidence=sorted(evidence, key=lambda e: e.position),
        corrections=[*current.corrections, correction],
        topics=list(Topic.objects.filter(pk__in=data["topics"])),
    )


SIMILAR_LIMIT = 5


def similar_claims(text, limit=SIMILAR_LIMIT):
    """Claims on record, published or not, that match `text` (the matching of /api/v1/match/), best
    first, each with `score_percent` and `status_label`: the duplicate check of the admin's add
    form. Staff only. A match that runs out of time finds nothing rather than holding up the form."""
    try:
        found = matching.match(text, limit=limit, among=Claim.objects.all())
    except matching.MatchTimeout:
        return []
    for claim in found:
        verdict = getattr(claim, "verdict", None)
        claim.status_label = verdict.get_status_display() if verdict else _("No verdict yet")
        claim.score_percent = round(claim.score * 100)
    return found


def _copy(obj, **values):
    """An unsaved copy of a model row with the same field values (its own related-object cache)."""
    fields = [f for f in type(obj)._meta.concrete_fields if f.name not in values]
    return type(obj)(**{f.attname: getattr(obj, f.attname) for f in fields}, **values)


def claim_for_card(slug):
    """A public claim with what its share image shows (claimant, rating), or None. One query."""
    return Claim.objects.public().select_related("claimant", "verdict__rating").filter(slug=slug).first()


def claim_stamp(slug):
    """(etag, last_modified, epoch) of a public claim's page, or None when there is no such page.
    One query. The time of the last change anywhere is part of the ETag, which covers what the
    page shows of other claims (related claims) and of names (claimant, sources)."""
    version = ContentVersion.objects.filter(pk=1)
    row = (
        Claim.objects.public()
        .filter(slug=slug)
        .annotate(cv=Subquery(version.values("number")[:1]), cv_at=Subquery(version.values("changed_at")[:1]))
        .values_list("pk", "updated_at", "verdict__updated_at", "cv", "cv_at")
        .order_by()[:1]
    )
    row = row[0] if row else None
    return None if row is None else _stamp(*row)


def _stamp(pk, claim_at, verdict_at, cv, cv_at):
    raw = f"{pk}:{claim_at.isoformat()}:{verdict_at.isoformat()}:{cv}:{cv_at.isoformat() if cv_at else ''}"
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    last_modified = max(t for t in (claim_at, verdict_at, cv_at) if t is not None)
    return etag, last_modified, cv or 1


def related_claims(claim, aggregates, limit=5):
    """Other published claims by the same claimant or on a shared topic, newest first, as list
    rows. One query the first time after a change to the claimant's or the topics' lists, none
    after. Expects the claim's topics prefetched.

    The cached page that shows them depends on each shown claim and its claimant (claim_page_tags),
    not on the lists they come from: a correction or retraction of a shown claim re-renders the
    page at once, while a newly published claim joins the related claims of older pages when those
    are next rendered (any change to them, or PUBLIC_CACHE_SECONDS). Otherwise every publish would
    re-render the pages of every claim on its topics, a tenth of the site."""
    tags = tuple(sorted({f"list:topic:{t.pk}" for t in claim.topics.all()} | _claimant_list(claim)))
    return aggregates.get(f"related:{claim.pk}", lambda: _related(claim, limit), tags or ("claims",))


def _claimant_list(claim):
    return {f"list:claimant:{claim.claimant_id}"} if claim.claimant_id else set()


def rows_tags(claims):
    """Cache tags of list rows (factcheck/cache.py): each claim and its claimant's name."""
    tags = {"ratings"}
    for claim in claims:
        tags.add(f"claim:{claim.pk}")
        if claim.claimant_id:
            tags.add(f"claimant:{claim.claimant_id}")
    return tags


def claim_page_tags(parts, related=()):
    """Cache tags of a claim's page or API item (factcheck/cache.py): the claim, its claimant,
    topics, the sources and publishers it cites, its bylines, the ratings, and the related rows.
    No query (the parts are loaded)."""
    claim, verdict = parts.claim, parts.verdict
    tags = {f"claim:{claim.pk}", "ratings", *(f"topic:{t.pk}" for t in parts.topics), *rows_tags(related)}
    if claim.claimant_id:
        tags.add(f"claimant:{claim.claimant_id}")
    for row in [*parts.appearances, *parts.evidence]:
        tags.add(f"source:{row.source_id}")
        if row.source.publisher_id:
            tags.add(f"publisher:{row.source.publisher_id}")
    tags.update(f"staff:{user}" for user in (verdict.author_id, verdict.reviewer_id) if user)
    return tags


def _related(claim, limit):
    topic_ids = [t.pk for t in claim.topics.all()]
    condition = Q(topics__in=topic_ids) if topic_ids else Q(pk__in=[])
    if claim.claimant_id:
        condition |= Q(claimant_id=claim.claimant_id)
    ids = Claim.objects.published().filter(condition).exclude(pk=claim.pk).values("pk")
    return list(published_claims().filter(pk__in=ids)[:limit])


def _has_published_claims():
    return Exists(Claim.objects.published().filter(claimant_id=OuterRef("pk")))


def claimant_with_claims(slug):
    """A claimant who has at least one published claim, or None. One query."""
    return Claimant.objects.filter(_has_published_claims(), slug=slug).first()


def claimant_for_filter(value):
    """The claimant with published claims whose slug is `value` or whose name is `value` in any
    case, or None. One query (the claimants' table is small; the name is compared without index)."""
    found = list(Claimant.objects.filter(_has_published_claims()).filter(Q(slug=value) | Q(name__iexact=value)))
    found.sort(key=lambda claimant: (claimant.slug != value, claimant.name, claimant.pk))
    return found[0] if found else None


def claimant_pledges(claimant, limit=100):
    """The claimant's published pledges with their status, the most recent first. One query."""
    return list(published_claims_sorted().filter(claimant=claimant, kind=Claim.Kind.PLEDGE)[:limit])


def topic_with_claims(slug):
    """A topic by slug (shown even before it has published claims, so links never break). One query."""
    return Topic.objects.filter(slug=slug).first()


def public_corrections():
    """Every correction of a public verdict, retractions included, newest first. A retraction is
    added to the record and erases none of it: a retracted verdict's earlier corrections stay."""
    return (
        Correction.objects.filter(verdict__claim__in=Claim.objects.public().values("pk"))
        .select_related("verdict__claim", "verdict__claim__claimant", "old_rating", "new_rating")
        .order_by("-created_at", "-pk")
    )


def filter_choices(aggregates):
    """Choices for the claim filters: ratings, topics with published claims, the languages
    published claims are in, and the names of the busiest claimants (suggestions for the claimant
    field, which takes any claimant's name). One query (ratings), plus the aggregates' the first
    time per content version."""
    return {
        "ratings": ratings(),
        "topics": aggregates.topic_choices(),
        "languages": aggregates.languages(),
        "claimants": aggregates.claimant_suggestions(),
    }


def published_before(offset, *, newest=True):
    """(published_at, claim_id) of the published verdict at `offset` in the newest-first (or
    oldest-first) order, or None: read from the partial index alone (an index-only scan), so that
    a deep page of the whole list need not join and skip `offset` full rows. One query."""
    order = ("-published_at", "-claim_id") if newest else ("published_at", "claim_id")
    rows = list(
        Verdict.objects.published().order_by(*order).values_list("published_at", "claim_id")[offset : offset + 1]
    )
    return rows[0] if rows else None


def content_stamp():
    """(number, changed_at) of the content version: every publish, correction and retraction, and
    every change to what public pages show of claimants, topics, ratings, sources and the
    organisation, changes both. One query."""
    row = ContentVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return row or (1, None)


# --- Indexes: topics and claimants -----------------------------------------------------------------


def topic_index(aggregates):
    """Topics with published claims, by name, each with `n_claims`. One query, and the topic counts'
    the first time per content version."""
    counts = aggregates.topic_counts()
    topics = list(Topic.objects.filter(pk__in=list(counts)).order_by("name"))
    for topic in topics:
        topic.n_claims = counts[topic.pk]
    return topics


def index_letter(name):
    """The letter a name is filed under in the A–Z index: its first letter without accents (É under
    E), or "#" for digits, symbols and other scripts."""
    for char in unicodedata.normalize("NFKD", name):
        if char.isalnum():
            letter = char.upper()
            return letter if "A" <= letter <= "Z" else "#"
    return "#"


def sort_key(name):
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold() or name.casefold()


def claimant_index(aggregates):
    """Every claimant with published checks: [{slug, name, role, kind, n, letter}] in A–Z order. One
    query the first time per content version, none after: the index pages filter and page it in
    memory (a few thousand short rows)."""
    return aggregates.get("claimant-index", _claimant_index)


def _claimant_index():
    rows = (
        Claim.objects.published()
        .filter(claimant__isnull=False)
        .order_by()
        .values("claimant__slug", "claimant__name", "claimant__role", "claimant__kind")
        .annotate(n=Count("pk"))
    )
    index = [
        {
            "slug": row["claimant__slug"],
            "name": row["claimant__name"],
            "role": row["claimant__role"],
            "kind": row["claimant__kind"],
            "n": row["n"],
            "letter": index_letter(row["claimant__name"]),
        }
        for row in rows
    ]
    index.sort(key=lambda row: (row["letter"] == "#", sort_key(row["name"]), row["slug"]))
    return index


def claimant_letters(index):
    """{letter: number of claimants} of the index."""
    return {letter: len(list(rows)) for letter, rows in groupby(index, key=lambda row: row["letter"])}


# --- Who we are: bylines, staff pages, funding, texts ----------------------------------------------


def staff_with_page(slug):
    """A staff profile whose owner published its page, or None. One query."""
    return StaffProfile.objects.filter(slug=slug, public_page=True, user__is_active=True).first()


def claims_signed_by(user_id):
    """Published claims whose verdict `user_id` wrote or reviewed, newest first, as list rows."""
    signed = Q(verdict__author_id=user_id) | Q(verdict__reviewer_id=user_id)
    return published_claims_sorted().filter(signed)


def team():
    """Staff who published their profile page, by public name. One query."""
    return list(StaffProfile.objects.filter(public_page=True, user__is_active=True).order_by("display_name"))


def organisation_texts():
    """{kind: Markdown body} of the editorial texts. One query."""
    return dict(OrganisationText.objects.values_list("kind", "body"))


def funding_by_year():
    """[(year, [FundingSource], {currency: total})], the latest year first. One query."""
    years = []
    for year, rows in groupby(FundingSource.objects.order_by("-year", "-amount", "funder"), key=lambda f: f.year):
        rows = list(rows)
        totals = {}
        for row in rows:
            totals[row.currency] = totals.get(row.currency, 0) + row.amount
        years.append((year, rows, sorted(totals.items())))
    return years


# --- Sources as readers see them -------------------------------------------------------------------


def cited_source(slug):
    """A source that published verdicts cite as evidence, with its publisher, or None. One query."""
    cited = Evidence.objects.filter(source_id=OuterRef("pk"), verdict__status=Verdict.Status.PUBLISHED)
    return Source.objects.select_related("publisher").filter(Exists(cited), slug=slug).first()


def claims_citing(source, limit=50):
    """Published claims whose verdict cites `source`, newest first, as list rows. One query."""
    ids = Evidence.objects.filter(source=source).values("verdict__claim_id")
    return list(published_claims_sorted().filter(pk__in=ids)[:limit])
