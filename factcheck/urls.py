from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from claims.sitemaps import SITEMAPS
from claims.views import read_only, robots_txt
from factcheck import health
from factcheck.accounts import EditorLoginForm

# The admin login asks for a TOTP code too (factcheck/accounts.py).
admin.site.login_form = EditorLoginForm
admin.site.login_template = "admin/login_two_factor.html"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # An index of per-section sitemaps, each paged at its `limit`: at 100,000 claims one file
    # could not list them all.
    path(
        "sitemap.xml",
        read_only(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", read_only(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Partners' own resources (webhooks, watches, datasets) first: claims.api ends with a catch-all 404.
    path("api/v1/", include("partners.api.urls")),
    path("api/v1/", include("claims.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
# The readers' site: English (the default) at the URLs it always had, every other language of
# settings.LANGUAGES under /<code>/ (factcheck/i18n.py).
urlpatterns += i18n_patterns(
    path("", include("desk.urls")),
    path("", include("partners.urls")),
    path("", include("claims.urls")),
    prefix_default_language=False,
)

handler400 = "factcheck.errors.bad_request"
handler403 = "factcheck.errors.permission_denied"
handler500 = "factcheck.errors.server_error"
