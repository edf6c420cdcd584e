"""The site-wide cache (factcheck/cache.py): a publish, a correction or a retraction shows on the
next request; staff and partners bypass it; conditional GET; only good responses are stored."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from claims import services
from claims.models import Claim, Verdict
from factcheck import cache as page_cache
from factcheck.cache import PublicCacheMiddleware, canonical_query
from tests.factories import correct, make_verdict

LIST = "/api/v1/claims/"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE = True


@pytest.fixture
def published(db):
    return make_verdict(slug="wheat-exports", title="Wheat exports doubled")


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


def cache_key(path, **headers):
    request = RequestFactory().get(path, **headers)
    return PublicCacheMiddleware(lambda r: None).key(request, canonical_query(request))


def test_second_request_is_served_from_the_cache_with_one_query(client, published, django_assert_num_queries):
    first = client.get(LIST)
    with django_assert_num_queries(1):  # the content version, nothing else
        second = client.get(LIST)
    assert second.status_code == 200
    assert second.content == first.content
    assert slugs(second) == ["wheat-exports"]


def test_data_changed_behind_the_services_back_stays_cached(client, published):
    # Shows that the next tests exercise the cache: without a version bump the old copy is served.
    client.get(LIST)
    Claim.objects.filter(pk=published.claim_id).update(title="Changed without the services")
    assert client.get(LIST).json()["results"][0]["title"] == "Wheat exports doubled"


def test_publish_shows_on_the_next_request(client, published, reviewer):
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    pending = make_verdict(Verdict.Status.IN_REVIEW, slug="rent-freeze", title="Rents were frozen")
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    services.verdict_publish(verdict=pending, by=reviewer, revision=services.claim_revision(pending.claim))
    assert sorted(slugs(client.get(LIST))) == ["rent-freeze", "wheat-exports"]


def test_correction_shows_on_the_next_request(client, published, reviewer):
    page = f"/api/v1/claims/{published.claim.slug}/"
    assert client.get(page).json()["conclusion"] == "The statement is not accurate."
    correct(
        verdict=published,
        note="The export figure was revised.",
        by=reviewer,
        conclusion="Exports rose by a third, not doubled.",
    )
    body = client.get(page).json()
    assert body["conclusion"] == "Exports rose by a third, not doubled."
    assert [(c["kind"], c["note"]) for c in body["corrections"]] == [("correction", "The export figure was revised.")]


def test_retraction_shows_on_the_next_request(client, published, reviewer):
    claim_page = published.claim.get_absolute_url()
    assert client.get(claim_page).status_code == 200
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    services.verdict_retract(verdict=published, note="The source was a forgery.", by=reviewer)
    assert slugs(client.get(LIST)) == []
    response = client.get(claim_page)
    assert response.status_code == 200
    assert "The source was a forgery." in response.content.decode()


def test_staff_with_a_session_bypass_the_cache(client, published, reviewer):
    client.get(LIST)
    Claim.objects.filter(pk=published.claim_id).update(title="Changed without the services")
    client.force_login(reviewer)
    assert client.get(LIST).json()["results"][0]["title"] == "Changed without the services"


def test_partner_with_a_key_bypasses_the_cache(client, published):
    client.get(LIST)
    response = client.get(LIST, HTTP_X_API_KEY="not-a-key")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key is not valid."}


def test_if_none_match_gets_304_until_the_content_changes(client, published, reviewer):
    first = client.get(LIST)
    etag = first["ETag"]
    assert etag.startswith('"')
    assert first["Cache-Control"]
    not_modified = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    correct(verdict=published, note="Clarified.", by=reviewer, conclusion="Exports grew.")
    changed = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["results"][0]["conclusion"] == "Exports grew."


def test_only_200_responses_are_stored(client, published):
    assert client.get("/api/v1/match/").status_code == 400
    assert cache.get(cache_key("/api/v1/match/")) is None
    assert client.get("/api/v1/claims/no-such-claim/").status_code == 404
    assert cache.get(cache_key("/api/v1/claims/no-such-claim/")) is None
    assert client.get(LIST).status_code == 200
    assert cache.get(cache_key(LIST)) is not None


def test_bad_page_number_is_not_cached_as_a_page(client, published):
    response = client.get("/claims/?page=abc")
    assert response.status_code == 400
    assert cache.get(cache_key("/claims/?page=abc")) is None
    assert client.get("/claims/?page=abc").status_code == 400


def test_query_string_and_accept_header_are_part_of_the_key(client, published):
    assert cache_key(LIST) != cache_key(LIST + "?kind=pledge")
    assert cache_key(LIST) != cache_key(LIST, HTTP_ACCEPT="text/html")
    client.get(LIST)
    assert slugs(client.get(LIST + "?kind=pledge")) == []


def test_switched_off_by_the_setting(client, published, settings):
    settings.PUBLIC_CACHE = False
    client.get(LIST)
    assert cache.get(cache_key(LIST)) is None


def test_redis_backend_reuses_one_client_per_pool():
    from factcheck.cache_backend import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache.get_client("key")
    assert backend._cache.get_client("other", write=True) is client


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The shared (Redis) cache, where the content version is kept beside the pages."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379 (apt-get install -y redis-server)")
    settings.CACHES = {"default": {"BACKEND": "factcheck.cache_backend.RedisCache", "LOCATION": REDIS_URL}}
    from django.core.cache import caches

    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_set_max_never_moves_the_version_backwards(redis_cache):
    assert redis_cache.set_max("v", 7, 5) == 7
    assert redis_cache.set_max("v", 5, 5) == 7
    assert redis_cache.get("v") == 7
    assert redis_cache.set_max("v", 9, 5) == 9


def test_shared_cache_hit_reads_no_database(client, published, redis_cache, django_assert_num_queries):
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    assert redis_cache.get(page_cache.EPOCH_CACHE_KEY) == services.content_version_current()
    with django_assert_num_queries(0):
        assert slugs(client.get(LIST)) == ["wheat-exports"]


def test_shared_cache_publish_shows_on_the_next_request(
    client, published, reviewer, redis_cache, django_capture_on_commit_callbacks
):
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="rice-imports", title="Rice imports fell")
    epoch = services.content_version_current()
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert services.content_version_current() == epoch  # the tags say what changed, not the epoch
    assert slugs(client.get(LIST)) == ["rice-imports", "wheat-exports"]


def test_shared_cache_keeps_an_unrelated_claim_cached_across_a_publish(
    client, published, reviewer, redis_cache, django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_CACHE_CLOCK_MARGIN = 0
    detail = f"/api/v1/claims/{published.claim.slug}/"
    assert client.get(detail)["X-Cache"] == "miss"
    assert client.get(detail)["X-Cache"] == "hit"
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="rice-imports", title="Rice imports fell")
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert client.get(detail)["X-Cache"] == "hit"
    assert client.get(LIST)["X-Cache"] == "miss"
    assert slugs(client.get(LIST)) == ["rice-imports", "wheat-exports"]


def test_shared_cache_version_is_read_again_from_the_database_once_it_expires(client, published, redis_cache):
    assert slugs(client.get(LIST)) == ["wheat-exports"]
    # A bump whose commit hook never ran (say Redis blinked): the copy expires, then the page
    # cache reads the database's version and renders afresh.
    services.content_version_bump()
    Claim.objects.filter(slug="wheat-exports").update(title="Changed")
    redis_cache.delete(page_cache.EPOCH_CACHE_KEY)
    assert client.get(LIST).json()["results"][0]["title"] == "Changed"
