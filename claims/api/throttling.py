"""Rate limits: anonymous callers by IP address, partners by key.

Counting is exact under concurrency: one atomic increment per request in the shared cache
(factcheck.cache_backend.RedisCache.hit_counter: INCR and EXPIRE in one round trip) over fixed
windows, so N simultaneous requests against a limit of M let through at most M per window. Without
a cache that every process shares (none configured, or Redis down) each process counts locally
against its share of the limit (limit ÷ API_THROTTLE_LOCAL_SHARE, which defaults to WEB_CONCURRENCY,
the number of processes gunicorn.conf.py starts), so several processes never let more through
than the limit together: one process alone gets the whole limit, as in `make run`.

Anonymous API requests are counted by AnonymousRateLimitMiddleware before the page cache, so cached
answers count too; requests that carry credentials are counted by the DRF throttles (a partner's
key), and a credential that is refused counts against the anonymous counter
(claims.api.authentication). Every API answer carries the IETF httpapi draft's `RateLimit-Policy`
(`"anon";q=60;w=60`) and `RateLimit` (`"anon";r=59;t=42`: remaining, seconds to the reset), the
older draft's RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, and every 429 a Retry-After."""

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
    """The outcome of counting one request against a rate, under the policy `name`."""

    def __init__(self, *, limit, window, count, reset, name="default"):
        self.limit, self.window, self.count, self.reset, self.name = limit, window, count, reset, name

    @property
    def allowed(self):
        return self.count <= self.limit

    def headers(self):
        remaining = max(self.limit - self.count, 0)
        headers = {
            "RateLimit-Policy": f'"{self.name}";q={self.limit};w={self.window}',
            "RateLimit": f'"{self.name}";r={remaining};t={self.reset}',
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset)
        return headers


def count_request(key, rate):
    """Count one request for `key` ("anon:<address>": the policy is named by what precedes the
    colon) against `rate` ("60/minute") and return the Limit."""
    limit, window = SimpleRateThrottle.parse_rate(None, rate)
    window = int(window)
    now = time.time()
    period = int(now // window)
    reset = max(1, math.ceil(window - (now - period * window)))
    counter = f"ratelimit:{key}:{window}:{period}"
    name = key.split(":", 1)[0]
    shared = caches["default"]
    if getattr(shared, "shared", False):
        count = shared.hit_counter(counter, window)
        if count is not None:
            return Limit(limit=limit, window=window, count=count, reset=reset, name=name)
    # No count shared by every process (no shared cache, or it is down): this process's share.
    limit = max(1, limit // settings.API_THROTTLE_LOCAL_SHARE)
    return Limit(limit=limit, window=window, count=_local_count(counter, window), reset=reset, name=name)


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
    """Anonymous requests that the middleware did not count (it leaves requests with credentials to
    the view): the same counter."""

    scope = "anon"

    def get_key(self, request):
        return None if isinstance(request.auth, APIKey) else anonymous_key(request)


class PartnerThrottle(_CountingThrottle):
    scope = "partner"

    def get_key(self, request):
        return f"partner:{request.auth.pk}" if isinstance(request.auth, APIKey) else None
