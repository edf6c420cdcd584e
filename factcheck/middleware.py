"""Site-wide request guards: the health endpoints, the Permissions-Policy header, the request size
limit, the outage page when the database is unreachable, and mandatory two-factor authentication
for reviewers."""

import logging

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.urls import reverse

from claims.services import can_publish
from factcheck import errors, health

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the middleware below runs: the public cache reads the
    database on every GET, and liveness must not depend on the database. The views are also in
    the URLconf, under the same paths, for reverse()."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __call__(self, request):
        view = self.views.get(request.path_info)
        return view(request) if view else self.get_response(request)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE before anything reads it. Django only
    checks the limit when request.body or request.POST is read; DRF's parsers read the stream
    directly, so without this an API client could send any amount."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return errors.request_too_large(request)
        return self.get_response(request)


class NullByteMiddleware:
    """Refuse a NUL byte in the path or the query string with a 400. PostgreSQL text cannot hold
    one, so psycopg raises on any query that carries it: a lookup by a raw parameter (a slug, an
    admin filter or autocomplete term) would otherwise be a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(self._has_nul(key, values) for key, values in request.GET.lists()):
            return errors.null_byte(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(key, values):
        return "\x00" in key or any("\x00" in value for value in values)


class DatabaseOutageMiddleware:
    """When the database cannot be reached, answer 503 with Retry-After (a short page, or JSON for
    the API) instead of a server error. Nothing is cached: the next request tries the database
    again, so the site recovers by itself. factcheck.errors.server_error does the same for errors
    raised outside views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if errors.is_outage(exception):
            logger.error("Database unavailable: %s", exception, exc_info=exception)
            return errors.service_unavailable(request)
        return None


class PublicGZipMiddleware(GZipMiddleware):
    """Django's gzip compression (for clients that accept it), for answers that hold no secret.

    BREACH (README "Running at scale"): an attacker who can make a victim's browser send requests
    that reflect the attacker's text into a compressed page, and can watch the compressed sizes, can
    recover a secret in that page byte by byte. Public pages hold no secret: they are the same for
    everyone, and the API's credentials are headers a browser never adds by itself. So everything is
    compressed except answers that carry something of one person: any request with a session cookie
    (editors, the admin), the admin, and any page that holds a CSRF token (the reader tip form) or
    sets a cookie. Django adds random bytes to every compressed answer on top (Heal The Breach).

    Placed just inside the page cache, so that a cached page is stored compressed (its key includes
    Accept-Encoding: compressed and plain copies never mix) and a hit costs no compression."""

    def process_response(self, request, response):
        if self.personal(request, response):
            return response
        return super().process_response(request, response)

    @staticmethod
    def personal(request, response):
        return bool(
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith("/admin/")
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or response.cookies
        )


class ReviewerTwoFactorMiddleware:
    """With OTP_REQUIRED_FOR_REVIEWERS on, the admin refuses a reviewer whose session was not
    confirmed with a TOTP code (e.g. one opened before the setting was turned on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.OTP_REQUIRED_FOR_REVIEWERS and self._refused(request):
            return render(request, "registration/two_factor_required.html", status=403)
        return self.get_response(request)

    def _refused(self, request):
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return False
        if request.path in (reverse("admin:login"), reverse("admin:logout"), reverse("admin:jsi18n")):
            return False
        user = request.user
        return user.is_authenticated and not user.is_verified() and can_publish(user)
