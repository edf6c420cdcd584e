import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from claims.models import APIKey

pytestmark = pytest.mark.django_db


def rates(anon, partner):
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "partner": partner}}
    )


@pytest.fixture
def api_key(db):
    prefix, raw = APIKey.generate()
    key = APIKey.objects.create(name="Example Newsroom", prefix=prefix, hashed_key=APIKey.hash(raw))
    return key, raw


def test_anonymous_reads_are_allowed(client, db):
    assert client.get("/api/v1/claims/").json() == {
        "next": None,
        "previous": None,
        "next_cursor": None,
        "previous_cursor": None,
        "results": [],
    }


@pytest.mark.parametrize(
    ("header", "template"),
    [("HTTP_AUTHORIZATION", "Bearer {}"), ("HTTP_AUTHORIZATION", "Api-Key {}"), ("HTTP_X_API_KEY", "{}")],
)
def test_partner_key_in_any_accepted_form_is_accepted_and_marks_last_use(client, api_key, header, template):
    key, raw = api_key
    response = client.get("/api/v1/claims/", **{header: template.format(raw)})
    assert response.status_code == 200
    key.refresh_from_db()
    assert timezone.now() - key.last_used_at < datetime.timedelta(seconds=5)


def test_last_use_is_written_at_most_every_few_minutes(client, api_key, django_assert_num_queries):
    key, raw = api_key
    APIKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    # key lookup + the claims page (an empty page has no topics to prefetch); no UPDATE.
    with django_assert_num_queries(2):
        client.get("/api/v1/claims/", HTTP_X_API_KEY=raw)


def test_unknown_key_is_401_with_json_message(client, db):
    response = client.get("/api/v1/claims/", HTTP_X_API_KEY="abcd1234.not-a-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": "This API key is not valid."}


def test_revoked_key_is_401(client, api_key):
    key, raw = api_key
    APIKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    response = client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "This API key has been revoked. Ask us for a new one."},
    )


def test_empty_key_is_401(client, db):
    response = client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Api-Key ")
    assert (response.status_code, response.json()) == (401, {"detail": "The API key is empty."})


@pytest.mark.parametrize("value", ["Bearer something", "Basic dXNlcjpwYXNz", "Token abc", "abc"])
def test_a_credential_that_is_not_a_key_is_401_never_anonymous(client, db, value):
    response = client.get("/api/v1/claims/", HTTP_AUTHORIZATION=value)
    assert response.status_code == 401
    assert response.json()["detail"] in (
        "This API key is not valid.",
        "Send your API key as `Authorization: Bearer <key>`, `Authorization: Api-Key <key>` or `X-API-Key: <key>`; "
        "other Authorization schemes are not accepted.",
    )


def test_anonymous_throttle_gives_429_with_retry_after(client, db):
    with rates("3/minute", "5/minute"):
        codes = [client.get(f"/api/v1/claims/?page_size={i}").status_code for i in range(1, 5)]
        response = client.get("/api/v1/ratings/")
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Request was throttled.")


def test_a_forged_forwarded_for_header_does_not_reset_the_anonymous_limit(client, db):
    with rates("2/minute", "5/minute"):
        codes = [client.get("/api/v1/ratings/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_partner_key_has_its_own_higher_limit(client, api_key):
    key, raw = api_key
    with rates("2/minute", "4/minute"):
        anon = [client.get("/api/v1/ratings/").status_code for _ in range(3)]
        partner = [client.get("/api/v1/ratings/", HTTP_X_API_KEY=raw).status_code for _ in range(5)]
    assert anon == [200, 200, 429]
    assert partner == [200, 200, 200, 200, 429]


def test_each_key_is_throttled_separately(client, api_key):
    _key, raw = api_key
    prefix, other_raw = APIKey.generate()
    APIKey.objects.create(name="Other", prefix=prefix, hashed_key=APIKey.hash(other_raw))
    with rates("1/minute", "1/minute"):
        assert client.get("/api/v1/ratings/", HTTP_X_API_KEY=raw).status_code == 200
        assert client.get("/api/v1/ratings/", HTTP_X_API_KEY=raw).status_code == 429
        assert client.get("/api/v1/ratings/", HTTP_X_API_KEY=other_raw).status_code == 200


def test_only_json_in_production(client, db):
    response = client.get("/api/v1/ratings/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}
