from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from claims.api import views

app_name = "api"

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("claim-reviews", views.ClaimReviewViewSet, basename="claim-review")
router.register("tombstones", views.TombstoneViewSet, basename="tombstone")
router.register("claimants", views.ClaimantViewSet, basename="claimant")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("ratings", views.RatingViewSet, basename="rating")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    *router.urls,
    path("match/", views.MatchView.as_view(), name="match"),
    # No api_version: drf-spectacular would append it to info.version ("1.1.0 (v1)"), which is not a
    # version generated clients can use as their package's.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's settings as a script file: no inline script, so a strict
    # CSP holds; the UI's own files come from drf-spectacular-sidecar, not from a CDN.
    # GET and HEAD only: the view renders nothing but its HTML template, so DRF's OPTIONS
    # metadata would be a server error.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", http_method_names=["get", "head"]),
        name="docs",
    ),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
