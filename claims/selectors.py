"""Reads for the readers' site. Every query starts from Claim.objects.published() (lists, counts,
search, feeds) or Claim.objects.public() (a claim page, which stays up after a retraction), and
each function runs a fixed number of queries whatever the number of rows: a page's query budget
is the sum of the selectors it calls."""

import hashlib

from django.db.models import Count, Prefetch, Q, Subquery
from django.utils.http import quote_etag

from claims.models import Appearance, Claim, Claimant, ContentVersion, Correction, Evidence, Rating, Topic

LIST_RELATED = ("claimant", "verdict__rating")


def published_claims():
    """Published claims with what a list row shows (claimant, rating), newest verdict first."""
    return Claim.objects.published().select_related(*LIST_RELATED).order_by("-verdict__published_at", "-pk")


def latest_claims(limit=6):
    """One query."""
    return list(published_claims()[:limit])


def ratings():
    """All rating rows, scale by scale in display order. One query."""
    return list(Rating.objects.all())


def rating_counts(claims=None):
    """{rating_id: number of published verdicts} over `claims` (default: all published). One query."""
    claims = Claim.objects.published() if claims is None else claims
    rows = claims.order_by().values("verdict__rating").annotate(n=Count("pk"))
    return {row["verdict__rating"]: row["n"] for row in rows}


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


def featured_topics():
    """Featured topics with their number of published claims. One query."""
    return list(
        Topic.objects.filter(featured=True).annotate(
            n_claims=Count("claims", filter=Q(claims__in=Claim.objects.published().values("pk")), distinct=True)
        )
    )


def claim_for_page(slug):
    """A public claim with everything its page shows, or None. Five queries: the claim, its topics,
    appearances, evidence and corrections."""
    corrections = Correction.objects.select_related("old_rating", "new_rating")
    claim = (
        Claim.objects.public()
        .select_related("claimant", "verdict__rating")
        .prefetch_related(
            "topics",
            Prefetch("appearances", queryset=Appearance.objects.select_related("source__publisher")),
            Prefetch("verdict__evidence", queryset=Evidence.objects.select_related("source__publisher")),
            Prefetch("verdict__corrections", queryset=corrections.order_by("created_at", "pk")),
        )
        .filter(slug=slug)
        .first()
    )
    return claim


def claim_stamp(slug):
    """(etag, last_modified) of a public claim's page, or None when there is no such page. One
    query. The content version changes with every publish, correction and retraction anywhere,
    which covers what the page shows of other claims (related claims)."""
    version = ContentVersion.objects.filter(pk=1)
    row = (
        Claim.objects.public()
        .filter(slug=slug)
        .annotate(cv=Subquery(version.values("number")[:1]), cv_at=Subquery(version.values("changed_at")[:1]))
        .values_list("pk", "updated_at", "verdict__updated_at", "cv", "cv_at")
        .first()
    )
    if row is None:
        return None
    pk, claim_at, verdict_at, cv, cv_at = row
    raw = f"{pk}:{claim_at.isoformat()}:{verdict_at.isoformat()}:{cv}"
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    last_modified = max(t for t in (claim_at, verdict_at, cv_at) if t is not None)
    return etag, last_modified


def related_claims(claim, limit=5):
    """Other published claims by the same claimant or on a shared topic. One query; expects the
    claim's topics prefetched."""
    topic_ids = [t.pk for t in claim.topics.all()]
    condition = Q(topics__in=topic_ids) if topic_ids else Q(pk__in=[])
    if claim.claimant_id:
        condition |= Q(claimant_id=claim.claimant_id)
    ids = Claim.objects.published().filter(condition).exclude(pk=claim.pk).values("pk")
    return list(published_claims().filter(pk__in=ids)[:limit])


def claimant_with_claims(slug):
    """A claimant who has at least one published claim, or None. One query."""
    return Claimant.objects.filter(slug=slug, claims__in=Claim.objects.published().values("pk")).distinct().first()


def claimant_pledges(claimant, limit=100):
    """The claimant's published pledges with their status, the most recent first. One query."""
    return list(published_claims().filter(claimant=claimant, kind=Claim.Kind.PLEDGE)[:limit])


def topic_with_claims(slug):
    """A topic by slug (shown even before it has published claims, so links never break). One query."""
    return Topic.objects.filter(slug=slug).first()


def public_corrections():
    """Corrections of public verdicts (retractions included), newest first."""
    return (
        Correction.objects.filter(verdict__claim__in=Claim.objects.public().values("pk"))
        .select_related("verdict__claim", "verdict__claim__claimant", "old_rating", "new_rating")
        .order_by("-created_at", "-pk")
    )


def filter_choices():
    """Choices for the claim filters: ratings, claimants and topics that have published claims, and
    the languages published claims are in. Four queries."""
    published = Claim.objects.published().values("pk")
    return {
        "ratings": ratings(),
        "claimants": list(Claimant.objects.filter(claims__in=published).distinct().order_by("name")),
        "topics": list(Topic.objects.filter(claims__in=published).distinct().order_by("name")),
        "languages": sorted(set(Claim.objects.published().order_by().values_list("language", flat=True).distinct())),
    }
