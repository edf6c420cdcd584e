"""Rate limits: anonymous callers by IP address, partners by key. The counters live in the Django
cache, so a deployment with more than one process needs a shared cache (CACHE_URL, see README)."""

from rest_framework.throttling import SimpleRateThrottle

from claims.models import APIKey


class AnonymousThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, APIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PartnerThrottle(SimpleRateThrottle):
    scope = "partner"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, APIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
