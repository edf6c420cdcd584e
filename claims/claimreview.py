"""schema.org ClaimReview markup, built in one place for the claim pages' JSON-LD and the partner
API's feed, so that both always say the same thing."""

import json

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse

from claims.models import Claimant, Rating
from organisation.models import public_name, public_profile

# Characters that could end a <script> element or open an HTML comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def rating_bounds():
    """{scale: (worst, best)} for every scale with ordinal values. One query; pass the result to
    claim_review() for each claim of a list."""
    rows = (
        Rating.objects.filter(ordinal__isnull=False).values("scale").annotate(worst=Min("ordinal"), best=Max("ordinal"))
    )
    return {row["scale"]: (row["worst"], row["best"]) for row in rows}


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def organisation():
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL}


# Google's guidelines for ClaimReview ask for a claimReviewed of at most 75 characters.
CLAIM_REVIEWED_MAX = 75


def staff_ld(user):
    """The verdict's author as a schema.org Person, by their public name ([] when they have none)."""
    name = public_name(user)
    if not name:
        return []
    data = {"@type": "Person", "name": name}
    profile = public_profile(user)
    if profile is not None:
        data["url"] = absolute(reverse("claims:staff_detail", args=[profile.slug]))
        if profile.job_title:
            data["jobTitle"] = profile.job_title
    return [data]


def claim_review(claim, *, bounds):
    """The ClaimReview of a public claim. Expects `claim` loaded with claimant, verdict__rating,
    verdict__author__staff_profile and prefetched appearances__source__publisher (no query is made
    here). A rating that is no judgement yet (a pledge "Not yet rated") gives no reviewRating."""
    verdict = claim.verdict
    appearances = list(claim.appearances.all())
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(claim.get_absolute_url()),
        "claimReviewed": claim_reviewed(claim),
        "datePublished": verdict.published_at.date().isoformat(),
        "dateModified": verdict.updated_at.isoformat(),
        "inLanguage": claim.language,
        # The organisation publishes the review; the person is who wrote it (IFCN: say who checked).
        "author": [organisation(), *staff_ld(verdict.author)],
        "itemReviewed": item_reviewed(claim, appearances),
    }
    if verdict.rating.is_judgement:
        data["reviewRating"] = review_rating(verdict.rating, bounds)
    if verdict.conclusion:
        data["reviewBody"] = verdict.conclusion
    return data


def with_translations(data, *, language, original, languages, url_of):
    """Link a ClaimReview with its other languages (schema.org): the original's lists its
    translations in `workTranslation`, a translation names the original in `translationOfWork`.
    `languages` are the check's published languages, `url_of(code)` the page's address in each."""
    if language == original:
        others = [code for code in languages if code != original]
        if others:
            data["workTranslation"] = [
                {"@type": "ClaimReview", "url": url_of(code), "inLanguage": code} for code in others
            ]
    else:
        data["translationOfWork"] = {"@type": "ClaimReview", "url": url_of(original), "inLanguage": original}
    return data


def claim_reviewed(claim):
    """The claim in at most CLAIM_REVIEWED_MAX characters: the editors' short form, else the title
    shortened at a word with an ellipsis (the full statement is in itemReviewed's text)."""
    if claim.claim_reviewed:
        return claim.claim_reviewed
    return shorten(claim.title, CLAIM_REVIEWED_MAX)


def shorten(text, limit):
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def review_rating(rating, bounds):
    data = {"@type": "Rating", "alternateName": rating.label}
    if rating.ordinal is not None and rating.scale in bounds:
        worst, best = bounds[rating.scale]
        data.update({"ratingValue": rating.ordinal, "bestRating": best, "worstRating": worst})
    return data


def item_reviewed(claim, appearances):
    item = {"@type": "Claim", "text": claim.text}
    if claim.claimant_id:
        item["author"] = claimant_ld(claim.claimant)
    if claim.made_on:
        item["datePublished"] = claim.made_on.isoformat()
    if appearances:
        item["appearance"] = [appearance_ld(a) for a in appearances]
        first = next((a for a in appearances if a.is_first), appearances[0])
        item["firstAppearance"] = appearance_ld(first)
    return item


def claimant_ld(claimant):
    data = {
        "@type": "Organization" if claimant.kind == Claimant.Kind.ORGANIZATION else "Person",
        "name": claimant.name,
    }
    if claimant.role:
        data["jobTitle" if claimant.kind == Claimant.Kind.PERSON else "description"] = claimant.role
    if claimant.wikidata_id:
        data["sameAs"] = claimant.wikidata_url
    return data


def appearance_ld(appearance):
    source = appearance.source
    data = {"@type": "CreativeWork", "name": source.title, "datePublished": appearance.seen_on.isoformat()}
    if source.url:
        data["url"] = source.url
    if source.publisher_id:
        data["publisher"] = {"@type": "Organization", "name": source.publisher.name}
    return data


def to_script_json(data):
    """Serialise for a <script type="application/ld+json"> element: `</script>` or `<!--` inside a
    claim cannot end the element, and the result is still valid JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
