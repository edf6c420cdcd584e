"""The partner API, read-only. Every queryset starts from what a partner may see: claims with a
published verdict (Claim.objects.published()), and claimants, topics and sources only as far as
published claims reach them. Rows are loaded with a fixed number of queries per endpoint and turned
into plain dicts by the builders in serializers.py."""

import contextlib
import hashlib

import orjson
from django.db.models import F, Func, OuterRef, Prefetch, Q, Subquery, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils.cache import parse_etags, patch_vary_headers
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import i18n, matching, pageload, selectors
from claims.api import serializers as s
from claims.api.filters import ClaimFilter, SyncFilter, TombstoneFilter
from claims.api.parsers import JSONParser
from claims.api.schema import ErrorSerializer
from claims.claimreview import claim_review, rating_bounds, with_translations
from claims.models import Appearance, Claim, Claimant, Correction, Evidence, Rating, Topic, Verdict
from claims.search import planned_for_its_words
from factcheck.cache import depends_on
from sources.api.serializers import SourceSerializer
from sources.api.views import SourceViewSetBase
from sources.models import Source

NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("Nothing published has this slug."))
NOT_MODIFIED = OpenApiResponse(description=_("Not modified: the ETag sent in If-None-Match is still current."))


def _published_count(queryset):
    """A correlated COUNT subquery (0 when there is no row), so a list of 100 makes no extra query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted[:1]), Value(0))


def conditional(request, response):
    """`response` with a strong ETag over its JSON, or a 304 when the caller sent that ETag in
    If-None-Match (lists and details alike, with or without a key)."""
    digest = hashlib.sha256(orjson.dumps(response.data, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()
    etag = f'"{digest[:40]}"'
    sent = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if "*" in sent or etag in sent or f"W/{etag}" in sent:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    response["ETag"] = etag
    return response


def conditional_response(request, data):
    """200 with a strong ETag over the JSON, or 304 when the caller already has that version."""
    return conditional(request, Response(data))


class ListViewSet(viewsets.GenericViewSet):
    """list() pages through filter_queryset(get_queryset()) and builds each item with build_item()."""

    ordering_fields = ()
    # GETs answer with an ETag and honour If-None-Match (claims.api.schema documents both).
    conditional_get = True

    @property
    def ordering_doc(self):
        return self.ordering[0]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        urls = s.URLs(request)
        items = [self.build_item(obj, urls) for obj in (page if page is not None else queryset)]
        return conditional(request, self.get_paginated_response(items) if page is not None else Response(items))


class ReadOnlyViewSet(ListViewSet):
    """Adds retrieve(), which looks the slug up in get_detail_queryset() (filters and ordering do
    not apply to a detail)."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    not_found_message = _("There is no published %(what)s with this slug.")

    def retrieve(self, request, *args, **kwargs):
        obj = selectors.one(self.get_detail_queryset().filter(slug=kwargs["slug"]))
        if obj is None:
            raise NotFound(self.not_found_message % {"what": self.noun})
        return conditional_response(request, self.build_detail(obj, s.URLs(request)))

    def get_detail_queryset(self):
        return self.get_queryset()

    def build_detail(self, obj, urls):
        return self.build_item(obj, urls)


def published_claim_list():
    """What the claims list pages through: published claims with the `published_at` its cursor
    pages on. The page itself is read as plain values (ClaimViewSet.paginate_queryset)."""
    return Claim.objects.published().annotate(published_at=F("verdict__published_at"))


def published_claims():
    """Published claims as model instances with what claim_summary() reads."""
    return (
        published_claim_list()
        .select_related("claimant", "verdict__rating")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("slug", "name")))
    )


def published_claim_details():
    """Published claims with everything the detail (serializers.claim_detail) and the ClaimReview
    (claimreview.claim_review) show, in a fixed number of queries: the API's detail, webhooks and
    the bulk dataset read claims through this."""
    return published_claims().prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.select_related("source__publisher")),
        Prefetch("verdict__evidence", queryset=Evidence.objects.select_related("source__publisher")),
        Prefetch("verdict__corrections", queryset=Correction.objects.select_related("old_rating", "new_rating")),
    )


class SyncOrdering:
    """Newest verdicts first by default; with ?updated_since= the oldest change first, so that a
    partner can page to the end and keep the last `updated_at` as the next starting point."""

    ordering_fields = ("published_at", "updated_at")
    ordering_doc = "-published_at, or updated_at with updated_since"

    @property
    def ordering(self):
        if self.request is not None and self.request.query_params.get("updated_since"):
            return ("updated_at",)
        return ("-published_at",)


@extend_schema_view(
    list=extend_schema(
        summary=_("Published claims"),
        description=_(
            "Claims with a published verdict, as a light summary: the detail adds the analysis, "
            "appearances, evidence sources and corrections. Retracted verdicts leave this list; "
            "see /api/v1/tombstones/."
        ),
        responses={200: s.ClaimSummarySerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("One published claim, in full"),
        responses={200: s.ClaimDetailSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND},
    ),
)
class ClaimViewSet(SyncOrdering, ReadOnlyViewSet):
    """Answers in the language asked for (?language=, else Accept-Language) where the check is
    published in it, else in the original's; the answer says which (`language`, Content-Language)."""

    noun = _("claim")
    filterset_class = ClaimFilter
    serializer_class = s.ClaimSummarySerializer

    def get_queryset(self):
        return published_claim_list()

    def get_detail_queryset(self):
        return published_claim_details()

    def build_item(self, row, urls):
        return s.row_summary(row, urls, self.translations.get(row.pk, ()))

    def build_detail(self, claim, urls):
        depends_on(self.request, *selectors.claim_page_tags(selectors.claim_page_parts(claim)))
        return s.claim_detail(claim, urls, self.translations.get(claim.pk, ()))

    def paginate_queryset(self, queryset):
        # The page as plain rows, not model instances (serializers.ClaimRow): one query for the
        # claims, one for their topics, and one for their translations, which the provider puts on
        # the rows shown in the asked language.
        page = super().paginate_queryset(queryset.values(*s.ClaimRow.FIELDS))
        topics = selectors.topics_by_claim([row["id"] for row in page])
        rows = [s.ClaimRow.from_values(row, topics.get(row["id"], [])) for row in page]
        self.translations = i18n.provider.languages_of(rows, answer_language(self.request))
        return rows

    def retrieve(self, request, *args, **kwargs):
        alias = Claim.objects.all().db
        if pageload.supported(alias):
            # One query (claims.pageload), where published_claim_details() makes five.
            claim = pageload.load(kwargs["slug"], [Verdict.Status.PUBLISHED], alias, corrections_newest_first=True)
        else:
            claim = selectors.one(self.get_detail_queryset().filter(slug=kwargs["slug"]))
        if claim is None:
            raise NotFound(self.not_found_message % {"what": self.noun})
        self.translations = i18n.provider.languages_of([claim], answer_language(request))
        response = conditional_response(request, self.build_detail(claim, s.URLs(request)))
        return with_language(response, [claim.language])

    def list(self, request, *args, **kwargs):
        depends_on(request, "claims")
        with plans_for(request):
            response = super().list(request, *args, **kwargs)
        languages = [item["language"] for item in response.data.get("results", [])] if response.data else []
        return with_language(response, languages or [answer_language(request)])


def plans_for(request):
    """A search (`q`) runs its queries planned for its words, never as a prepared statement with a
    generic plan (claims.search.planned_for_its_words); any other list as it is."""
    if request.query_params.get("q"):
        return planned_for_its_words(Claim.objects.all().db)
    return contextlib.nullcontext()


def answer_language(request):
    """The language an answer is asked in: ?language= when the site has pages in it, else the
    request's (LocaleMiddleware reads Accept-Language and the language cookie)."""
    asked = request.query_params.get("language", "")
    return i18n.site_language(asked) or asked or i18n.current_language()


def with_language(response, languages):
    """Content-Language: the languages of the answer's words, the most frequent first."""
    if response.status_code == status.HTTP_200_OK:
        ordered = sorted(set(languages), key=lambda code: (-languages.count(code), code))
        response["Content-Language"] = ", ".join(ordered)
    patch_vary_headers(response, ("Accept-Language",))
    return response


@extend_schema_view(
    list=extend_schema(
        summary=_("ClaimReview feed"),
        description=_(
            "Every published verdict as schema.org ClaimReview JSON-LD, exactly as embedded in our pages. "
            "Supports updated_since and the same ordering as /api/v1/claims/."
        ),
        responses={200: s.ClaimReviewSerializer(many=True)},
    ),
)
class ClaimReviewViewSet(SyncOrdering, ListViewSet):
    filterset_class = SyncFilter
    serializer_class = s.ClaimReviewSerializer

    def get_queryset(self):
        return (
            Claim.objects.published()
            .select_related("claimant", "verdict__rating", "verdict__author__staff_profile")
            .annotate(published_at=F("verdict__published_at"))
            .prefetch_related(Prefetch("appearances", queryset=Appearance.objects.select_related("source__publisher")))
        )

    def list(self, request, *args, **kwargs):
        depends_on(request, "claims")
        self.bounds = rating_bounds()
        with plans_for(request):
            return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        # Each review in the language asked for where it is published in it, linked with its other
        # languages (workTranslation / translationOfWork): one query for the page.
        page = super().paginate_queryset(queryset)
        self.translations = i18n.provider.languages_of(page if page is not None else [], answer_language(self.request))
        return page

    def build_item(self, claim, urls):
        original = getattr(claim, "original_language", claim.language)
        data = claim_review(claim, bounds=self.bounds)
        data["url"] = i18n.shown_url(claim)  # not the asked language's page when it is not in it
        return with_translations(
            data,
            language=claim.language,
            original=original,
            languages=[original, *self.translations.get(claim.pk, ())],
            url_of=lambda code: i18n.claim_url(claim, code),
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Retracted verdicts (tombstones)"),
        description=_(
            "Verdicts that were published and later retracted, oldest retraction first. A partner that "
            "synced a claim listed here must remove it (or mark it retracted). Poll with ?since= set to the "
            "`retracted_at` of the last tombstone you processed."
        ),
        responses={200: s.TombstoneSerializer(many=True)},
    ),
)
class TombstoneViewSet(ListViewSet):
    filterset_class = TombstoneFilter
    serializer_class = s.TombstoneSerializer
    ordering = ("retracted_at",)
    ordering_fields = ("retracted_at",)

    def get_queryset(self):
        return (
            Claim.objects.public()
            .filter(verdict__status=Verdict.Status.RETRACTED)
            .select_related("verdict")
            .annotate(retracted_at=F("verdict__retracted_at"))
        )

    def build_item(self, claim, urls):
        return s.tombstone_data(claim)


@extend_schema_view(
    list=extend_schema(summary=_("Claimants with published claims"), responses={200: s.ClaimantSerializer(many=True)}),
    retrieve=extend_schema(
        summary=_("One claimant"), responses={200: s.ClaimantSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND}
    ),
)
class ClaimantViewSet(ReadOnlyViewSet):
    noun = _("claimant")
    serializer_class = s.ClaimantSerializer
    ordering = ("name",)
    ordering_fields = ("name",)

    def get_queryset(self):
        published = Claim.objects.published()
        return Claimant.objects.filter(pk__in=published.values("claimant_id")).annotate(
            claim_count=_published_count(published.filter(claimant=OuterRef("pk")))
        )

    def build_item(self, claimant, urls):
        return s.claimant_data(claimant)


@extend_schema_view(
    list=extend_schema(summary=_("Topics with published claims"), responses={200: s.TopicSerializer(many=True)}),
    retrieve=extend_schema(
        summary=_("One topic"), responses={200: s.TopicSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND}
    ),
)
class TopicViewSet(ReadOnlyViewSet):
    noun = _("topic")
    serializer_class = s.TopicSerializer
    ordering = ("name",)
    ordering_fields = ("name",)

    def get_queryset(self):
        published = Claim.objects.published()
        return Topic.objects.filter(pk__in=published.values("topics")).annotate(
            claim_count=_published_count(published.filter(topics=OuterRef("pk")))
        )

    def build_item(self, topic, urls):
        return s.topic_data(topic)


@extend_schema_view(
    list=extend_schema(
        summary=_("Ratings"),
        description=_("Every rating of both scales, in scale order; not paginated."),
        responses={200: s.RatingSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("One rating"), responses={200: s.RatingSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND}
    ),
)
class RatingViewSet(ReadOnlyViewSet):
    noun = _("rating")
    not_found_message = _("There is no %(what)s with this slug.")
    serializer_class = s.RatingSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Rating.objects.order_by("scale", "position", "label")

    def build_item(self, rating, urls):
        return s.rating_data(rating)


@extend_schema_view(
    list=extend_schema(
        summary=_("Sources cited by published claims"),
        description=_(
            "Sources where a published claim appeared or that a published verdict cites. The detail adds "
            "those claims. The captured text itself is not published, only its SHA-256."
        ),
        responses={200: SourceSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary=_("One source"), responses={200: s.SourceDetailSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND}
    ),
)
class SourceViewSet(SourceViewSetBase, ReadOnlyViewSet):
    noun = _("source")
    serializer_class = SourceSerializer

    def visible_sources(self):
        published = Claim.objects.published()
        return Source.objects.filter(
            Q(pk__in=Appearance.objects.filter(claim__in=published).values("source_id"))
            | Q(pk__in=Evidence.objects.filter(verdict__claim__in=published).values("source_id"))
        )

    def get_detail_queryset(self):
        published = Claim.objects.published()
        return self.get_queryset().prefetch_related(
            Prefetch(
                "appearances",
                queryset=Appearance.objects.filter(claim__in=published)
                .select_related("claim")
                .order_by("seen_on", "pk"),
                to_attr="published_appearances",
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(verdict__claim__in=published)
                .select_related("verdict__claim")
                .order_by("verdict__published_at", "pk"),
                to_attr="published_evidence",
            ),
        )

    def build_detail(self, source, urls):
        return s.source_detail(source, urls)


MATCH_DESCRIPTION = _(
    "Published claims most similar to the text, best first, each with a score from 0 to 1. "
    "On PostgreSQL: full-text matching with a small thesaurus of synonyms plus trigram similarity; "
    "elsewhere the same word matching without trigrams. A text that takes too long to match is a 503."
)
MATCH_RESPONSES = {
    200: s.MatchResponseSerializer,
    503: OpenApiResponse(
        ErrorSerializer, description=_("Matching took too long; try a shorter, more distinctive text.")
    ),
}


class MatchView(APIView):
    """GET with query parameters, or POST with the same two fields as a JSON or form body: a long
    text in another script outgrows the request line that servers and proxies accept for a GET.
    Nothing is written, so a POST needs no CSRF token (the API authenticates by key only); it is
    throttled like any API request."""

    validates_query_parameters = True
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary=_("Has this claim been checked already?"),
        description=MATCH_DESCRIPTION,
        parameters=[s.MatchQuerySerializer],
        responses=MATCH_RESPONSES,
    )
    def get(self, request):
        return self.match(request, request.query_params)

    @extend_schema(
        summary=_("Has this claim been checked already? (text in the body)"),
        description=format_lazy(
            "{} {}",
            MATCH_DESCRIPTION,
            _(
                "The same as GET, with `text` and `limit` in the body of a POST, as a JSON object or as a "
                "form (application/x-www-form-urlencoded), for long texts: a percent-encoded text of 1,000 "
                "Cyrillic characters takes some 5,600 bytes, more than many servers and proxies accept in a "
                "GET's request line (4,094 bytes by default in gunicorn)."
            ),
        ),
        request=s.MatchQuerySerializer,
        responses={
            **MATCH_RESPONSES,
            413: OpenApiResponse(ErrorSerializer, description=_("The body is larger than the site accepts.")),
            415: OpenApiResponse(
                ErrorSerializer, description=_("The body is neither JSON nor application/x-www-form-urlencoded.")
            ),
        },
    )
    def post(self, request):
        return self.match(request, request.data)

    def match(self, request, data):
        params = s.MatchQuerySerializer(data=data)
        params.is_valid(raise_exception=True)
        try:
            # Planned for this text, never a prepared statement's generic plan (claims.search). A
            # text in another language finds a check by its published translation too, once.
            with planned_for_its_words(Claim.objects.all().db):
                claims = matching.match(params.validated_data["text"], limit=params.validated_data["limit"])
                claims = i18n.provider.match(params.validated_data["text"], params.validated_data["limit"], claims)
        except matching.MatchTimeout:
            detail = _("Matching this text took too long. Try a shorter text with more distinctive words.")
            return Response({"detail": detail}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        prefetch = Prefetch("topics", queryset=Topic.objects.only("slug", "name"))
        prefetch_related_objects(claims, prefetch)
        translations = i18n.provider.languages_of(claims, answer_language(request))
        urls = s.URLs(request)
        results = [
            {"score": round(claim.score, 4), "claim": s.claim_summary(claim, urls, translations.get(claim.pk, ()))}
            for claim in claims
        ]
        return with_language(Response({"results": results}), [c.language for c in claims] or [answer_language(request)])


class NotFoundView(APIView):
    """Any address under /api/v1/ that is no endpoint (the last route)."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response(
            {
                "detail": _(
                    "There is no endpoint at this address. The endpoints are listed in the schema at "
                    "/api/v1/schema/; their addresses end with a slash."
                )
            },
            status=status.HTTP_404_NOT_FOUND,
        )

    # Whatever the method: an address that is no endpoint is a 404, not a 405 for a method it lacks,
    # and it advertises no methods (DRF would list every one in Allow).
    post = put = patch = delete = options = http_method_not_allowed = get

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        del response["Allow"]
        return response
