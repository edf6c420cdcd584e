"""Partner API keys: `Authorization: Api-Key <key>` or `X-API-Key: <key>`. A request without a key
is anonymous (reads are public, with a lower throttle); a request with an unknown or revoked key is
refused with 401, so that a partner notices a wrong key instead of silently getting the lower rate."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from claims.models import APIKey

KEYWORD = "Api-Key"
HEADER = "X-API-Key"
# last_used_at is for the admin's overview, not an audit log: one write per key every few minutes
# keeps busy partners from turning every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class APIKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
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
        return KEYWORD


def _raw_key(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        keyword, _sep, value = header.partition(" ")
        if keyword.lower() == KEYWORD.lower():
            return value.strip()
    value = request.META.get("HTTP_X_API_KEY")
    return value.strip() if value is not None else None


def _touch(key):
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = APIKeyAuthentication
    name = "ApiKey"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": HEADER,
            "description": _(
                "Optional partner key, sent as `X-API-Key: <key>` or `Authorization: Api-Key <key>`. "
                "Without a key, reads are anonymous with a lower rate limit."
            ),
        }
