"""/api/v1/webhooks/: a partner registers, reads, changes, pauses, deletes its endpoints, rotates a
secret, reads its delivery log and sends a delivery again; never another partner's."""

import socket
import uuid

import pytest
from django.utils import timezone

from partners import services
from partners.models import Delivery, DeliveryAttempt, Endpoint, Event
from tests.partners.conftest import make_key

pytestmark = pytest.mark.django_db

EVENTS = ["verdict.published", "verdict.retracted"]


@pytest.fixture
def public_dns(monkeypatch):
    """hooks.partner.example resolves to a public address (the network is patched, nothing else)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _create(client, headers, **body):
    payload = {"url": "https://hooks.partner.example/factcheck", "events": EVENTS, **body}
    return client.post("/api/v1/webhooks/", payload, content_type="application/json", **headers)


def test_a_partner_registers_an_endpoint_and_gets_its_secret_once(client, partner_headers, public_dns, partner):
    response = _create(client, partner_headers, description="Newsroom CMS", events=EVENTS[::-1])
    assert response.status_code == 201
    body = response.json()
    endpoint = Endpoint.objects.get()
    assert body == {
        "id": str(endpoint.public_id),
        "url": "https://hooks.partner.example/factcheck",
        "description": "Newsroom CMS",
        "events": ["verdict.published", "verdict.retracted"],
        "enabled": True,
        "disabled_at": None,
        "disabled_reason": "",
        "previous_secret_expires_at": None,
        "created_at": endpoint.created_at.isoformat(),
        "deliveries_url": f"http://testserver/api/v1/webhooks/{endpoint.public_id}/deliveries/",
        "secret": endpoint.secret,
    }
    assert body["secret"].startswith("whsec_") and len(body["secret"]) == len("whsec_") + 44
    assert endpoint.key == partner[0]
    again = client.get(f"/api/v1/webhooks/{endpoint.public_id}/", **partner_headers)
    assert "secret" not in again.json()
    assert again["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.1.2.3/hook", "10.1.2.3 resolves to 10.1.2.3, a private or reserved address"),
        ("http://169.254.169.254/latest/meta-data", "a private or reserved address"),
        ("http://localhost:8000/hook", "localhost resolves to"),
        ("http://[::1]/hook", "a private or reserved address"),
        ("ftp://hooks.partner.example/", "Only http and https URLs can receive webhooks."),
        ("https://user:pw@hooks.partner.example/", "Put no user name or password in the URL"),
        ("https://nowhere.invalid/", "The host name nowhere.invalid does not resolve."),
        ("not a url", "Only http and https URLs can receive webhooks."),
    ],
)
def test_an_endpoint_url_that_is_not_public_is_refused_naming_the_url(
    client, partner_headers, public_dns, settings, url, message
):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    response = _create(client, partner_headers, url=url)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Some parameters are not valid."
    assert list(body["errors"]) == ["url"]
    assert message in body["errors"]["url"][0]
    assert not Endpoint.objects.exists()


def test_unknown_or_no_events_are_refused(client, partner_headers, public_dns):
    assert _create(client, partner_headers, events=["verdict.deleted"]).json()["errors"] == {
        "events.0": ['"verdict.deleted" is not a valid choice.']
    }
    assert _create(client, partner_headers, events=[]).json()["errors"] == {"events": ["This list may not be empty."]}


def test_a_partner_holds_at_most_the_quota_of_endpoints(client, partner_headers, public_dns, settings):
    settings.PARTNER_ENDPOINT_QUOTA = 2
    assert [_create(client, partner_headers).status_code for _ in range(3)] == [201, 201, 403]
    assert _create(client, partner_headers).json() == {
        "detail": "This partner has 2 webhook endpoints, the most a partner may hold. Delete one first."
    }


def test_anonymous_callers_are_told_to_send_their_key(client, db):
    response = client.get("/api/v1/webhooks/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This endpoint belongs to partners: send your API key as `Authorization: Bearer <key>`."
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_partner_sees_only_its_own_endpoints(client, partner, partner_headers, public_dns):
    mine, _secret = services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    other_key, _raw = make_key(name="Other")
    theirs, _secret = services.endpoint_create(key=other_key, url="https://hooks.partner.example/b", events=EVENTS)
    listed = client.get("/api/v1/webhooks/", **partner_headers).json()
    assert [item["id"] for item in listed["results"]] == [str(mine.public_id)]
    for method, suffix in [("get", ""), ("patch", ""), ("delete", ""), ("get", "deliveries/")]:
        response = getattr(client, method)(
            f"/api/v1/webhooks/{theirs.public_id}/{suffix}", content_type="application/json", **partner_headers
        )
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "You have no webhook endpoint with this id."},
        )
    assert Endpoint.objects.filter(pk=theirs.pk).exists()
    unknown = client.get(f"/api/v1/webhooks/{uuid.uuid4()}/", **partner_headers)
    assert unknown.status_code == 404


def test_a_partner_changes_pauses_and_turns_on_an_endpoint(client, partner, partner_headers, public_dns):
    endpoint, _secret = services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    url = f"/api/v1/webhooks/{endpoint.public_id}/"
    changed = client.patch(
        url,
        {"events": ["watch.matched"], "description": "Only watches"},
        content_type="application/json",
        **partner_headers,
    ).json()
    assert (changed["events"], changed["description"], changed["enabled"]) == (["watch.matched"], "Only watches", True)
    paused = client.patch(url, {"enabled": False}, content_type="application/json", **partner_headers).json()
    assert (paused["enabled"], paused["disabled_reason"]) == (False, "Paused by the partner.")
    on = client.patch(url, {"enabled": True}, content_type="application/json", **partner_headers).json()
    assert (on["enabled"], on["disabled_at"], on["disabled_reason"]) == (True, None, "")
    refused = client.patch(url, {"url": "http://192.168.1.10/"}, content_type="application/json", **partner_headers)
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["url"]


def test_a_partner_deletes_an_endpoint_with_its_log(client, partner, partner_headers, public_dns):
    endpoint, _secret = services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    response = client.delete(f"/api/v1/webhooks/{endpoint.public_id}/", **partner_headers)
    assert (response.status_code, response.content) == (204, b"")
    assert not Endpoint.objects.exists()


def test_rotating_the_secret_shows_the_new_one_and_the_overlap(client, partner, partner_headers, public_dns, settings):
    settings.WEBHOOK_SECRET_OVERLAP_HOURS = 24
    endpoint, old = services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    body = client.post(f"/api/v1/webhooks/{endpoint.public_id}/rotate-secret/", **partner_headers).json()
    endpoint.refresh_from_db()
    assert body["secret"] == endpoint.secret != old
    assert endpoint.previous_secret == old
    hours = (endpoint.previous_secret_expires_at - timezone.now()).total_seconds() / 3600
    assert 23.9 < hours <= 24


def _delivered(endpoint, n):
    """n delivered messages with one attempt each, as the log shows them."""
    for i in range(n):
        event = Event.objects.create(type="verdict.published", payload="{}", occurred_at=timezone.now())
        row = Delivery.objects.create(
            event=event, endpoint=endpoint, status="delivered", next_attempt_at=None, delivered_at=timezone.now()
        )
        DeliveryAttempt.objects.create(delivery=row, attempted_at=timezone.now(), status_code=200 + i % 2)


def test_the_delivery_log_shows_each_message_and_attempt(client, partner, partner_headers, public_dns):
    endpoint, _secret = services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    _delivered(endpoint, 2)
    body = client.get(f"/api/v1/webhooks/{endpoint.public_id}/deliveries/", **partner_headers).json()
    newest = Delivery.objects.order_by("-pk").first()
    assert body["results"][0] == {
        "id": str(newest.public_id),
        "webhook_id": newest.event.webhook_id,
        "type": "verdict.published",
        "status": "delivered",
        "attempts": 0,
        "created_at": newest.created_at.isoformat(),
        "next_attempt_at": None,
        "delivered_at": newest.delivered_at.isoformat(),
        "log": [
            {
                "attempted_at": newest.log.get().attempted_at.isoformat(),
                "status_code": 201,
                "error": "",
                "response_body": "",
                "duration_ms": 0,
            }
        ],
    }
    assert len(body["results"]) == 2


def test_send_again_through_the_api(client, partner, partner_headers, receiver, django_capture_on_commit_callbacks):
    endpoint, _secret = services.endpoint_create(key=partner[0], url=receiver.url, events=EVENTS)
    _delivered(endpoint, 1)
    row = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/webhooks/{endpoint.public_id}/deliveries/{row.public_id}/resend/", **partner_headers
        )
    assert response.status_code == 202
    assert response.json()["status"] == "pending"  # as queued; the worker sends it
    row.refresh_from_db()
    assert (row.status, len(receiver.requests), row.log.count()) == ("delivered", 1, 2)
    missing = client.post(f"/api/v1/webhooks/{endpoint.public_id}/deliveries/{uuid.uuid4()}/resend/", **partner_headers)
    assert missing.json() == {"detail": "This endpoint has no delivery with this id."}


def test_endpoint_lists_answer_conditional_requests(client, partner, partner_headers, public_dns):
    services.endpoint_create(key=partner[0], url="https://hooks.partner.example/a", events=EVENTS)
    first = client.get("/api/v1/webhooks/", **partner_headers)
    again = client.get("/api/v1/webhooks/", HTTP_IF_NONE_MATCH=first["ETag"], **partner_headers)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
