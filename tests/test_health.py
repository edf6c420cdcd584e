"""/healthz and /readyz, for load balancers."""

import pytest
from django.core.cache import cache

from tests.test_outage import database_refusing_connections


def test_healthz_answers_without_touching_the_database(client):
    # No db fixture: pytest-django makes any database access here an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.fixture(params=[False, True], ids=["no-page-cache", "page-cache"])
def public_cache(request, settings):
    """Both with the public page cache (production default; it reads the database on every GET)
    and without it (the test default)."""
    settings.PUBLIC_CACHE = request.param


def test_healthz_answers_while_the_database_is_down(client, public_cache):
    with database_refusing_connections():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_endpoints_answer_whatever_the_host_header(client, db):
    # Load balancers often probe by IP address; the answers do not depend on the host.
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").json() == {"status": "ok"}
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200


def test_readyz_reports_database_and_cache(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_is_503_with_retry_after_when_the_database_is_down(client, db, settings, public_cache):
    with database_refusing_connections():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER) == "30"
    assert response.json() == {"status": "unavailable", "checks": {"database": "unreachable", "cache": "ok"}}


def test_readyz_is_degraded_not_503_when_the_cache_is_unreachable(client, db, settings):
    """The cache is optional: without it the process still serves (uncached), so it stays in rotation."""
    settings.CACHES = {
        "default": {"BACKEND": "factcheck.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factcheck-local"},
    }
    try:
        response = client.get("/readyz")
    finally:
        cache.close()
    body = response.json()
    assert (response.status_code, body["status"], body["checks"]) == (
        200,
        "degraded",
        {"database": "ok", "cache": "unreachable"},
    )
    assert body["reasons"]["cache"].startswith("ConnectionError: Error 111 connecting to 127.0.0.1:1.")


def test_readyz_warns_when_redis_may_fill_its_memory(client, db, settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "factcheck.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factcheck-local"},
    }
    maxmemory, policy = cache.memory_policy()
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    if maxmemory and policy.startswith("allkeys"):
        assert "warnings" not in body
    else:
        assert body["warnings"][0].startswith(f"Redis has maxmemory {maxmemory or 'unlimited'} and maxmemory-policy")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_options_and_refuse_writes(client, db, path):
    options = client.options(path)
    assert (options.status_code, options["Allow"], options.content) == (200, "GET, HEAD, OPTIONS", b"")
    post = client.post(path)
    assert (post.status_code, post["Allow"]) == (405, "GET, HEAD, OPTIONS")
