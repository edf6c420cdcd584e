"""Endpoints for load balancers and orchestrators.

/healthz: the process is alive and serving (touches nothing else; restart the process if it fails).
/readyz: the process can serve pages. The database is required: without it the answer is 503 (take
the process out of rotation). The cache is optional: without it the answer is 200 with status
"degraded" and the reason (pages are served uncached, rate limits count per process). A Redis
without a memory limit and an eviction policy is reported under "warnings". Each read replica
(DATABASE_REPLICA_URLS) is optional too: one that is unreachable or lags more than
DATABASE_REPLICA_MAX_LAG seconds makes the answer "degraded" with the replica named and why (its
readers are served from the primary meanwhile, factcheck/db_router.py); "replication_lag_seconds"
gives each replica's lag.
"""

import contextlib
import logging
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection, connections
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny

from factcheck import db_router
from factcheck.cache_backend import health

logger = logging.getLogger(__name__)
PROBE_METHODS = ("GET", "HEAD", "OPTIONS")


def probe(view):
    """GET and HEAD answer; OPTIONS says which methods do (empty body); anything else is a 405."""

    @wraps(view)
    def wrapper(request):
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(PROBE_METHODS)
            return response
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(PROBE_METHODS)
        return view(request)

    return wrapper


# Answered before XFrameOptionsMiddleware runs (factcheck.middleware.HealthCheckMiddleware).
@xframe_options_deny
@never_cache
@probe
def healthz(request):
    return JsonResponse({"status": "ok"})


@xframe_options_deny
@never_cache
@probe
def readyz(request):
    database = _database_status()
    cache_state, reason = _cache_status()
    checks = {"database": database, "cache": cache_state}
    if database != "ok":
        headers = {"Retry-After": str(settings.OUTAGE_RETRY_AFTER)}
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503, headers=headers)
    body = {"status": "ok" if cache_state == "ok" else "degraded", "checks": checks}
    reasons = {"cache": reason} if reason else {}
    lags = {}
    for alias in db_router.replica_aliases():
        checks[alias], lags[alias], replica_reason = _replica_status(alias)
        if replica_reason:
            body["status"] = "degraded"
            reasons[alias] = replica_reason
    if lags:
        body["replication_lag_seconds"] = lags
    if reasons:
        body["reasons"] = reasons
    warnings = _cache_warnings() if cache_state == "ok" else []
    queue = _queue_status()
    if queue is not None:
        body["queue"] = queue
        if queue["oldest_waiting_seconds"] > settings.TASK_QUEUE_MAX_WAIT:
            body["status"] = "degraded"
            warnings.append(
                f"The oldest waiting background job has waited {queue['oldest_waiting_seconds']} s: "
                "are the workers (manage.py db_worker) running?"
            )
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


def _replica_status(alias):
    """("ok", "unreachable" or "lagging"; its lag in seconds or None; the reason). Asks the replica
    itself, past the router's breaker, and tells the breaker what it found."""
    state = db_router.health(alias)
    try:
        standby, lag = db_router.measure_lag(alias)
    except DatabaseError as exc:
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        state.failed(exc)
        logger.error("Readiness check: read replica %s unreachable: %s", alias, exc)
        return "unreachable", None, f"replica unreachable, its reads go to the primary: {type(exc).__name__}: {exc}"
    state.lag = lag
    if not standby:
        return "misconfigured", None, "not a standby (pg_is_in_recovery() is false): check DATABASE_REPLICA_URLS"
    if lag is not None and lag > settings.DATABASE_REPLICA_MAX_LAG:
        state.failed(RuntimeError(f"{alias} lags {lag:.1f} s behind the primary"))
        return (
            "lagging",
            round(lag, 3),
            (
                f"replica lag {lag:.1f} s exceeds DATABASE_REPLICA_MAX_LAG ({settings.DATABASE_REPLICA_MAX_LAG:g} s): "
                "its reads go to the primary"
            ),
        )
    state.succeeded()
    return "ok", None if lag is None else round(lag, 3), ""


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


def _queue_status():
    """The database task queue: how many jobs are due and how long the oldest has waited (seconds).
    None for the other backends (RQ reports through its own tools; the immediate one has no queue)."""
    if settings.TASK_BACKEND != "database":
        return None
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    try:
        due = DBTaskResult.objects.ready()
        oldest = due.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
        waiting = due.count()
    except DatabaseError:
        return None
    if oldest is None:
        return {"waiting": 0, "oldest_waiting_seconds": 0}
    enqueued_at, run_after = oldest
    # A scheduled job waits from the time it was due, not from when it was queued.
    since = max(enqueued_at, run_after) if run_after and run_after.year < 9999 else enqueued_at
    return {"waiting": waiting, "oldest_waiting_seconds": max(0, int((timezone.now() - since).total_seconds()))}
