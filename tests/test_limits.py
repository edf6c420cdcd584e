"""Exact rate limits with RateLimit headers on every API answer, and a page cache that cannot be
flooded with made-up URLs."""

import pytest
from django.core.cache import cache

from claims.models import APIKey
from factcheck.cache import canonical_query
from tests.claims.api.test_access import rates
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):
    return make_verdict(slug="wheat-exports", title="Wheat exports doubled")


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_CACHE = True


def test_every_api_answer_carries_ratelimit_headers(client, published):
    with rates("5/minute", "10/minute"):
        first = client.get("/api/v1/claims/")
        second = client.get("/api/v1/claims/wheat-exports/")
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"], first["RateLimit-Policy"]) == (
        "5",
        "4",
        '"anon";q=5;w=60',
    )
    assert second["RateLimit-Remaining"] == "3"
    assert 1 <= int(first["RateLimit-Reset"]) <= 60
    # The IETF httpapi draft's RateLimit field: remaining and seconds to the reset.
    assert first["RateLimit"] == f'"anon";r=4;t={first["RateLimit-Reset"]}'
    assert "Retry-After" not in first


def test_cached_answers_count_against_the_anonymous_limit(client, published, page_cache):
    with rates("3/minute", "10/minute"):
        codes = [client.get("/api/v1/claims/").status_code for _ in range(4)]
        refused = client.get("/api/v1/claims/")
    assert codes == [200, 200, 200, 429]
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in")
    assert refused["Retry-After"] == refused["RateLimit-Reset"]
    assert refused["RateLimit-Remaining"] == "0"


def test_partner_answers_carry_the_partners_own_headers(client, published):
    prefix, raw = APIKey.generate()
    APIKey.objects.create(name="Partner", prefix=prefix, hashed_key=APIKey.hash(raw))
    with rates("1/minute", "2/minute"):
        responses = [client.get("/api/v1/ratings/", HTTP_X_API_KEY=raw) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["1", "0", "0"]
    assert responses[2]["RateLimit-Limit"] == "2"
    assert int(responses[2]["Retry-After"]) >= 1


def test_a_refused_credential_counts_against_the_anonymous_limit(client, published):
    with rates("2/minute", "10/minute"):
        responses = [
            client.get("/api/v1/ratings/"),
            client.get("/api/v1/ratings/", HTTP_AUTHORIZATION="Bearer not-a-key"),
            client.get("/api/v1/ratings/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"),
        ]
    assert [r.status_code for r in responses] == [200, 401, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["1", "0", "0"]


def test_readers_pages_carry_no_ratelimit_headers(client, published):
    assert "RateLimit-Limit" not in client.get("/claims/")


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("", ""),
        ("rating=false&q=wheat", "q=wheat&rating=false"),
        ("q=wheat&rating=false", "q=wheat&rating=false"),
        ("q=&rating=", "q=&rating="),
        ("utm_source=x", None),
        ("q=a&q=b", None),
        ("x" * 10 + "=1", None),
    ],
)
def test_canonical_query(rf, query, canonical):
    assert canonical_query(rf.get(f"/claims/?{query}")) == canonical


def test_unknown_parameters_are_answered_but_not_cached(client, published, page_cache):
    for n in range(5):
        response = client.get(f"/claims/?utm_campaign={n}")
        assert response.status_code == 200
    assert not any(key.startswith(":1:page:") for key in cache._cache)


def test_parameter_order_shares_one_cache_entry(client, published, page_cache, django_assert_num_queries):
    client.get("/claims/?rating=false&kind=statement")
    with django_assert_num_queries(1):  # the content version only: served from the entry above
        response = client.get("/claims/?kind=statement&rating=false")
    assert response.status_code == 200


def test_variants_per_path_are_capped(client, published, page_cache, settings):
    settings.PUBLIC_CACHE_MAX_VARIANTS = 3
    for n in range(6):
        assert client.get(f"/claims/?q=wheat{n}").status_code == 200
    pages = [key for key in cache._cache if key.startswith(":1:page:")]
    assert len(pages) == 3
    # The bare path is always cached, beyond the cap.
    client.get("/claims/")
    assert len([key for key in cache._cache if key.startswith(":1:page:")]) == 4
