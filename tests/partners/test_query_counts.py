"""Every list of the partners' endpoints runs the same number of queries for 1 row as for 20."""

import pytest
from django.utils import timezone

from claims.models import APIKey
from partners.models import DatasetVersion, Delivery, DeliveryAttempt, Endpoint, Event, Watch, WatchMatch
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(partner):
    # The key was used a moment ago: its last-use stamp is not written again (one query fewer).
    APIKey.objects.filter(pk=partner[0].pk).update(last_used_at=timezone.now())
    return partner


def _endpoints(key, n):
    return [
        Endpoint.objects.create(key=key, url=f"https://hooks.partner.example/{i}", events=["verdict.published"])
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, 20])
def test_webhooks_list(client, key, partner_headers, django_assert_num_queries, n):
    _endpoints(key[0], n)
    with django_assert_num_queries(2):  # the key, the page
        body = client.get("/api/v1/webhooks/?page_size=20", **partner_headers).json()
    assert len(body["results"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_deliveries_list(client, key, partner_headers, django_assert_num_queries, n):
    [endpoint] = _endpoints(key[0], 1)
    for _ in range(n):
        event = Event.objects.create(type="verdict.published", payload="{}", occurred_at=timezone.now())
        row = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=timezone.now())
        for _attempt in range(2):
            DeliveryAttempt.objects.create(delivery=row, attempted_at=timezone.now(), status_code=500)
    with django_assert_num_queries(4):  # the key, the endpoint, the page with events, the attempts
        body = client.get(f"/api/v1/webhooks/{endpoint.public_id}/deliveries/?page_size=20", **partner_headers).json()
    assert len(body["results"]) == n and len(body["results"][0]["log"]) == 2


@pytest.mark.parametrize("n", [1, 20])
def test_watches_list(client, key, partner_headers, django_assert_num_queries, n):
    claim = make_verdict(slug="matched").claim
    for i in range(n):
        watch = Watch.objects.create(key=key[0], text=f"Watched text {i}")
        WatchMatch.objects.create(watch=watch, claim=claim, score=0.9, matched_at=timezone.now())
    with django_assert_num_queries(3):  # the key, the page, the matches with their claims
        body = client.get("/api/v1/watches/?page_size=20", **partner_headers).json()
    assert len(body["results"]) == n and body["results"][0]["matches"][0]["claim"]["slug"] == "matched"


@pytest.mark.parametrize("n", [1, 20])
def test_datasets_list(client, db, django_assert_num_queries, n):
    for i in range(n):
        DatasetVersion.objects.create(
            version=f"2026-01-{i + 1:02}",
            created_at=timezone.now(),
            items=3,
            license_name="CC BY 4.0",
            license_url="https://creativecommons.org/licenses/by/4.0/",
            files=[{"name": "f.jsonl", "format": "jsonl", "size": 1, "sha256": "0" * 64}],
        )
    with django_assert_num_queries(1):
        body = client.get("/api/v1/datasets/?page_size=20").json()
    assert len(body["results"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_data_page(client, db, django_assert_num_queries, n):
    for i in range(n):
        DatasetVersion.objects.create(
            version=f"2026-02-{i + 1:02}",
            created_at=timezone.now(),
            items=3,
            license_name="CC BY 4.0",
            license_url="https://creativecommons.org/licenses/by/4.0/",
            files=[{"name": "f.jsonl", "format": "jsonl", "size": 1, "sha256": "0" * 64}],
        )
    with django_assert_num_queries(2):  # the site's content version (base.html), the versions
        assert client.get("/data/").status_code == 200
