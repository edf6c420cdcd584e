"""The two references the benchmark measures next to the site, through the same gunicorn,
middleware and data. Served only under factcheck.bench_settings (bench/urls.py), never in
production URLs.

- floor: the least a Django view can do, a small fixed JSON body without the database;
- stock DRF: the claims list the way most teams would first build it, a ModelViewSet with default
  nested ModelSerializers and page-number pagination, returning the same fields as our
  /api/v1/claims/ at 50 per page. Published claims only, like every public query.
"""

from django.http import JsonResponse
from rest_framework import pagination, serializers, viewsets

from claims.models import Claim, Claimant, Rating, Topic

FLOOR_BODY = {"status": "ok", "service": "factcheck", "version": 1}


def floor(request):
    return JsonResponse(FLOOR_BODY)


class StockClaimantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["slug", "name", "kind", "role"]


class StockTopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class StockRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["slug", "label", "scale", "ordinal"]


class StockClaimSerializer(serializers.ModelSerializer):
    claimant = StockClaimantSerializer()
    topics = StockTopicSerializer(many=True)
    rating = StockRatingSerializer(source="verdict.rating")
    conclusion = serializers.CharField(source="verdict.conclusion")
    published_at = serializers.DateTimeField(source="verdict.published_at")
    verdict_updated_at = serializers.DateTimeField(source="verdict.updated_at")
    url = serializers.SerializerMethodField()
    api_url = serializers.HyperlinkedIdentityField(view_name="bench-stock-claim-detail", lookup_field="slug")

    class Meta:
        model = Claim
        fields = [
            "slug",
            "title",
            "text",
            "kind",
            "language",
            "made_on",
            "made_at",
            "claimant",
            "topics",
            "rating",
            "conclusion",
            "published_at",
            "verdict_updated_at",
            "updated_at",
            "url",
            "api_url",
        ]

    def get_url(self, claim):
        return self.context["request"].build_absolute_uri(claim.get_absolute_url())


class StockPagination(pagination.PageNumberPagination):
    page_size = 50


class StockClaimViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Claim.objects.published().order_by("-verdict__published_at")
    serializer_class = StockClaimSerializer
    pagination_class = StockPagination
    lookup_field = "slug"
    filter_backends = []
