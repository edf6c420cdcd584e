"""Endpoints for load balancers and orchestrators.

/healthz: the process is alive and serving (touches nothing else; restart the process if it fails).
/readyz: the process can serve pages. The database is required: without it the answer is 503 (take
the process out of rotation). The cache is optional: without it the answer is 200 with status
"degraded" and the reason (pages are served uncached, rate limits count per process). A Redis
without a memory limit and an eviction policy is reported under "warnings".
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_safe

from factcheck.cache_backend import health

logger = logging.getLogger(__name__)


# Answered before XFrameOptionsMiddleware runs (factcheck.middleware.HealthCheckMiddleware).
@xframe_options_deny
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@xframe_options_deny
@never_cache
@require_safe
def readyz(request):
    database = _database_status()
    cache_state, reason = _cache_status()
    checks = {"database": database, "cache": cache_state}
    if database != "ok":
        headers = {"Retry-After": str(settings.OUTAGE_RETRY_AFTER)}
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503, headers=headers)
    body = {"status": "ok" if cache_state == "ok" else "degraded", "checks": checks}
    if reason:
        body["reasons"] = {"cache": reason}
    warnings = _cache_warnings() if cache_state == "ok" else []
    if warnings:
        body["warnings"] = warnings
    return JsonResponse(body)


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("Readiness check: database unreachable: %s", exc)
        return "unreachable"
    return "ok"


def _cache_status():
    """("ok" or "unreachable", the reason). Asks the cache itself, past the backend's breaker."""
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            ping()
            health.succeeded()
            return "ok", ""
        key, value = "readyz-probe", secrets.token_hex(8)
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
    except Exception as exc:  # each cache backend raises its own connection errors
        health.failed(exc)
        return "unreachable", f"{type(exc).__name__}: {exc}"
    return ("ok", "") if answered == value else ("unreachable", "the cache did not keep a value")


def _cache_warnings():
    policy = getattr(cache, "memory_policy", None)
    if policy is None:
        return []
    try:
        maxmemory, eviction = policy()
    except Exception:  # readiness does not depend on it
        return []
    if maxmemory and eviction.startswith("allkeys"):
        return []
    return [
        f"Redis has maxmemory {maxmemory or 'unlimited'} and maxmemory-policy {eviction or 'unknown'}: set a "
        "memory limit and an allkeys-lru (or allkeys-lfu) policy, or the page cache can fill its memory."
    ]
