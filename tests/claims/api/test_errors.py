import base64

import psycopg
import pytest
from django.db import connection

from claims import matching

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
        ("text=", {"text": ["This field may not be blank."]}),
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
