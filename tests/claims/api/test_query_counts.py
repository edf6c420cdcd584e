"""Every endpoint runs the same number of queries for 1 item as for 50 (page_size=1 and 50 over one
catalogue of 50 published claims, each with its own claimant, topic and sources, two appearances,
evidence with a captured snapshot and a correction). The catalogue is built once for the module
inside a transaction that is rolled back at the end."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings

from claims import services
from claims.models import Rating, Verdict
from tests.factories import AppearanceFactory, ClaimantFactory, TopicFactory, UserFactory, correct, make_verdict

N = 50


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build():
    reviewer = UserFactory(username="factory-reviewer", group="Reviewers")
    mostly_false = Rating.objects.get(slug="mostly-false")
    verdicts = []
    for i in range(N):
        verdict = make_verdict(
            Verdict.Status.PUBLISHED,
            reviewer=reviewer,
            slug=f"claim-{i:02}",
            claimant=ClaimantFactory(),
            text=f"Bread prices doubled in town {i}.",
        )
        verdict.claim.topics.set([TopicFactory()])
        AppearanceFactory(claim=verdict.claim, is_first=False, seen_on=datetime.date(2024, 6, 15))
        source = verdict.evidence.get().source
        source.capture(f"Captured text {i}.")
        source.save()
        correct(verdict=verdict, note="Changed.", by=reviewer, rating=mostly_false)
        verdicts.append(verdict)
    return {"verdicts": verdicts, "reviewer": reviewer}


def _get(client, url, size):
    if size:
        url += f"{'&' if '?' in url else '?'}page_size={size}"
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, N])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The claims' lists: one more for the page's published translations (their languages).
        ("/api/v1/claims/", 3),
        ("/api/v1/claims/?ordering=updated_at&updated_since=2024-01-01&kind=statement&made_after=2024-01-01", 3),
        # on PostgreSQL, one more: whether the search as typed finds anything (claims.search.survey)
        ("/api/v1/claims/?rating=mostly-false&language=en&q=bread", 5 if connection.vendor == "postgresql" else 4),
        ("/api/v1/claim-reviews/", 4),
        ("/api/v1/claimants/", 1),
        ("/api/v1/topics/", 1),
        ("/api/v1/sources/", 1),
    ],
)
def test_list_query_count_is_the_same_for_1_and_50_items(
    client, catalogue, django_assert_num_queries, url, queries, size
):
    with django_assert_num_queries(queries):
        body = _get(client, url, size)
    assert len(body["results"]) == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, N])
def test_claimant_and_topic_filters_query_count(client, catalogue, django_assert_num_queries, size):
    claim = catalogue["verdicts"][0].claim
    url = f"/api/v1/claims/?claimant={claim.claimant.slug}&topic={claim.topics.get().slug}"
    with django_assert_num_queries(5):
        body = _get(client, url, size)
    assert [item["slug"] for item in body["results"]] == ["claim-00"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, N])
def test_tombstones_query_count(client, catalogue, django_assert_num_queries, size):
    for verdict in catalogue["verdicts"]:
        services.verdict_retract(verdict=verdict, note="Withdrawn.", by=catalogue["reviewer"])
    with django_assert_num_queries(1):
        body = _get(client, "/api/v1/tombstones/", size)
    assert len(body["results"]) == size


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 20])
def test_match_query_count(client, catalogue, django_assert_num_queries, limit):
    # PostgreSQL: savepoint, concept statistics (and the statement timeout), match, release; then
    # the topics. SQLite: the match and the topics. Both: the translations that match too, and the
    # languages the matched checks are published in.
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 4):
        response = client.get("/api/v1/match/", {"text": "bread prices doubled", "limit": limit})
    assert len(response.json()["results"]) == limit


@pytest.mark.django_db
def test_ratings_query_count(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/ratings/")
    assert len(response.json()) == 14


@pytest.mark.django_db
@pytest.mark.parametrize("nested", [1, N])
def test_claim_detail_query_count_whatever_the_nested_rows(client, catalogue, django_assert_num_queries, nested):
    """1 or 50 appearances, evidence sources and corrections."""
    verdict = catalogue["verdicts"][0]
    for i in range(nested - 1):
        AppearanceFactory(claim=verdict.claim, is_first=False)
        correct(verdict=verdict, note=f"Note {i}.", by=catalogue["reviewer"], kind="clarification")
    # PostgreSQL: the claim and its nested rows in one query (claims.pageload), else five; then
    # the languages it is published in.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 6):
        body = _get(client, "/api/v1/claims/claim-00/", None)
    assert (len(body["appearances"]), len(body["corrections"])) == (nested + 1, nested)


@pytest.mark.django_db
@pytest.mark.parametrize("nested", [1, N])
def test_source_detail_query_count_whatever_the_nested_rows(client, catalogue, django_assert_num_queries, nested):
    source = catalogue["verdicts"][0].claim.appearances.get(is_first=True).source
    for verdict in catalogue["verdicts"][1:nested]:
        AppearanceFactory(claim=verdict.claim, source=source, is_first=False)
    with django_assert_num_queries(3):
        body = _get(client, f"/api/v1/sources/{source.slug}/", None)
    assert len(body["appearances"]) == nested


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["claimants", "topics", "ratings"])
def test_other_details_take_one_query(client, catalogue, django_assert_num_queries, endpoint):
    claim = catalogue["verdicts"][0].claim
    slug = {"claimants": claim.claimant.slug, "topics": claim.topics.get().slug, "ratings": "false"}[endpoint]
    with django_assert_num_queries(1):
        body = _get(client, f"/api/v1/{endpoint}/{slug}/", None)
    assert body["slug"] == slug
