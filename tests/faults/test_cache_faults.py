"""The cache is optional: Redis stopped or slow costs speed, never availability, and rate limits
still hold (per process, against its share)."""

import logging

import pytest
from django.core.cache import caches
from rest_framework.settings import api_settings

from claims.api.throttling import count_request
from factcheck.cache_backend import health
from tests.factories import make_verdict
from tests.faults.conftest import SlowProxy, redis_settings

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/claims/", "/claims/wheat-exports/", "/api/v1/claims/", "/api/v1/claims/wheat-exports/"]


@pytest.fixture
def published(db):
    return make_verdict(slug="wheat-exports", title="Wheat exports doubled")


def test_redis_stopped_pages_and_api_are_served_uncached(client, published, redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="factcheck.cache_backend"):
        for _ in range(3):
            for url in PUBLIC_URLS:
                response = client.get(url)
                assert response.status_code == 200, url
                assert "Wheat exports doubled" in response.content.decode(), url
    # One warning with the reason, not a traceback per request.
    warnings = [r for r in caplog.records if r.name == "factcheck.cache_backend"]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith("Cache unreachable, serving uncached for now: ConnectionError")
    assert not any(r.exc_info for r in caplog.records)


def test_redis_stopped_readyz_is_degraded_not_down(client, published, redis_down):
    response = client.get("/readyz")
    body = response.json()
    assert (response.status_code, body["status"], body["checks"]) == (
        200,
        "degraded",
        {"database": "ok", "cache": "unreachable"},
    )
    assert body["reasons"]["cache"].startswith("ConnectionError")


def test_redis_stopped_a_publish_still_goes_through(client, reviewer, redis_down):
    from claims import services
    from claims.models import Verdict

    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="published-during-outage")
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert client.get("/claims/published-during-outage/").status_code == 200


def test_redis_stopped_rate_limit_falls_back_to_the_process_share(client, published, redis_down, settings):
    settings.API_THROTTLE_LOCAL_SHARE = 2
    rates = dict(api_settings.DEFAULT_THROTTLE_RATES, anon="4/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    codes = [client.get("/api/v1/ratings/").status_code for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    response = client.get("/api/v1/ratings/")
    assert response["RateLimit-Limit"] == "2"
    assert int(response["Retry-After"]) >= 1


def test_recovery_is_automatic_once_redis_answers_again(client, published, real_redis, settings, monkeypatch):
    settings.CACHES = redis_settings("redis://127.0.0.1:1/0")
    settings.PUBLIC_CACHE = True
    assert client.get("/claims/").status_code == 200
    assert not health.available
    settings.CACHES = redis_settings(real_redis)  # Redis is back
    monkeypatch.setattr(health, "down_until", 0.0)  # the breaker's retry interval has passed
    client.get("/claims/")
    assert health.available
    assert client.get("/readyz").json()["status"] == "ok"
    assert caches["default"].get("content-version") is not None


def test_redis_slow_costs_one_timeout_per_interval_not_one_per_request(client, published, real_redis, settings):
    with SlowProxy(6379, delay=1.0) as proxy:
        settings.CACHES = redis_settings(f"redis://127.0.0.1:{proxy.port}/14", timeout=0.1)
        settings.PUBLIC_CACHE = True
        codes = [client.get(url).status_code for url in PUBLIC_URLS * 2]
        attempts = proxy.connections
    assert codes == [200] * len(codes)
    assert attempts == 1  # the breaker stopped every later request from waiting on Redis
    assert health.reason.startswith("TimeoutError")


def test_concurrent_requests_never_pass_the_limit(real_redis, settings):
    """A burst from many threads against a limit of M lets exactly M through (atomic counters)."""
    import threading

    settings.CACHES = redis_settings(real_redis)
    outcomes, barrier = [], threading.Barrier(40)

    def hit():
        barrier.wait(5)
        outcomes.append(count_request("anon:burst-test", "10/minute").allowed)
        caches["default"].close()

    threads = [threading.Thread(target=hit) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert (outcomes.count(True), outcomes.count(False)) == (10, 30)
