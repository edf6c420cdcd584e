"""Rate limits: anonymous callers by IP address, partners by key.

Counting is exact under concurrency: one atomic increment per request in the shared cache
(factcheck.cache_backend.RedisCache.hit_counter: INCR and EXPIRE in one round trip) over fixed
windows, so N simultaneous requests against a limit of M let through at most M per window. Without
a shared cache (development, one process) the counters live in the process (an atomic local
increment). If the shared cache is down, each process counts locally against its share of the limit
(API_THROTTLE_LOCAL_SHARE processes share it), so an outage of the cache never lifts the limit.

Anonymous API requests are counted by AnonymousRateLimitMiddleware before the page cache, so cached
answers count too; requests that carry credentials are counted by the DRF throttles (a partner's
key, or an unknown scheme that turns out anonymous, which shares the anonymous counter). Every API
answer carries RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset and RateLimit-Policy, and
every 429 a Retry-After."""

import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from claims.models import APIKey

CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


class Limit:
    """The outcome of counting one request against a rate."""

    def __init__(self, *, limit, window, count, reset):
        self.limit, self.window, self.count, self.reset = limit, window, count, reset

    @property
    def allowed(self):
        return self.count <= self.limit

    def headers(self):
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(self.limit - self.count, 0)),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset)
        return headers


def count_request(key, rate):
    """Count one request for `key` against `rate` ("60/minute") and return the Limit."""
    limit, window = SimpleRateThrottle.parse_rate(None, rate)
    window = int(window)
    now = time.time()
    period = int(now // window)
    reset = max(1, math.ceil(window - (now - period * window)))
    counter = f"ratelimit:{key}:{window}:{period}"
    shared = caches["default"]
    if getattr(shared, "shared", False):
        count = shared.hit_counter(counter, window)
        if count is not None:
            return Limit(limit=limit, window=window, count=count, reset=reset)
        limit = max(1, limit // settings.API_THROTTLE_LOCAL_SHARE)  # the shared cache is down
    return Limit(limit=limit, window=window, count=_local_count(counter, window), reset=reset)


def _local_count(counter, window):
    local = caches["local"]
    local.add(counter, 0, window + 1)
    try:
        return local.incr(counter)
    except ValueError:  # expired between add and incr
        local.set(counter, 1, window + 1)
        return 1


def anonymous_key(request):
    return f"anon:{BaseThrottle().get_ident(request)}"


class AnonymousRateLimitMiddleware:
    """Counts every anonymous API request (no credentials) before the page cache answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") or any(request.META.get(h) for h in CREDENTIAL_HEADERS):
            response = self.get_response(request)
        else:
            request._ratelimit = count_request(anonymous_key(request), api_settings.DEFAULT_THROTTLE_RATES["anon"])
            response = self._throttled(request._ratelimit) if not request._ratelimit.allowed else None
            response = response or self.get_response(request)
        outcome = getattr(request, "_ratelimit", None)
        if outcome is not None:
            for name, value in outcome.headers().items():
                response[name] = value
        return response

    def _throttled(self, outcome):
        detail = _("Request was throttled. Expected available in %(seconds)d seconds.") % {"seconds": outcome.reset}
        return JsonResponse({"detail": detail}, status=429)


class _CountingThrottle(BaseThrottle):
    scope = ""

    def allow_request(self, request, view):
        key = self.get_key(request)
        if key is None or hasattr(request._request, "_ratelimit"):
            return True  # not this throttle's caller, or already counted by the middleware
        outcome = count_request(key, api_settings.DEFAULT_THROTTLE_RATES[self.scope])
        request._request._ratelimit = outcome
        self.outcome = outcome
        return outcome.allowed

    def wait(self):
        return self.outcome.reset


class AnonymousThrottle(_CountingThrottle):
    """Anonymous requests that carried an Authorization header of another scheme: the same counter."""

    scope = "anon"

    def get_key(self, request):
        return None if isinstance(request.auth, APIKey) else anonymous_key(request)


class PartnerThrottle(_CountingThrottle):
    scope = "partner"

    def get_key(self, request):
        return f"partner:{request.auth.pk}" if isinstance(request.auth, APIKey) else None
