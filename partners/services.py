"""Partners' actions, and the only place their rules live: the API, the admin, the tasks and the
management commands all call these.

- An endpoint belongs to one partner key, takes http(s) URLs that resolve to public addresses
  (partners.urlguard) and the event types of models.EventType; its secret is generated here and
  shown once; a rotation keeps the old secret signing beside the new one for an overlap.
- Every workflow event (claims.events) becomes one message per subscribed, enabled endpoint,
  delivered in order and at least once by partners.delivery.
- A partner holds at most PARTNER_WATCH_QUOTA watches; a published check that matches a watch is
  told once (watch.matched).
- The dataset is rebuilt by the queue some minutes after a change, once for all the changes in
  between (partners.dataset)."""

import base64
import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import matching
from claims.api.serializers import tombstone_data
from claims.api.views import published_claim_details
from claims.claimreview import rating_bounds
from claims.models import APIKey, Claim, Correction, Verdict
from partners import payloads, urlguard
from partners.models import (
    DatasetSchedule,
    Delivery,
    Endpoint,
    Event,
    EventType,
    Watch,
    WatchMatch,
)

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # Standard Webhooks: 24 to 64 bytes
WATCH_TEXT_MAX = 1000

# claims.events.change_approved's kind (a Correction.Kind) → the event partners receive.
CHANGE_EVENTS = {
    Correction.Kind.CORRECTION: EventType.VERDICT_CORRECTED,
    Correction.Kind.RATING_CHANGE: EventType.VERDICT_CORRECTED,
    Correction.Kind.CLARIFICATION: EventType.VERDICT_UPDATED,
    Correction.Kind.UPDATE: EventType.VERDICT_UPDATED,
    Correction.Kind.PLEDGE_STATUS: EventType.VERDICT_UPDATED,
    Correction.Kind.REINSTATEMENT: EventType.VERDICT_PUBLISHED,
}


class QuotaExceeded(Exception):
    """The partner holds as many endpoints or watches as it may."""


class Conflict(Exception):
    """The partner already holds this (a watch with the same external id)."""


def new_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _clean_events(events):
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": [_("Choose at least one event.")]})
    unknown = [e for e in events if e not in EventType.values]
    if unknown:
        raise ValidationError({"events": [_("Unknown events: %(names)s.") % {"names": ", ".join(map(str, unknown))}]})
    return [e for e in EventType.values if e in events]  # the documented order, each once


def _clean_url(url):
    if not isinstance(url, str) or not url.strip():
        raise ValidationError({"url": [_("Give the URL that receives the webhooks.")]})
    if len(url) > Endpoint._meta.get_field("url").max_length:
        raise ValidationError({"url": [_("The URL is longer than 500 characters.")]})
    try:
        urlguard.check_url(url.strip())
    except urlguard.UnsafeURL as exc:
        raise ValidationError({"url": [str(exc)]}) from None
    return url.strip()


# --- Endpoints -----------------------------------------------------------------------------------


def endpoint_check(*, key, url=None, events=None, new=False):
    """The URL and events as they will be stored, or the refusal: ValidationError naming the field,
    QuotaExceeded for a new endpoint past the partner's quota. (The admin's form asks this too.)"""
    if new and Endpoint.objects.filter(key=key).count() >= settings.PARTNER_ENDPOINT_QUOTA:
        raise QuotaExceeded(
            _("This partner has %(n)d webhook endpoints, the most a partner may hold. Delete one first.")
            % {"n": settings.PARTNER_ENDPOINT_QUOTA}
        )
    return (
        _clean_url(url) if url is not None else None,
        _clean_events(events) if events is not None else None,
    )


@transaction.atomic
def endpoint_create(*, key, url, events, description=""):
    """Register an endpoint for `key`; returns it and its secret, which is shown this once."""
    APIKey.objects.select_for_update().get(pk=key.pk)  # the quota holds under concurrent requests
    url, events = endpoint_check(key=key, url=url, events=events, new=True)
    endpoint = Endpoint(
        key=key,
        url=url,
        events=events,
        description=(description or "").strip(),
        secret=new_secret(),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, endpoint.secret


@transaction.atomic
def endpoint_update(*, endpoint, url=None, events=None, description=None, enabled=None):
    """Change an endpoint's URL, events or description; enabled=True turns a disabled endpoint on
    again and sends what waited for it, in order; enabled=False pauses it."""
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    url, events = endpoint_check(key=locked.key, url=url, events=events)
    if url is not None:
        locked.url = url
    if events is not None:
        locked.events = events
    if description is not None:
        locked.description = description.strip()
    locked.full_clean()
    locked.save()
    if enabled is True and not locked.enabled:
        endpoint_enable(endpoint=locked)
    elif enabled is False and locked.enabled:
        endpoint_disable(endpoint=locked, reason=_("Paused by the partner."), notify=False)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def endpoint_enable(*, endpoint):
    """Turn an endpoint on again: its waiting deliveries start a fresh retry schedule, now."""
    from partners import tasks

    now = timezone.now()
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=True, disabled_at=None, disabled_reason="", retry_at=None)
    Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).update(attempts=0, next_attempt_at=now)
    tasks.queue_delivery(endpoint.pk)


@transaction.atomic
def endpoint_disable(*, endpoint, reason, notify=True):
    """Stop delivering to an endpoint (its waiting deliveries stay and go out when it is enabled
    again; new events are not queued for it meanwhile). With `notify`, its partner is emailed."""
    from partners import tasks

    updated = Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_at=timezone.now(), disabled_reason=reason[:500], retry_at=None
    )
    if updated and notify:
        tasks.queue_disabled_email(endpoint.pk)
    return bool(updated)


def endpoint_delete(*, endpoint):
    """Delete an endpoint with its delivery log."""
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint):
    """A new secret, returned this once. The old one keeps signing beside it for
    WEBHOOK_SECRET_OVERLAP_HOURS, so the partner can switch its receiver without losing a message."""
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.previous_secret = locked.secret
    locked.previous_secret_expires_at = timezone.now() + datetime.timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
    locked.secret = new_secret()
    locked.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return locked, locked.secret


@transaction.atomic
def delivery_resend(*, delivery):
    """Send a delivery again ("send again", for a failed or an already delivered one): the same
    message and webhook-id, with a fresh retry schedule, in its place in the endpoint's order."""
    from partners import tasks

    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), delivered_at=None
    )
    tasks.queue_delivery(delivery.endpoint_id)
    delivery.refresh_from_db()
    return delivery


# --- Events --------------------------------------------------------------------------------------


def event_type_of(signal_name, kind=None):
    """The partners' event for a claims.events signal (None: partners are not told)."""
    if signal_name == "verdict_published":
        return EventType.VERDICT_PUBLISHED
    if signal_name == "verdict_retracted":
        return EventType.VERDICT_RETRACTED
    if signal_name == "change_approved":
        return CHANGE_EVENTS.get(kind)
    return None


def workflow_event_handle(*, signal_name, claim_id, occurred_at, kind=None, change_id=None):
    """Everything partners do about one workflow event (run by partners.tasks.handle_workflow_event):
    the webhook message to each subscribed endpoint, watch.matched for the watches a newly published
    check matches, and the debounced dataset rebuild."""
    event_type = event_type_of(signal_name, kind)
    if event_type is None:
        return
    event_record(event_type=event_type, claim_id=claim_id, occurred_at=occurred_at, change_id=change_id)
    if event_type == EventType.VERDICT_PUBLISHED:
        watches_match(claim_id=claim_id, occurred_at=occurred_at)
    dataset_schedule_build()


def _subscribed(event_type, key=None):
    endpoints = Endpoint.objects.filter(enabled=True, key__revoked_at__isnull=True).order_by("pk")
    if key is not None:
        endpoints = endpoints.filter(key=key)
    # The subscription is a JSON list, which SQLite cannot search: endpoints are few.
    return [endpoint for endpoint in endpoints if event_type in endpoint.events]


def event_record(*, event_type, claim_id, occurred_at, change_id=None):
    """Queue one message of `event_type` about a claim to every enabled endpoint subscribed to it.
    Returns the Event, or None when nobody is subscribed or the claim moved on (a verdict retracted
    before its publication was told: the retraction follows)."""
    endpoints = _subscribed(event_type)
    if not endpoints:
        return None
    data = _claim_event_data(event_type, claim_id, change_id)
    if data is None:
        logger.info("Webhook %s for claim %s not sent: the claim is no longer in that state", event_type, claim_id)
        return None
    return _record(event_type, occurred_at, data, endpoints, claim_id=claim_id)


def _claim_event_data(event_type, claim_id, change_id):
    if event_type == EventType.VERDICT_RETRACTED:
        claim = Claim.objects.public().filter(pk=claim_id, verdict__status=Verdict.Status.RETRACTED)
        claim = claim.select_related("verdict").first()
        return {"tombstone": tombstone_data(claim)} if claim else None
    claim = published_claim_details().filter(pk=claim_id).first()
    if claim is None:
        return None
    data = payloads.claim_data(claim, bounds=rating_bounds(), urls=payloads.SiteURLs())
    if change_id is not None:  # an approved change (a reinstatement is published again)
        data["change"] = claim.pending_changes.filter(pk=change_id).values("kind", "note").first()
    return data


def _record(event_type, occurred_at, data, endpoints, *, claim_id=None, key=None):
    from partners import tasks

    with transaction.atomic():
        event = Event.objects.create(
            type=event_type,
            payload=payloads.message(event_type, occurred_at, data),
            claim_id=claim_id,
            key=key,
            occurred_at=occurred_at,
        )
        Delivery.objects.bulk_create(
            [Delivery(event=event, endpoint=endpoint, next_attempt_at=timezone.now()) for endpoint in endpoints]
        )
        for endpoint in endpoints:
            tasks.queue_delivery(endpoint.pk)
    return event


# --- Watches -------------------------------------------------------------------------------------


@transaction.atomic
def watch_create(*, key, text, language="", external_id=""):
    """Watch a text for `key`: a check published later that matches it is told once, as
    watch.matched. Refused past the partner's quota, or when external_id is already in use."""
    APIKey.objects.select_for_update().get(pk=key.pk)
    if Watch.objects.filter(key=key).count() >= settings.PARTNER_WATCH_QUOTA:
        raise QuotaExceeded(
            _("You have %(n)d watches, the most a partner may hold. Delete some first.")
            % {"n": settings.PARTNER_WATCH_QUOTA}
        )
    if external_id and Watch.objects.filter(key=key, external_id=external_id).exists():
        raise Conflict(_("You already have a watch with this external_id."))
    watch = Watch(key=key, text=text, language=language or "", external_id=external_id or "")
    watch.full_clean()
    watch.save()
    return watch


def watch_delete(*, watch):
    watch.delete()


def _could_match(concepts, haystack):
    """A cheap test before matching proper: the claim's text contains the first four letters of a
    word of at least one of the watch's concepts. Matching scores a claim only for the concepts it
    contains, and a stem keeps the first letters of its word, so this passes every claim that
    matching could score (it saves a query per watch for the others)."""
    return any(word[:4] in haystack for group in concepts for word in group)


def watches_match(*, claim_id, occurred_at):
    """Tell every partner whose watch the newly published claim matches (claims.matching, the
    matching of /api/v1/match/), once per watch and claim. Returns the WatchMatch rows made."""
    claim = published_claim_details().filter(pk=claim_id).first()
    if claim is None:
        return []
    haystack = f"{claim.title} {claim.text} {claim.search_extra}".lower()
    watches = (
        Watch.objects.filter(key__revoked_at__isnull=True)
        .filter(Q(language="") | Q(language=claim.language))
        .exclude(matches__claim=claim)
        .select_related("key")
    )
    made, data = [], None
    for watch in watches.iterator(chunk_size=500):
        if not _could_match(matching.match_concepts(watch.text), haystack):
            continue
        score = matching.match_claim(watch.text, claim)
        if score is None:
            continue
        data = data or payloads.claim_data(claim, bounds=rating_bounds(), urls=payloads.SiteURLs())
        match = _watch_matched(watch, claim, round(score, 4), occurred_at, data)
        if match is not None:
            made.append(match)
    return made


def _watch_matched(watch, claim, score, occurred_at, claim_data):
    with transaction.atomic():
        match, created = WatchMatch.objects.get_or_create(
            watch=watch, claim=claim, defaults={"score": score, "matched_at": timezone.now()}
        )
        if not created:
            return None
        endpoints = _subscribed(EventType.WATCH_MATCHED, key=watch.key)
        if endpoints:
            data = {"watch": payloads.watch_data(watch), "score": score, **claim_data}
            _record(EventType.WATCH_MATCHED, occurred_at, data, endpoints, claim_id=claim.pk, key=watch.key)
    return match


# --- The dataset ---------------------------------------------------------------------------------


def dataset_schedule_build():
    """Queue a rebuild of the dataset DATASET_REBUILD_DELAY seconds from now, unless one is queued
    already (it will read this change too). Needs a queue that can defer jobs (database or RQ);
    with the immediate backend of the tests the dataset is rebuilt only on demand."""
    from partners import tasks

    if not tasks.build_dataset.get_backend().supports_defer:
        return None
    now = timezone.now()
    delay = datetime.timedelta(seconds=settings.DATASET_REBUILD_DELAY)
    with transaction.atomic():
        schedule, _created = DatasetSchedule.objects.select_for_update().get_or_create(pk=1)
        # A due time long past means its job was lost (a worker killed): schedule anew.
        if schedule.build_due_at is not None and schedule.build_due_at > now - delay - datetime.timedelta(hours=1):
            return schedule.build_due_at
        schedule.build_due_at = now + delay
        schedule.save()
        tasks.build_dataset.using(run_after=schedule.build_due_at).enqueue()
    return schedule.build_due_at


def dataset_build():
    """Build a new version of the dataset now (partners.dataset.build); None if nothing changed."""
    from partners import dataset

    DatasetSchedule.objects.filter(pk=1).update(build_due_at=None)  # later changes schedule the next
    return dataset.build()
