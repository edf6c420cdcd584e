"""Endpoints for load balancers and orchestrators.

/healthz: the process is alive and serving (touches nothing else; restart the process if it fails).
/readyz: the process can serve pages: the database and the cache answer (take it out of rotation
if it fails).
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
    checks = {"database": _database_status(), "cache": _cache_status()}
    ready = all(state == "ok" for state in checks.values())
    if ready:
        return JsonResponse({"status": "ok", "checks": checks})
    headers = {"Retry-After": str(settings.OUTAGE_RETRY_AFTER)}
    return JsonResponse({"status": "unavailable", "checks": checks}, status=503, headers=headers)


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
    key, value = "readyz-probe", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key)
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.error("Readiness check: cache unreachable: %s", exc)
        return "unreachable"
    return "ok" if answered == value else "unreachable"
