"""The public representation of claims, claimants, topics, ratings, ClaimReviews, tombstones and
matches. The serializers are the documented contract (the OpenAPI schema is generated from them);
the views build the same shapes with the plain functions below, from rows loaded with a fixed
number of queries. tests/claims/api/test_contract.py checks that both name the same fields."""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims import i18n
from claims.api.filters import EMPTY_MESSAGE
from claims.claimreview import absolute
from claims.models import Claim, Claimant, Correction, Rating
from sources.api.serializers import SourceSerializer, source_data

# --- Schema ----------------------------------------------------------------------------------


class RatingSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(
        help_text=_("Stable identifier of the rating, e.g. `false`; filter claims with ?rating=.")
    )
    label = serializers.CharField(help_text=_("The rating as readers see it, e.g. “False”."))
    scale = serializers.ChoiceField(
        choices=Rating.Scale.choices,
        help_text=_("`veracity` for factual statements, `pledge` for pledges."),
    )
    ordinal = serializers.IntegerField(
        allow_null=True,
        help_text=_("Position on the scale, higher is truer (ClaimReview ratingValue); null for labels off the scale."),
    )


class RatingSerializer(RatingSummarySerializer):
    description = serializers.CharField(help_text=_("What the rating means."))
    colour = serializers.CharField(help_text=_("Badge colour as #rrggbb (the badge also shows the label)."))


class ClaimantSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the claimant; use it with ?claimant=."))
    name = serializers.CharField(help_text=_("Name of the person or organisation."))
    kind = serializers.ChoiceField(
        choices=Claimant.Kind.choices, help_text=_("Whether the claimant is a person or an organisation.")
    )
    role = serializers.CharField(help_text=_("Role or title at the time, e.g. “President of Russia”; may be empty."))


class ClaimantSerializer(ClaimantSummarySerializer):
    affiliation = serializers.CharField(help_text=_("Party, government or organisation; may be empty."))
    country = serializers.CharField(help_text=_("Country; may be empty."))
    wikidata_id = serializers.CharField(help_text=_("Wikidata item id such as Q7747, or an empty string."))
    description = serializers.CharField(help_text=_("A short description; may be empty."))
    url = serializers.URLField(help_text=_("The claimant's public page on our site."))
    claim_count = serializers.IntegerField(help_text=_("Number of the claimant's claims with a published verdict."))


class TopicSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the topic; use it with ?topic=."))
    name = serializers.CharField(help_text=_("Name of the topic."))


class TopicSerializer(TopicSummarySerializer):
    description = serializers.CharField(help_text=_("What the topic covers; may be empty."))
    url = serializers.URLField(help_text=_("The topic's public page on our site."))
    claim_count = serializers.IntegerField(help_text=_("Number of claims in the topic with a published verdict."))


class TranslationLinkSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=_("BCP 47 code of the translation's language."))
    url = serializers.URLField(help_text=_("The translation's public page on our site."))
    api_url = serializers.URLField(help_text=_("This claim in the API, answered in that language."))


class ClaimSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the claim; use it with /api/v1/claims/{slug}/."))
    title = serializers.CharField(help_text=_("A short headline for the claim."))
    text = serializers.CharField(help_text=_("The claim as it was made, quoted or closely paraphrased."))
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, help_text=_("A factual statement or a pledge."))
    language = serializers.CharField(
        help_text=_(
            "BCP 47 code of the language of this answer's words (title, text, conclusion, analysis, evidence "
            "notes): the one asked for with ?language= or Accept-Language when the check is published in it, "
            "else the original's. The Content-Language header says the same."
        )
    )
    original_language = serializers.CharField(help_text=_("BCP 47 code of the language the check was written in."))
    translations = TranslationLinkSerializer(
        many=True, help_text=_("The check's published translations (the original is not listed).")
    )
    made_on = serializers.DateField(allow_null=True, help_text=_("When the claim was made, if known."))
    made_at = serializers.CharField(
        help_text=_("Where the claim was made, e.g. “address at the Foreign Ministry”; may be empty.")
    )
    claimant = ClaimantSummarySerializer(allow_null=True, help_text=_("Who made the claim; null when unattributed."))
    topics = TopicSummarySerializer(many=True, help_text=_("Topics of the claim, by name."))
    rating = RatingSummarySerializer(help_text=_("The verdict's current rating."))
    conclusion = serializers.CharField(help_text=_("The verdict in one sentence."))
    published_at = serializers.DateTimeField(help_text=_("When the verdict was first published."))
    verdict_updated_at = serializers.DateTimeField(help_text=_("When the verdict last changed (e.g. a correction)."))
    updated_at = serializers.DateTimeField(
        help_text=_("When anything about the claim last changed: the key of ?updated_since= and ?ordering=updated_at.")
    )
    url = serializers.URLField(help_text=_("The verdict's public page on our site."))
    api_url = serializers.URLField(help_text=_("This claim's full representation in the API."))


class AppearanceSerializer(serializers.Serializer):
    source = SourceSerializer(help_text=_("Where the claim appeared."))
    quote = serializers.CharField(help_text=_("The claim's words as they appear in the source."))
    seen_on = serializers.DateField(help_text=_("When the claim appeared in the source."))
    is_first = serializers.BooleanField(help_text=_("Whether this is the first known appearance."))


class EvidenceSerializer(serializers.Serializer):
    source = SourceSerializer(help_text=_("A source the verdict relies on."))
    note = serializers.CharField(help_text=_("What this source shows about the claim."))


class CorrectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Correction.Kind.choices, help_text=_("What sort of change this was."))
    note = serializers.CharField(help_text=_("Public explanation of what changed and why."))
    created_at = serializers.DateTimeField(help_text=_("When the change was made."))
    old_rating = RatingSummarySerializer(allow_null=True, help_text=_("The rating before a rating change, else null."))
    new_rating = RatingSummarySerializer(allow_null=True, help_text=_("The rating after a rating change, else null."))
    old_conclusion = serializers.CharField(help_text=_("The conclusion before it was changed; empty if it was not."))


class ClaimDetailSerializer(ClaimSummarySerializer):
    analysis = serializers.CharField(help_text=_("The verdict's reasoning, in Markdown."))
    appearances = AppearanceSerializer(many=True, help_text=_("Where the claim was made or repeated, oldest first."))
    evidence = EvidenceSerializer(many=True, help_text=_("The sources the verdict relies on, in the editors' order."))
    corrections = CorrectionSerializer(
        many=True, help_text=_("Public changes to the verdict since publication, newest first.")
    )


class ClaimRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Stable identifier of the claim."))
    title = serializers.CharField(help_text=_("A short headline for the claim."))
    api_url = serializers.URLField(help_text=_("The claim's full representation in the API."))


class SourceAppearanceSerializer(serializers.Serializer):
    claim = ClaimRefSerializer(help_text=_("The published claim that appeared in this source."))
    quote = serializers.CharField(help_text=_("The claim's words as they appear in the source."))
    seen_on = serializers.DateField(help_text=_("When the claim appeared in the source."))


class SourceCitationSerializer(serializers.Serializer):
    claim = ClaimRefSerializer(help_text=_("The published claim whose verdict cites this source."))
    note = serializers.CharField(help_text=_("What this source shows about the claim."))


class SourceDetailSerializer(SourceSerializer):
    appearances = SourceAppearanceSerializer(many=True, help_text=_("Published claims that appeared in this source."))
    cited_by = SourceCitationSerializer(many=True, help_text=_("Published verdicts that cite this source as evidence."))


class TombstoneSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("The claim that was listed before and must now be removed."))
    url = serializers.URLField(help_text=_("The public page, which stays up and explains the retraction."))
    published_at = serializers.DateTimeField(help_text=_("When the verdict was first published."))
    retracted_at = serializers.DateTimeField(help_text=_("When the verdict was retracted: the key of ?since=."))
    note = serializers.CharField(help_text=_("Why the verdict was retracted."))


class MatchSerializer(serializers.Serializer):
    score = serializers.FloatField(
        min_value=0,
        max_value=1,
        help_text=_("Similarity from 0 to 1; only matches at or above the threshold are returned."),
    )
    claim = ClaimSummarySerializer(help_text=_("The published claim that matches."))


class MatchResponseSerializer(serializers.Serializer):
    results = MatchSerializer(
        many=True, help_text=_("Matching published claims, best first; empty when none is close enough.")
    )


class NotEmptyIntegerField(serializers.IntegerField):
    """An optional integer whose empty value (`limit=`) is an error, not the default: the API
    refuses every empty parameter (claims/api/filters.py)."""

    default_error_messages = {"empty": EMPTY_MESSAGE}

    def get_value(self, dictionary):
        # DRF turns a blank form or query value of an optional field into "not given".
        return dictionary.get(self.field_name, serializers.empty)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.strip():
            self.fail("empty")
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """A string, and only a string: DRF's CharField would take a JSON number as its digits."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MatchQuerySerializer(serializers.Serializer):
    """The text to match: query parameters of a GET, or the JSON or form body of a POST."""

    text = TextField(
        max_length=1000,
        trim_whitespace=True,
        error_messages={"blank": EMPTY_MESSAGE},
        help_text=_("The claim to look for, in your own words (the first 200 characters are used)."),
    )
    limit = NotEmptyIntegerField(
        required=False,
        default=10,
        min_value=1,
        max_value=20,
        help_text=_("Most matches to return, 1 to 20 (default 10)."),
    )


def _ld(name, fields):
    """A serializer whose field names are JSON-LD keys (`@type`), which Python names cannot spell."""
    return type(name, (serializers.Serializer,), dict(fields))


_THING = _ld(
    "SchemaOrgThing",
    {
        "@type": serializers.CharField(help_text=_("schema.org type.")),
        "name": serializers.CharField(help_text=_("Name.")),
    },
)
_RATING_LD = _ld(
    "SchemaOrgRating",
    {
        "@type": serializers.CharField(help_text=_("Always `Rating`.")),
        "alternateName": serializers.CharField(help_text=_("The rating's label.")),
        "ratingValue": serializers.IntegerField(
            required=False, help_text=_("Ordinal value, absent for labels off the scale.")
        ),
        "bestRating": serializers.IntegerField(required=False, help_text=_("Highest ordinal of the scale.")),
        "worstRating": serializers.IntegerField(required=False, help_text=_("Lowest ordinal of the scale.")),
    },
)
_AUTHOR_LD = _ld(
    "SchemaOrgClaimAuthor",
    {
        "@type": serializers.CharField(help_text=_("`Person` or `Organization`.")),
        "name": serializers.CharField(help_text=_("Name of the claimant.")),
        "jobTitle": serializers.CharField(required=False, help_text=_("Role of a person.")),
        "description": serializers.CharField(required=False, help_text=_("Role of an organisation.")),
        "sameAs": serializers.URLField(required=False, help_text=_("Wikidata page of the claimant.")),
    },
)
_WORK_LD = _ld(
    "SchemaOrgCreativeWork",
    {
        "@type": serializers.CharField(help_text=_("Always `CreativeWork`.")),
        "name": serializers.CharField(help_text=_("Title of the source.")),
        "datePublished": serializers.DateField(help_text=_("When the claim appeared there.")),
        "url": serializers.URLField(required=False, help_text=_("Address of the source.")),
        "publisher": _THING(required=False, help_text=_("The source's publisher.")),
    },
)
_ITEM_LD = _ld(
    "SchemaOrgClaim",
    {
        "@type": serializers.CharField(help_text=_("Always `Claim`.")),
        "text": serializers.CharField(help_text=_("The claim in full, as it was made.")),
        "author": _AUTHOR_LD(required=False, help_text=_("Who made the claim; absent when unattributed.")),
        "datePublished": serializers.DateField(required=False, help_text=_("When the claim was made.")),
        "appearance": _WORK_LD(many=True, required=False, help_text=_("Where the claim appeared.")),
        "firstAppearance": _WORK_LD(required=False, help_text=_("Where it first appeared.")),
    },
)
ClaimReviewSerializer = _ld(
    "ClaimReview",
    {
        "@context": serializers.CharField(help_text=_("Always `https://schema.org`.")),
        "@type": serializers.CharField(help_text=_("Always `ClaimReview`.")),
        "url": serializers.URLField(help_text=_("The verdict's public page.")),
        "claimReviewed": serializers.CharField(
            max_length=75,
            help_text=_(
                "The claim in at most 75 characters (Google's guideline): the editors' short form, else the title "
                "shortened. The full statement is itemReviewed's `text`."
            ),
        ),
        "datePublished": serializers.DateField(help_text=_("When the verdict was first published.")),
        "dateModified": serializers.DateTimeField(help_text=_("When the verdict last changed.")),
        "inLanguage": serializers.CharField(help_text=_("BCP 47 code of the claim's language.")),
        "author": _ld(
            "SchemaOrgReviewAuthor",
            {
                "@type": serializers.CharField(help_text=_("`Organization` (first), then `Person`.")),
                "name": serializers.CharField(help_text=_("Our organisation's name, then the author's public name.")),
                "url": serializers.URLField(
                    required=False, help_text=_("Our site; the author's public page if they have one.")
                ),
                "jobTitle": serializers.CharField(required=False, help_text=_("The author's job title.")),
            },
        )(
            many=True,
            help_text=_("The fact-checking organisation, then the staff member who wrote the verdict."),
        ),
        "reviewRating": _RATING_LD(
            required=False,
            help_text=_("The verdict's rating; absent while a pledge is not yet rated (no judgement yet)."),
        ),
        "itemReviewed": _ITEM_LD(help_text=_("The claim that was checked.")),
        "reviewBody": serializers.CharField(required=False, help_text=_("The verdict in one sentence.")),
        "workTranslation": _ld(
            "SchemaOrgTranslationLink",
            {
                "@type": serializers.CharField(help_text=_("Always `ClaimReview`.")),
                "url": serializers.URLField(help_text=_("The page of the review in that language.")),
                "inLanguage": serializers.CharField(help_text=_("BCP 47 code of its language.")),
            },
        )(
            many=True,
            required=False,
            help_text=_("On a review in its original language: its published translations."),
        ),
        "translationOfWork": _ld(
            "SchemaOrgOriginalLink",
            {
                "@type": serializers.CharField(help_text=_("Always `ClaimReview`.")),
                "url": serializers.URLField(help_text=_("The page of the original review.")),
                "inLanguage": serializers.CharField(help_text=_("BCP 47 code of the original's language.")),
            },
        )(required=False, help_text=_("On a translated review: the original it translates.")),
    },
)

# --- Builders ----------------------------------------------------------------------------------


class URLs:
    """Absolute URLs for many rows with one reverse() per name (and language): a list of 100 claims
    would otherwise resolve the same pattern 100 times, the claim page's each time inside
    translation.override()."""

    SLUG = "__slug__"

    def __init__(self, request):
        self.request = request
        self._templates = {}
        self._pages = {}

    def api(self, name, slug):
        if name not in self._templates:
            path = reverse(f"api:{name}", kwargs={"slug": self.SLUG})
            self._templates[name] = self.request.build_absolute_uri(path)
        return self._templates[name].replace(self.SLUG, slug)

    def shown(self, claim):
        """i18n.shown_url(claim): the page in the claim's (possibly translated) language."""
        if claim.language not in self._pages:
            self._pages[claim.language] = i18n.shown_url(SimpleNamespace(slug=self.SLUG, language=claim.language))
        return self._pages[claim.language].replace(self.SLUG, claim.slug)


def rating_summary(rating):
    if rating is None:
        return None
    return {"slug": rating.slug, "label": rating.label, "scale": rating.scale, "ordinal": rating.ordinal}


def rating_data(rating):
    return {**rating_summary(rating), "description": rating.description, "colour": rating.colour}


def claimant_summary(claimant):
    if claimant is None:
        return None
    return {"slug": claimant.slug, "name": claimant.name, "kind": claimant.kind, "role": claimant.role}


def claimant_data(claimant):
    """Expects `claim_count` annotated (published claims only)."""
    return {
        **claimant_summary(claimant),
        "affiliation": claimant.affiliation,
        "country": claimant.country,
        "wikidata_id": claimant.wikidata_id,
        "description": claimant.description,
        "url": absolute(claimant.get_absolute_url()),
        "claim_count": claimant.claim_count,
    }


def topic_data(topic):
    """Expects `claim_count` annotated (published claims only)."""
    return {
        "slug": topic.slug,
        "name": topic.name,
        "description": topic.description,
        "url": absolute(topic.get_absolute_url()),
        "claim_count": topic.claim_count,
    }


@dataclass
class RowVerdict:
    """The verdict's words in a ClaimRow: what claims.i18n.show() replaces with a translation's."""

    conclusion: str
    analysis: str = ""  # show() sets it too; a summary does not show it


@dataclass
class ClaimRow:
    """A claim as claim_summary() shows it, in plain values. A list page reads its claims with
    values(*ClaimRow.FIELDS) and its topics with one more query, instead of building Claim, Claimant,
    Verdict and Rating instances and prefetching topics: that was most of a cold list's time.
    claims.i18n.show() puts a translation's words on a row as on a Claim (title, text, language,
    claim_reviewed here, the conclusion on `verdict`), so the translation provider takes rows too."""

    FIELDS = (
        "id",
        "slug",
        "title",
        "text",
        "kind",
        "language",
        "made_on",
        "made_at",
        "updated_at",
        "claimant__slug",
        "claimant__name",
        "claimant__kind",
        "claimant__role",
        "verdict__rating__slug",
        "verdict__rating__label",
        "verdict__rating__scale",
        "verdict__rating__ordinal",
        "verdict__conclusion",
        "published_at",  # annotated by the list's queryset: the cursor pages on it
        "verdict__updated_at",
    )

    pk: int
    slug: str
    title: str
    text: str
    kind: str
    language: str
    made_on: datetime.date | None
    made_at: str
    claimant: dict | None
    topics: list
    rating: dict | None
    verdict: RowVerdict
    published_at: datetime.datetime
    verdict_updated_at: datetime.datetime
    updated_at: datetime.datetime
    original_language: str = ""

    def __post_init__(self):
        self.original_language = self.original_language or self.language

    @classmethod
    def from_values(cls, row, topics):
        """`row`: a dict of FIELDS; `topics`: the claim's [{"slug", "name"}], by name."""
        # A slug is never null, so a null one means there is no claimant (no rating) to join.
        claimant = None
        if row["claimant__slug"] is not None:
            claimant = {
                "slug": row["claimant__slug"],
                "name": row["claimant__name"],
                "kind": row["claimant__kind"],
                "role": row["claimant__role"],
            }
        rating = None
        if row["verdict__rating__slug"] is not None:
            rating = {
                "slug": row["verdict__rating__slug"],
                "label": row["verdict__rating__label"],
                "scale": row["verdict__rating__scale"],
                "ordinal": row["verdict__rating__ordinal"],
            }
        return cls(
            pk=row["id"],
            slug=row["slug"],
            title=row["title"],
            text=row["text"],
            kind=row["kind"],
            language=row["language"],
            made_on=row["made_on"],
            made_at=row["made_at"],
            claimant=claimant,
            topics=topics,
            rating=rating,
            verdict=RowVerdict(row["verdict__conclusion"]),
            published_at=row["published_at"],
            verdict_updated_at=row["verdict__updated_at"],
            updated_at=row["updated_at"],
        )

    @classmethod
    def from_claim(cls, claim):
        """Expects claimant and verdict__rating selected and topics prefetched; after
        claims.i18n.show(), the row carries the translation's words as the claim does."""
        verdict = claim.verdict
        return cls(
            pk=claim.pk,
            slug=claim.slug,
            title=claim.title,
            text=claim.text,
            kind=claim.kind,
            language=claim.language,
            original_language=getattr(claim, "original_language", claim.language),
            made_on=claim.made_on,
            made_at=claim.made_at,
            claimant=claimant_summary(claim.claimant),
            topics=[{"slug": t.slug, "name": t.name} for t in claim.topics.all()],
            rating=rating_summary(verdict.rating),
            verdict=RowVerdict(verdict.conclusion),
            published_at=verdict.published_at,
            verdict_updated_at=verdict.updated_at,
            updated_at=claim.updated_at,
        )


def claim_summary(claim, urls, translations=()):
    """A Claim's summary: see ClaimRow.from_claim() for what it expects, row_summary() for the rest."""
    return row_summary(ClaimRow.from_claim(claim), urls, translations)


def row_summary(row, urls, translations=()):
    """The summary of a ClaimRow. `translations`: the languages of the claim's published
    translations (claims.i18n.provider.languages_of); a claim shown in one of them carries it as
    `language` (claims.i18n.show)."""
    return {
        "slug": row.slug,
        "title": row.title,
        "text": row.text,
        "kind": row.kind,
        "language": row.language,
        "original_language": row.original_language,
        "translations": [
            {
                "language": code,
                "url": i18n.claim_url(row, code),
                "api_url": f"{urls.api('claim-detail', row.slug)}?language={code}",
            }
            for code in translations
        ],
        "made_on": row.made_on,
        "made_at": row.made_at,
        "claimant": row.claimant,
        "topics": row.topics,
        "rating": row.rating,
        "conclusion": row.verdict.conclusion,
        "published_at": row.published_at,
        "verdict_updated_at": row.verdict_updated_at,
        "updated_at": row.updated_at,
        "url": urls.shown(row),
        "api_url": urls.api("claim-detail", row.slug),
    }


def claim_detail(claim, urls, translations=()):
    """Expects, besides claim_summary's needs, appearances__source__publisher,
    verdict__evidence__source__publisher and verdict__corrections (with old and new rating)."""
    verdict = claim.verdict
    i18n.show_evidence(verdict.evidence.all(), getattr(claim, "translated", None))
    return {
        **claim_summary(claim, urls, translations),
        "analysis": verdict.analysis,
        "appearances": [
            {"source": source_data(a.source), "quote": a.quote, "seen_on": a.seen_on, "is_first": a.is_first}
            for a in claim.appearances.all()
        ],
        "evidence": [{"source": source_data(e.source), "note": e.note} for e in verdict.evidence.all()],
        "corrections": [
            {
                "kind": c.kind,
                "note": c.note,
                "created_at": c.created_at,
                "old_rating": rating_summary(c.old_rating),
                "new_rating": rating_summary(c.new_rating),
                "old_conclusion": c.old_conclusion,
            }
            for c in verdict.corrections.all()
        ],
    }


def claim_ref(claim, urls):
    return {"slug": claim.slug, "title": claim.title, "api_url": urls.api("claim-detail", claim.slug)}


def source_detail(source, urls):
    """Expects `published_appearances` and `published_evidence` prefetched (published claims only)."""
    return {
        **source_data(source),
        "appearances": [
            {"claim": claim_ref(a.claim, urls), "quote": a.quote, "seen_on": a.seen_on}
            for a in source.published_appearances
        ],
        "cited_by": [{"claim": claim_ref(e.verdict.claim, urls), "note": e.note} for e in source.published_evidence],
    }


def tombstone_data(claim):
    verdict = claim.verdict
    return {
        "slug": claim.slug,
        "url": absolute(claim.get_absolute_url()),
        "published_at": verdict.published_at,
        "retracted_at": verdict.retracted_at,
        "note": verdict.retraction_note,
    }
