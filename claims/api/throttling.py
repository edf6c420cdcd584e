"""Rate limits: anonymous callers by IP address, partners by key. The counters live in the Django
cache, so a deployment with more than one process needs a shared cache (CACHE_URL, see README)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from claims.models import APIKey


class SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time, not import time (DRF's default), so that a settings change applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonymousThrottle(SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, APIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerThrottle(SettingsRateThrottle):
    scope = "partner"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, APIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
