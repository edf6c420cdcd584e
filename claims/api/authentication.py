"""Partner API keys: `Authorization: Bearer <key>` (what generated clients send),
`Authorization: Api-Key <key>` or `X-API-Key: <key>`. A request without credentials is anonymous
(reads are public, with a lower throttle); a request with an unknown, empty or revoked key, or with
an Authorization scheme we do not take (Basic, Token, ...), is refused with 401, so that a partner
notices a wrong key instead of silently getting the anonymous rate. Refused credentials count
against the anonymous limit of their address, so guessing keys is throttled like anything else."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.settings import api_settings

from claims.api.throttling import anonymous_key, count_request
from claims.models import APIKey

KEYWORD = "Bearer"
KEYWORDS = ("bearer", "api-key")
HEADER = "X-API-Key"
# last_used_at is for the admin's overview, not an audit log: one write per key every few minutes
# keeps busy partners from turning every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class APIKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except AuthenticationFailed:
            _count_as_anonymous(request)
            raise

    def _authenticate(self, request):
        raw = _raw_key(request)
        if raw is None:
            return None
        if not raw:
            raise AuthenticationFailed(_("The API key is empty."))
        key = APIKey.objects.filter(hashed_key=APIKey.hash(raw)).first()
        if key is None:
            raise AuthenticationFailed(_("This API key is not valid."))
        if not key.is_active:
            raise AuthenticationFailed(_("This API key has been revoked. Ask us for a new one."))
        _touch(key)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


def _raw_key(request):
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if header:
        keyword, _sep, value = header.partition(" ")
        if keyword.lower() not in KEYWORDS:
            raise AuthenticationFailed(
                _(
                    "Send your API key as `Authorization: Bearer <key>`, `Authorization: Api-Key <key>` or "
                    "`X-API-Key: <key>`; other Authorization schemes are not accepted."
                )
            )
        return value.strip()
    value = request.META.get("HTTP_X_API_KEY")
    return value.strip() if value is not None else None


def _count_as_anonymous(request):
    """A refused credential counts against the caller's anonymous limit (unless the middleware
    counted the request already); past it, the answer is 429, not 401."""
    if hasattr(request._request, "_ratelimit"):
        return
    outcome = count_request(anonymous_key(request), api_settings.DEFAULT_THROTTLE_RATES["anon"])
    request._request._ratelimit = outcome
    if not outcome.allowed:
        raise Throttled(wait=outcome.reset)


def _touch(key):
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


class APIKeyScheme(OpenApiAuthenticationExtension):
    """Two schemes for the same key: a bearer token (what generated clients send) and the X-API-Key
    header. Either one is enough; reads also work without either (anonymous, lower limit)."""

    target_class = APIKeyAuthentication
    name = ["Bearer", "ApiKey"]
    priority = 1

    def get_security_requirement(self, auto_schema):
        return [{"Bearer": []}, {"ApiKey": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": _(
                    "Your partner key, as `Authorization: Bearer <key>` (`Authorization: Api-Key <key>` works too). "
                    "Optional for reads, which are anonymous without it, with a lower rate limit."
                ),
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": HEADER,
                "description": _(
                    "Your partner key, as `X-API-Key: <key>`. Optional for reads, which are anonymous without "
                    "it, with a lower rate limit."
                ),
            },
        ]
