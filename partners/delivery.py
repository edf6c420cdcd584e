"""Delivering webhook messages (partners.tasks.deliver_endpoint runs drain()).

- Signed to the Standard Webhooks specification with its library: `webhook-id` (the message's id,
  the same on every retry, for the receiver to drop duplicates), `webhook-timestamp` (this attempt)
  and `webhook-signature` (`v1,<base64 HMAC-SHA256>`; during a secret rotation two, space-separated).
- At least once: a message stays pending until the endpoint answers 2xx. After a failed attempt it
  is tried again after RETRY_DELAYS (8 attempts over about 27 hours); when the last one fails the
  message is marked failed and the endpoint disabled, and its partner is emailed. A 410 Gone
  disables the endpoint at once. Staff and the partner can send any message again.
- In order per endpoint: one worker at a time delivers to an endpoint (it holds a lease on the row,
  so no transaction stays open during a request), oldest event first, and a message that fails
  holds back the later ones until it is delivered or given up. (Standard Webhooks promises no order:
  receivers should still compare the `timestamp` of the body.)
- Requests go through partners.urlguard: public addresses only, checked again at every request."""

import datetime
import logging
import secrets
import time

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from partners import urlguard
from partners.models import Delivery, DeliveryAttempt, Endpoint

logger = logging.getLogger(__name__)

# Seconds to wait after each failed attempt: 8 attempts over about 27.6 hours.
RETRY_DELAYS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
USER_AGENT = "FactcheckDesk-Webhooks/1.0"


def drain(endpoint_id):
    """Deliver the endpoint's due messages, oldest first, until none is due or one fails."""
    while True:
        token = _acquire(endpoint_id)
        if token is None:
            return  # disabled, or another worker delivers (and checks again after it lets go)
        try:
            _deliver_due(endpoint_id, token)
        finally:
            _release(endpoint_id, token)
        # A message queued while we held the lease found it taken and left the sending to us.
        if _due_head(endpoint_id) is None:
            return


def _lease_length():
    return datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT * (urlguard.MAX_REDIRECTS + 1) + 30)


def _acquire(endpoint_id):
    now, token = timezone.now(), secrets.token_hex(16)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = Endpoint.objects.filter(free, pk=endpoint_id, enabled=True).update(
        lease_token=token, lease_until=now + _lease_length()
    )
    return token if taken else None


def _renew(endpoint_id, token):
    return Endpoint.objects.filter(pk=endpoint_id, lease_token=token, enabled=True).update(
        lease_until=timezone.now() + _lease_length()
    )


def _release(endpoint_id, token):
    Endpoint.objects.filter(pk=endpoint_id, lease_token=token).update(lease_token="", lease_until=None)


def _head(endpoint_id):
    return (
        Delivery.objects.filter(endpoint_id=endpoint_id, status=Delivery.Status.PENDING)
        .select_related("event", "endpoint")
        .order_by("event__occurred_at", "event_id")
        .first()
    )


def _due_head(endpoint_id):
    head = _head(endpoint_id)
    return head if head is not None and head.endpoint.enabled and head.next_attempt_at <= timezone.now() else None


def _deliver_due(endpoint_id, token):
    while True:
        head = _head(endpoint_id)
        if head is None:
            return
        if head.next_attempt_at > timezone.now():
            queue_retry(endpoint_id, head.next_attempt_at)
            return
        if not _renew(endpoint_id, token) or not attempt(head):
            return


def signed_headers(endpoint, event, at):
    """The Standard Webhooks headers for sending `event` to `endpoint` at `at`."""
    secrets_in_use = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > at:
        secrets_in_use.append(endpoint.previous_secret)
    signature = " ".join(Webhook(secret).sign(event.webhook_id, at, event.payload) for secret in secrets_in_use)
    return {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


def attempt(delivery):
    """Send one delivery now and record the attempt. Returns whether the endpoint took it."""
    endpoint, event = delivery.endpoint, delivery.event
    at = timezone.now()
    started = time.monotonic()
    status, error, excerpt = None, "", ""
    try:
        answer = urlguard.post(
            endpoint.url,
            body=event.payload.encode(),
            headers=signed_headers(endpoint, event, at),
            timeout=settings.WEBHOOK_TIMEOUT,
        )
        status, excerpt = answer.status, answer.excerpt
        if not 200 <= status < 300:
            error = _("The endpoint answered HTTP %(status)d, not 2xx.") % {"status": status}
    except urlguard.UnsafeURL as exc:
        error = str(exc)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = _describe(exc)
    duration = round((time.monotonic() - started) * 1000)
    return _record(delivery, at=at, status=status, error=error, excerpt=excerpt, duration=duration)


def _describe(exc):
    # urllib3 makes a refused connection a kind of timeout (NewConnectionError): tell them apart.
    if isinstance(exc, urllib3.exceptions.TimeoutError) and not isinstance(exc, urllib3.exceptions.NewConnectionError):
        return _("No answer within %(seconds)d seconds.") % {"seconds": settings.WEBHOOK_TIMEOUT}
    reason = str(getattr(exc, "reason", None) or exc).split(": ", 1)[-1]
    return (_("The connection failed: %(reason)s") % {"reason": reason})[:500]


@transaction.atomic
def _record(delivery, *, at, status, error, excerpt, duration):
    from partners import services

    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=at,
        status_code=status,
        error=error[:500],
        response_body=excerpt,
        duration_ms=duration,
    )
    if not error:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED, delivered_at=at, last_attempt_at=at, next_attempt_at=None
        )
        return True
    attempts = delivery.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, attempts=attempts, last_attempt_at=at, next_attempt_at=None
        )
        reason = _("Every attempt to deliver a message for about a day failed; the last: %(error)s") % {"error": error}
        services.endpoint_disable(endpoint=delivery.endpoint, reason=reason)
        return False
    next_at = at + datetime.timedelta(seconds=RETRY_DELAYS[attempts - 1])
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_attempt_at=at, next_attempt_at=next_at)
    if status == 410:  # the receiver says it is gone for good
        services.endpoint_disable(endpoint=delivery.endpoint, reason=_("The endpoint answered 410 Gone."))
    else:
        transaction.on_commit(lambda: queue_retry(delivery.endpoint_id, next_at), robust=True)
    return False


def queue_retry(endpoint_id, at):
    """Queue one job to deliver to the endpoint at `at` (one per time: waiting messages share it).
    A queue that cannot defer (the tests' immediate backend) leaves it to the next event or to
    `manage.py deliverwebhooks`."""
    from partners import tasks

    if not tasks.deliver_endpoint.get_backend().supports_defer:
        return
    if not Endpoint.objects.filter(pk=endpoint_id).exclude(retry_at=at).update(retry_at=at):
        return  # already queued for that time
    try:
        tasks.deliver_endpoint.using(run_after=at).enqueue(endpoint_id)
    except Exception:  # the next event, or the command, sends it; the next failure queues again
        logger.exception("Could not queue the retry of webhook endpoint %s", endpoint_id)
        Endpoint.objects.filter(pk=endpoint_id, retry_at=at).update(retry_at=None)
