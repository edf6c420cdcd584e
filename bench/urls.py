"""The site's URLs plus the benchmark's references (bench/views.py); used only by
factcheck.bench_settings."""

from django.urls import path

from bench import views
from factcheck.urls import urlpatterns as site_urlpatterns

stock_list = views.StockClaimViewSet.as_view({"get": "list"})
stock_detail = views.StockClaimViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("bench/floor/", views.floor, name="bench-floor"),
    path("bench/drf/claims/", stock_list, name="bench-stock-claim-list"),
    path("bench/drf/claims/<slug:slug>/", stock_detail, name="bench-stock-claim-detail"),
    *site_urlpatterns,
]

handler400 = "factcheck.errors.bad_request"
handler403 = "factcheck.errors.permission_denied"
handler500 = "factcheck.errors.server_error"
