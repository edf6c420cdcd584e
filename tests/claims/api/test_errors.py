import base64
import datetime
import json
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from claims import matching
from claims.models import APIKey, Claim, Verdict
from partners.models import Endpoint
from tests.factories import TopicFactory, make_verdict

pytestmark = pytest.mark.django_db

INVALID = "Some parameters are not valid."
DATETIME_MESSAGE = "Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14."


def errors(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == INVALID
    return body["errors"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "updated_since=yesterday",
            "updated_since",
            "Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14.",
        ),
        (
            "updated_since=2024-02-30",
            "updated_since",
            "Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14.",
        ),
        (
            "published_after=2024-06-14T25:00",
            "published_after",
            "Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14.",
        ),
        ("updated_since=0001-01-01T00:00:00%2B14:00", "updated_since", DATETIME_MESSAGE),
        ("published_before=9999-12-31T23:59:59-14:00", "published_before", DATETIME_MESSAGE),
        ("made_after=14/06/2024", "made_after", "Enter a date as YYYY-MM-DD, e.g. 2024-06-14."),
        ("made_before=2024-13-01", "made_before", "Enter a date as YYYY-MM-DD, e.g. 2024-06-14."),
        ("rating=pants-on-fire", "rating", "There is no rating with this slug. The list is at /api/v1/ratings/."),
        ("topic=nope", "topic", "There is no topic with this slug. The list is at /api/v1/topics/."),
        ("kind=rumour", "kind", "Select a valid choice. rumour is not one of the available choices."),
        ("ordering=-slug", "ordering", "Order by one of: published_at, -published_at, updated_at, -updated_at."),
        ("ordering=--updated_at", "ordering", "Order by one of: published_at, -published_at, updated_at, -updated_at."),
        ("page_size=500", "page_size", "Enter a whole number from 1 to 100."),
        ("cursor=junk", "cursor", "This cursor is not valid. Use the next or previous link of a page as it is."),
        ("q=" + "x" * 201, "q", "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_bad_claims_parameters_are_400_with_a_message(client, query, field, message):
    assert errors(client, f"/api/v1/claims/?{query}") == {field: [message]}


@pytest.mark.parametrize("position", ["not-a-date", "99999-01-01", "2024-06-14 25:00:00"])
def test_forged_cursor_position_is_400_not_500(client, published, position):
    published()
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    assert errors(client, f"/api/v1/claims/?cursor={cursor}") == {
        "cursor": ["This cursor is not valid. Use the next or previous link of a page as it is."]
    }


def test_cursor_from_another_ordering_is_400(client, published):
    for _ in range(3):
        published()
    next_url = client.get("/api/v1/claimants/?page_size=1").json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    assert errors(client, f"/api/v1/claims/?cursor={cursor}") == {
        "cursor": ["This cursor is not valid. Use the next or previous link of a page as it is."]
    }


def test_tombstones_bad_since(client):
    assert errors(client, "/api/v1/tombstones/?since=last-week") == {
        "since": ["Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14."]
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"text": ["This field is required."]}),
        ("text=", {"text": ["This parameter is empty. Give it a value or leave it out."]}),
        ("text=bread&limit=21", {"limit": ["Ensure this value is less than or equal to 20."]}),
        ("text=bread&limit=many", {"limit": ["A valid integer is required."]}),
    ],
)
def test_match_bad_parameters(client, query, expected):
    assert errors(client, f"/api/v1/match/?{query}") == expected


def test_match_text_of_only_stop_words_finds_nothing(client, published):
    published()
    assert client.get("/api/v1/match/?text=the+of+and").json() == {"results": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/nope/",
        "/api/v1/claimants/nope/",
        "/api/v1/topics/nope/",
        "/api/v1/sources/nope/",
        "/api/v1/ratings/nope/",
    ],
)
def test_unknown_slug_is_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    noun = path.split("/")[3][:-1]
    qualifier = "" if noun == "rating" else "published "
    assert response.json() == {"detail": f"There is no {qualifier}{noun} with this slug."}


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/claims/a%20b/", "/api/v1/claims", "/api/v2/claims/"])
def test_unknown_api_address_is_json_404(client, path):
    response = client.get(path)
    if path.startswith("/api/v2/"):
        assert response.status_code == 404
        return
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no endpoint at this address. The endpoints are listed in the schema at /api/v1/schema/; "
        "their addresses end with a slash."
    }


def test_writes_are_405(client):
    response = client.post("/api/v1/claims/", {}, content_type="application/json")
    assert (response.status_code, response.json()) == (405, {"detail": 'Method "POST" not allowed.'})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's")
def test_match_past_the_statement_timeout_is_a_json_503(client, monkeypatch):
    # Another session holds the claims table, so the match query waits until the timeout cancels it.
    monkeypatch.setattr(matching, "STATEMENT_TIMEOUT_MS", 200)
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]) as other:
        other.execute("LOCK TABLE claims_claim IN ACCESS EXCLUSIVE MODE")
        response = client.get("/api/v1/match/?text=bread+prices+doubled")
        other.rollback()
    assert response.status_code == 503
    assert response.json() == {
        "detail": "Matching this text took too long. Try a shorter text with more distinctive words."
    }
    assert client.get("/api/v1/match/?text=bread+prices+doubled").json() == {"results": []}


# --- No input is a server error (issue 16) ----------------------------------------------------------

OFFSET_MESSAGE = "The UTC offset must be within ±15:59, e.g. +02:00, or Z for UTC."
CURSOR_MESSAGE = "This cursor is not valid. Use the next or previous link of a page as it is."
EMPTY_MESSAGE = "This parameter is empty. Give it a value or leave it out."
DATETIME_PARAMETERS = [
    ("claims", "updated_since"),
    ("claims", "published_after"),
    ("claims", "published_before"),
    ("claim-reviews", "updated_since"),
    ("tombstones", "since"),
]
CURSOR_LISTS = ["claims", "claim-reviews", "tombstones", "claimants", "topics", "sources"]


@pytest.fixture
def listed(published):
    """One published claim with a topic, one retracted: every list has an item to page over."""
    verdict = published(slug="listed")
    verdict.claim.topics.add(TopicFactory(slug="economy"))
    make_verdict(Verdict.Status.RETRACTED, slug="withdrawn")
    return verdict


@pytest.mark.parametrize(("endpoint", "parameter"), DATETIME_PARAMETERS)
@pytest.mark.parametrize("offset", ["%2B16:00", "-16:00", "%2B23:59", "-2359", "%2B16:00:01"])
def test_a_utc_offset_beyond_15_59_is_400_not_500(client, listed, endpoint, parameter, offset):
    # PostgreSQL refuses such a time ("time zone displacement out of range"): it was a 500 there.
    assert errors(client, f"/api/v1/{endpoint}/?{parameter}=2024-06-14T09:30:00{offset}") == {
        parameter: [OFFSET_MESSAGE]
    }


@pytest.mark.parametrize(
    ("since", "included"),
    [
        ("2024-06-14T23:59:00%2B15:59", True),
        ("2024-06-14T23:59:01%2B15:59", False),
        ("2024-06-13T16:01:00-15:59", True),
        # An offset with seconds and a fraction is still an instant; it was a 500 on PostgreSQL.
        ("2024-06-14T13:30:15.123456%2B05:30:15.123456", True),
        ("2024-06-14T13:30:15.123457%2B05:30:15.123456", False),
    ],
)
def test_any_offset_within_15_59_compares_as_the_same_instant_in_utc(client, published, since, included):
    verdict = published(slug="changed")
    Claim.objects.filter(pk=verdict.claim_id).update(updated_at=datetime.datetime(2024, 6, 14, 8, tzinfo=datetime.UTC))
    slugs = [c["slug"] for c in client.get(f"/api/v1/claims/?updated_since={since}").json()["results"]]
    assert slugs == (["changed"] if included else [])


@pytest.mark.parametrize("endpoint", CURSOR_LISTS)
@pytest.mark.parametrize(
    "cursor",
    [
        "cD0lMDA%3D",  # p=%00: a position that decodes to a NUL byte
        base64.b64encode(b"p=a%00b&o=1").decode(),
        base64.b64encode(b"r=1&p=%00").decode(),
    ],
)
def test_a_cursor_position_with_a_nul_byte_is_400_not_500(client, listed, endpoint, cursor):
    # PostgreSQL text cannot hold NUL: on the lists ordered by a name it was a 500 there.
    assert errors(client, f"/api/v1/{endpoint}/?cursor={cursor}") == {"cursor": [CURSOR_MESSAGE]}


@pytest.mark.parametrize(
    ("path", "position"),
    [
        ("claims/", "2024-06-14T09:30:00+16:00"),
        ("claims/?ordering=updated_at", "2024-06-14 09:30:00-23:00"),
        ("claims/", "0001-01-01T00:00:00+14:00"),
        ("claims/", "9999-12-31T23:59:59-14:00"),
        ("tombstones/", "2024-06-14T09:30:00+16:00"),
        ("sources/?ordering=updated_at", "2024-06-14T09:30:00-16:00"),
    ],
)
def test_a_cursor_position_out_of_the_databases_range_is_400(client, listed, path, position):
    cursor = quote(base64.b64encode(f"p={quote(position)}".encode()).decode())
    separator = "&" if "?" in path else "?"
    assert errors(client, f"/api/v1/{path}{separator}cursor={cursor}") == {"cursor": [CURSOR_MESSAGE]}


def test_a_cursor_position_with_an_offset_pages_from_the_same_instant(client, published):
    early, late = published(slug="early"), published(slug="late")
    for verdict, hour in ((early, 8), (late, 9)):
        at = datetime.datetime(2024, 6, 14, hour, tzinfo=datetime.UTC)
        Verdict.objects.filter(pk=verdict.pk).update(published_at=at)
    # 10:30+02:00 is 08:30 UTC: the page after it, newest first, holds the 08:00 claim only.
    cursor = quote(base64.b64encode(b"p=2024-06-14T10%3A30%3A00%2B02%3A00").decode())
    assert [c["slug"] for c in client.get(f"/api/v1/claims/?cursor={cursor}").json()["results"]] == ["early"]


def _query_parameters(client):
    """(path, parameter) for every query parameter of every operation in the OpenAPI schema."""
    schema = client.get("/api/v1/schema/?format=json").json()
    return [
        (path, parameter["name"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]


def _partner_key():
    prefix, raw = APIKey.generate()
    return APIKey.objects.create(name="Partner", prefix=prefix, hashed_key=APIKey.hash(raw)), raw


# Parameters an endpoint requires besides the one left empty.
_REQUIRED = {"/api/v1/match/": {"text": "bread"}}


@pytest.mark.parametrize("value", ["", "%20", "%20%20"])
def test_every_empty_query_parameter_is_400_naming_it(client, listed, value):
    checked = _query_parameters(client)
    assert ("/api/v1/claims/", "updated_since") in checked and ("/api/v1/sources/", "publisher") in checked
    # With a partner key, for the partners' own lists; {id} is one of the partner's endpoints.
    key, raw = _partner_key()
    endpoint = Endpoint.objects.create(key=key, url="https://hooks.partner.example/", events=["verdict.published"])
    for path, name in checked:
        query = "&".join(f"{k}={v}" for k, v in {**_REQUIRED.get(path, {}), name: value}.items())
        path = path.replace("{id}", str(endpoint.public_id))
        response = client.get(f"{path}?{query}", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 400, (path, name, response.content)
        assert response.json() == {"detail": INVALID, "errors": {name: [EMPTY_MESSAGE]}}, (path, name)


@pytest.mark.parametrize("endpoint", ["claims", "claimants", "topics", "sources", "ratings"])
@pytest.mark.parametrize("slug", ["%C3%A9t%C3%A9", "%EF%BC%A1", "%E2%80%AE", "%F0%9F%A7%AA", "%ED%A0%80", "%FF"])
def test_a_slug_of_odd_unicode_is_a_json_404(client, listed, endpoint, slug):
    response = client.get(f"/api/v1/{endpoint}/{slug}/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {
        "detail": "There is no endpoint at this address. The endpoints are listed in the schema at /api/v1/schema/; "
        "their addresses end with a slash."
    }


@pytest.mark.parametrize("endpoint", ["claims", "claimants", "topics", "sources", "ratings"])
def test_a_slug_with_a_nul_byte_is_a_json_400(client, listed, endpoint):
    # The site-wide rule (factcheck.middleware.NullByteMiddleware): no address may carry NUL.
    response = client.get(f"/api/v1/{endpoint}/a%00b/")
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {
        "detail": "The address contains a NUL character (code 0), which no page or parameter accepts. "
        "Remove it and try again."
    }


@pytest.mark.parametrize("page_size", ["%EF%BC%95", "1_0", "%2B5", "5.0", "1e1", "99999999999999999999999999"])
def test_page_size_is_ascii_digits_only(client, listed, page_size):
    assert errors(client, f"/api/v1/claims/?page_size={page_size}") == {
        "page_size": ["Enter a whole number from 1 to 100."]
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"text": ["This field is required."]}),
        ({"text": ""}, {"text": [EMPTY_MESSAGE]}),
        ({"text": "   "}, {"text": [EMPTY_MESSAGE]}),
        ({"text": "bread", "limit": ""}, {"limit": [EMPTY_MESSAGE]}),
        ({"text": "bread", "limit": 21}, {"limit": ["Ensure this value is less than or equal to 20."]}),
        ({"text": "bread", "limit": "many"}, {"limit": ["A valid integer is required."]}),
        ({"text": "bread", "limit": None}, {"limit": ["This field may not be null."]}),
        ({"text": "ж" * 1001}, {"text": ["Ensure this field has no more than 1000 characters."]}),
        ({"text": "bread\x00prices"}, {"text": ["Null characters are not allowed."]}),
        ({"text": "bread \ud800"}, {"text": ["Surrogate characters are not allowed: U+D800."]}),
        ({"text": {"nested": "object"}}, {"text": ["Not a valid string."]}),
        ({"text": 42}, {"text": ["Not a valid string."]}),
        (["bread"], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_match_by_post_validates_as_get_does(client, db, body, expected):
    response = client.post("/api/v1/match/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": INVALID, "errors": expected}


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("text=", {"text": [EMPTY_MESSAGE]}),
        ("text=bread&limit=", {"limit": [EMPTY_MESSAGE]}),
        ("text=bread&limit=0", {"limit": ["Ensure this value is greater than or equal to 1."]}),
        # A NUL in a body never reaches the database (NullByteMiddleware sees only the address).
        ("text=bread%00prices", {"text": ["Null characters are not allowed."]}),
    ],
)
def test_match_form_body_validates_as_get_does(client, db, form, expected):
    response = client.post("/api/v1/match/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": INVALID, "errors": expected}


def test_match_malformed_json_is_400(client, db):
    response = client.post("/api/v1/match/", '{"text": "bread', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("body", ["[" * 100_000, '{"text": ' * 50_000])
def test_match_json_nested_too_deep_is_400_not_500(client, db, body):
    # Python's json module gives up with a RecursionError, which DRF's parser did not catch.
    response = client.post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}


def test_match_json_with_an_unknown_charset_is_read_as_utf_8(client, db):
    response = client.generic(
        "POST", "/api/v1/match/", '{"text": "bread"}', content_type="application/json; charset=bogus"
    )
    assert (response.status_code, response.json()) == (200, {"results": []})


def test_match_multipart_body_is_415(client, db):
    response = client.post("/api/v1/match/", {"text": "bread"})
    assert response.status_code == 415
    assert response.json()["detail"].startswith('Unsupported media type "multipart/form-data')
