"""Webhooks from the workflow to a partner's receiver: signed to the Standard Webhooks spec (checked
with its own library, as a partner would), with the claim's API representation and ClaimReview, one
event per workflow action, in order. Tasks run at once (the immediate backend); the tests of retries
use the database queue and its worker (test_retries.py)."""

import datetime
import io
import socket

import pytest
from django.core.management import call_command
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claims import services as claims_services
from claims.models import Rating, Verdict
from partners import delivery, services
from partners.models import Delivery, DeliveryAttempt, Endpoint, Event
from tests.factories import UserFactory, correct, make_verdict
from tests.partners.conftest import make_key

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["verdict.published", "verdict.corrected", "verdict.updated", "verdict.retracted", "watch.matched"]


@pytest.fixture
def endpoint(partner, receiver):
    endpoint, secret = services.endpoint_create(key=partner[0], url=receiver.url, events=ALL_EVENTS)
    endpoint.raw_secret = secret
    return endpoint


def _verified(receiver, secret):
    """Every received body, after its signature was verified with the standardwebhooks library."""
    return [Webhook(secret).verify(r["body"], r["headers"]) for r in receiver.requests]


def test_a_publication_is_delivered_signed_with_the_claim_and_its_claimreview(
    endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = make_verdict(slug="bread", title="Bread prices doubled")
    [message] = _verified(receiver, endpoint.raw_secret)
    assert message["type"] == "verdict.published"
    assert datetime.datetime.fromisoformat(message["timestamp"]) <= timezone.now()
    claim, review = message["data"]["claim"], message["data"]["claim_review"]
    assert (claim["slug"], claim["title"], claim["rating"]["slug"]) == ("bread", "Bread prices doubled", "false")
    assert claim["api_url"] == f"{settings.SITE_URL}/api/v1/claims/bread/"
    assert {"analysis", "appearances", "evidence", "corrections"} <= set(claim)  # the detail, not the summary
    assert (review["@type"], review["url"], review["claimReviewed"]) == (
        "ClaimReview",
        f"{settings.SITE_URL}/claims/bread/",
        "Bread prices doubled",
    )
    headers = receiver.requests[0]["headers"]
    event = Event.objects.get()
    assert headers["webhook-id"] == event.webhook_id == f"msg_{event.public_id.hex}"
    assert headers["Content-Type"] == "application/json"
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 10
    assert headers["webhook-signature"].startswith("v1,")
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("delivered", 0, None)
    assert list(DeliveryAttempt.objects.values_list("status_code", "error")) == [(204, "")]
    assert verdict.claim_id == event.claim_id


def test_a_signature_made_with_another_secret_does_not_verify(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict()
    request = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(services.new_secret()).verify(request["body"], request["headers"])
    tampered = request["body"].replace(b"verdict.published", b"verdict.retracted")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.raw_secret).verify(tampered, request["headers"])


def test_each_workflow_action_sends_its_event_in_order(endpoint, receiver, django_capture_on_commit_callbacks):
    reviewer = UserFactory(username="events-reviewer", group="Reviewers")
    approver = UserFactory(username="events-approver", group="Reviewers")
    mostly_false = Rating.objects.get(slug="mostly-false")
    actions = [
        lambda: make_verdict(slug="talks"),
        lambda: correct(verdict=verdict, by=reviewer, rating=mostly_false, note="Rerated."),
        lambda: correct(
            verdict=verdict, by=reviewer, kind="clarification", conclusion="Clearer now.", note="Clarified."
        ),
        lambda: claims_services.verdict_retract(verdict=verdict, note="The source was forged.", by=reviewer),
        lambda: claims_services.verdict_reinstate(verdict=verdict, note="The source was genuine.", by=reviewer),
    ]
    for action in actions:  # each action commits, then its event goes out
        with django_capture_on_commit_callbacks(execute=True):
            done = action()
        verdict = done if isinstance(done, Verdict) else Verdict.objects.get(claim__slug="talks")
    change = verdict.claim.pending_changes.get(status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        claims_services.change_approve(change=change, by=approver, revision=change.unit_hash)
    messages = _verified(receiver, endpoint.raw_secret)
    assert [m["type"] for m in messages] == [
        "verdict.published",
        "verdict.corrected",
        "verdict.updated",
        "verdict.retracted",
        "verdict.published",
    ]
    assert messages[1]["data"]["claim"]["rating"]["slug"] == "mostly-false"
    assert messages[1]["data"]["change"] == {"kind": "rating_change", "note": "Rerated."}
    assert messages[2]["data"]["change"] == {"kind": "clarification", "note": "Clarified."}
    assert messages[2]["data"]["claim"]["conclusion"] == "Clearer now."
    assert messages[3]["data"] == {
        "tombstone": {
            "slug": "talks",
            "url": "http://127.0.0.1:8000/claims/talks/",
            "published_at": messages[0]["data"]["claim"]["published_at"],
            "retracted_at": messages[3]["data"]["tombstone"]["retracted_at"],
            "note": "The source was forged.",
        }
    }
    assert messages[4]["data"]["change"] == {"kind": "reinstatement", "note": "The source was genuine."}
    # Each message has its own id; the timestamps follow the workflow.
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert len(set(ids)) == 5
    stamps = [m["timestamp"] for m in messages]
    assert stamps == sorted(stamps)


def test_an_endpoint_gets_only_the_events_it_chose(partner, receiver, django_capture_on_commit_callbacks):
    services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.retracted"])
    reviewer = UserFactory(username="only-reviewer", group="Reviewers")
    with django_capture_on_commit_callbacks(execute=True):
        verdict = make_verdict(slug="only")
    with django_capture_on_commit_callbacks(execute=True):
        claims_services.verdict_retract(verdict=verdict, note="Withdrawn.", by=reviewer)
    assert [b["type"] for b in receiver.bodies()] == ["verdict.retracted"]


def test_disabled_endpoints_and_revoked_keys_are_not_sent_anything(
    partner, receiver, django_capture_on_commit_callbacks
):
    paused, _secret = services.endpoint_create(key=partner[0], url=receiver.url, events=ALL_EVENTS)
    services.endpoint_update(endpoint=paused, enabled=False)
    revoked_key, _raw = make_key(name="Gone")
    services.endpoint_create(key=revoked_key, url=receiver.url, events=ALL_EVENTS)
    revoked_key.revoked_at = timezone.now()
    revoked_key.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict()
    assert receiver.requests == []
    assert not Event.objects.exists()  # nobody subscribed: nothing built


def test_a_failed_delivery_holds_back_the_later_ones_in_order(endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500]
    reviewer = UserFactory(username="order-reviewer", group="Reviewers")
    with django_capture_on_commit_callbacks(execute=True):
        verdict = make_verdict(slug="ordered")
    with django_capture_on_commit_callbacks(execute=True):
        claims_services.verdict_retract(verdict=verdict, note="Withdrawn.", by=reviewer)
    # The publication failed (500): the retraction waits behind it, unsent.
    assert [b["type"] for b in receiver.bodies()] == ["verdict.published"]
    first, second = Delivery.objects.order_by("event__occurred_at")
    assert (first.status, first.attempts, second.status, second.attempts) == ("pending", 1, "pending", 0)
    assert first.next_attempt_at - first.last_attempt_at == datetime.timedelta(seconds=delivery.RETRY_DELAYS[0])
    assert DeliveryAttempt.objects.get().error == "The endpoint answered HTTP 500, not 2xx."
    # Its retry time comes: both go, the older first.
    Delivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    delivery.drain(endpoint.pk)
    assert [b["type"] for b in receiver.bodies()] == ["verdict.published", "verdict.published", "verdict.retracted"]
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert ids[0] == ids[1]  # a retry is the same message
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_an_endpoint_that_answers_410_is_disabled_at_once_and_its_partner_told(
    endpoint, receiver, django_capture_on_commit_callbacks, mailoutbox
):
    receiver.statuses = [410]
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict()
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.disabled_reason) == (False, "The endpoint answered 410 Gone.")
    [mail] = mailoutbox
    assert mail.to == ["tech@newsroom.example"]
    assert mail.subject == f"[Factcheck Desk] Webhooks to {endpoint.url} are disabled"
    assert "The endpoint answered 410 Gone." in mail.body
    assert f"/api/v1/webhooks/{endpoint.public_id}/deliveries/" in mail.body


def test_the_last_failed_attempt_gives_up_disables_the_endpoint_and_emails_the_partner(
    endpoint, receiver, django_capture_on_commit_callbacks, mailoutbox
):
    receiver.statuses = [503] * delivery.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict()
    row = Delivery.objects.get()
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            delivery.drain(endpoint.pk)
    row.refresh_from_db()
    endpoint.refresh_from_db()
    assert (row.status, row.attempts, len(receiver.requests)) == ("failed", 8, 8)
    assert not endpoint.enabled
    assert endpoint.disabled_reason.startswith("Every attempt to deliver a message for about a day failed")
    assert len(mailoutbox) == 1
    assert sum(delivery.RETRY_DELAYS) / 3600 == pytest.approx(27.6, abs=0.1)  # "about a day"


def test_turning_an_endpoint_on_again_sends_what_waited(endpoint, receiver, django_capture_on_commit_callbacks):
    services.endpoint_update(endpoint=endpoint, enabled=False)
    Delivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict(slug="while-off")
    assert receiver.requests == []  # new events are not queued for a disabled endpoint
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_update(endpoint=endpoint, enabled=True)
        make_verdict(slug="after")
    assert [b["data"]["claim"]["slug"] for b in receiver.bodies()] == ["after"]


def test_send_again_resends_the_same_message(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict()
    row = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(delivery=row)
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert receiver.requests[0]["headers"]["webhook-id"] == receiver.requests[1]["headers"]["webhook-id"]
    assert row.log.count() == 2


def test_rotation_signs_with_both_secrets_during_the_overlap(
    endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    old_secret = endpoint.raw_secret
    endpoint, new_secret = services.endpoint_rotate_secret(endpoint=endpoint)
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict(slug="rotated")
    request = receiver.requests[0]
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(request["body"], request["headers"])  # the old receiver still works
    Webhook(new_secret).verify(request["body"], request["headers"])
    # After the overlap, only the new one signs.
    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict(slug="after-overlap")
    request = receiver.requests[1]
    assert len(request["headers"]["webhook-signature"].split(" ")) == 1
    Webhook(new_secret).verify(request["body"], request["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(request["body"], request["headers"])


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
    endpoint, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_TIMEOUT = 1
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        Endpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{silent.getsockname()[1]}/")
        with django_capture_on_commit_callbacks(execute=True):
            make_verdict()
    finally:
        silent.close()
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.error) == (None, "No answer within 1 seconds.")
    assert Delivery.objects.get().status == "pending"


def test_a_publish_never_waits_for_or_fails_with_a_webhook(partner, django_capture_on_commit_callbacks, settings):
    # Nothing listens at the endpoint's port: the publication still goes through.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    services.endpoint_create(key=partner[0], url=f"http://127.0.0.1:{port}/closed", events=ALL_EVENTS)
    with django_capture_on_commit_callbacks(execute=True):
        verdict = make_verdict()
    assert Verdict.objects.get(pk=verdict.pk).status == "published"
    assert DeliveryAttempt.objects.get().error.startswith("The connection failed")


def test_the_command_sends_what_is_due(endpoint, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict(slug="due")
    Delivery.objects.update(next_attempt_at=timezone.now())
    out = io.StringIO()
    call_command("deliverwebhooks", stdout=out)
    assert out.getvalue() == "Endpoints with messages due: 1.\n"
    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.requests) == 2
