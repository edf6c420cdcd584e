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


def test_readyz_is_503_when_the_cache_is_unreachable(client, db, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    try:
        response = client.get("/readyz")
    finally:
        cache.close()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "cache": "unreachable"}}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_only_answer_get_and_head(client, db, path):
    assert client.head(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_health_endpoints_are_exempt_from_the_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    redirected = client.get("/admin/login/")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/admin/login/"
