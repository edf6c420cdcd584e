"""The partners' part of the API: its documented contract (the serializers, from which the OpenAPI
schema is generated) and the plain functions that build the same shapes from rows loaded with a
fixed number of queries (as in claims.api.serializers)."""

import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims.api.filters import EMPTY_MESSAGE
from claims.api.serializers import ClaimRefSerializer, TextField, claim_ref
from partners import dataset
from partners.models import Delivery, EventType
from partners.services import WATCH_TEXT_MAX

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

# --- Webhook endpoints -------------------------------------------------------------------------


class EventsField(serializers.ListField):
    child = serializers.ChoiceField(choices=EventType.choices)

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("help_text", _("The events sent to this endpoint (at least one)."))
        super().__init__(**kwargs)


class EndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("The endpoint's id."))
    url = serializers.URLField(help_text=_("Where the webhooks are POSTed."))
    description = serializers.CharField(help_text=_("Your note about the endpoint; may be empty."))
    events = EventsField()
    enabled = serializers.BooleanField(
        help_text=_("Whether webhooks are sent. We turn it off after about a day of failed deliveries.")
    )
    disabled_at = serializers.DateTimeField(allow_null=True, help_text=_("When it was turned off, or null."))
    disabled_reason = serializers.CharField(help_text=_("Why it was turned off; empty while it is on."))
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("After a rotation: until when the previous secret also signs the deliveries; else null."),
    )
    created_at = serializers.DateTimeField(help_text=_("When the endpoint was registered."))
    deliveries_url = serializers.URLField(help_text=_("Its delivery log."))


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        help_text=_(
            "The signing secret (`whsec_…`), shown only now: verify the `webhook-signature` header with it "
            "(Standard Webhooks)."
        )
    )


class EndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500,
        help_text=_("An http or https URL that resolves to a public address (no private, loopback or link-local)."),
    )
    events = EventsField()
    description = TextField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Your note; optional.")
    )


class EndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False, help_text=_("A new URL (checked like a new one)."))
    events = EventsField(required=False)
    description = TextField(max_length=200, required=False, allow_blank=True, help_text=_("A new note."))
    enabled = serializers.BooleanField(
        required=False,
        help_text=_("true turns the endpoint on again (what waited for it goes out, in order); false pauses it."),
    )


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("The new signing secret, shown only now."))
    previous_secret_expires_at = serializers.DateTimeField(
        help_text=_("Until then the previous secret signs too (a second signature in webhook-signature).")
    )


class AttemptSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField(help_text=_("When the request was made."))
    status_code = serializers.IntegerField(
        allow_null=True, help_text=_("What your endpoint answered; null if it did not (see error).")
    )
    error = serializers.CharField(help_text=_("Why the attempt failed; empty when it succeeded."))
    response_body = serializers.CharField(help_text=_("The first kilobyte of your endpoint's answer."))
    duration_ms = serializers.IntegerField(help_text=_("How long the request took, in milliseconds."))


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("The delivery's id (to send it again)."))
    webhook_id = serializers.CharField(
        help_text=_("The message's `webhook-id` header: the same on every retry, for you to drop duplicates.")
    )
    type = serializers.ChoiceField(choices=EventType.choices, help_text=_("The event."))
    status = serializers.ChoiceField(
        choices=Delivery.Status.choices,
        help_text=_("`pending` (not yet taken: retries follow), `delivered` (answered 2xx) or `failed` (given up)."),
    )
    attempts = serializers.IntegerField(help_text=_("Failed attempts so far."))
    created_at = serializers.DateTimeField(help_text=_("When the event was queued for this endpoint."))
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text=_("When it is tried next, if pending."))
    delivered_at = serializers.DateTimeField(allow_null=True, help_text=_("When your endpoint took it."))
    log = AttemptSerializer(many=True, help_text=_("Every attempt, oldest first."))


def endpoint_data(endpoint, request):
    url = reverse("partners_api:webhook-detail", kwargs={"id": endpoint.public_id})
    return {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "enabled": endpoint.enabled,
        "disabled_at": endpoint.disabled_at,
        "disabled_reason": endpoint.disabled_reason,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at,
        "created_at": endpoint.created_at,
        "deliveries_url": request.build_absolute_uri(f"{url}deliveries/"),
    }


def delivery_data(delivery):
    """Expects `event` selected and `log` prefetched."""
    return {
        "id": delivery.public_id,
        "webhook_id": delivery.event.webhook_id,
        "type": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "log": [
            {
                "attempted_at": a.attempted_at,
                "status_code": a.status_code,
                "error": a.error,
                "response_body": a.response_body,
                "duration_ms": a.duration_ms,
            }
            for a in delivery.log.all()
        ],
    }


# --- Watches -----------------------------------------------------------------------------------


class WatchMatchSerializer(serializers.Serializer):
    claim = ClaimRefSerializer(help_text=_("The published check that matched."))
    score = serializers.FloatField(min_value=0, max_value=1, help_text=_("How close it is, from 0.6 to 1."))
    matched_at = serializers.DateTimeField(help_text=_("When it matched (and watch.matched was sent)."))


class WatchSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text=_("The watch's id."))
    text = serializers.CharField(help_text=_("The claim you are watching for, in your words."))
    language = serializers.CharField(help_text=_("Only checks in this language match; empty: any."))
    external_id = serializers.CharField(help_text=_("Your own reference; may be empty."))
    created_at = serializers.DateTimeField(help_text=_("When you created the watch."))
    matches = WatchMatchSerializer(many=True, help_text=_("Checks published since that match it, oldest first."))


class WatchCreateSerializer(serializers.Serializer):
    text = TextField(
        max_length=WATCH_TEXT_MAX,
        trim_whitespace=True,
        error_messages={"blank": EMPTY_MESSAGE},
        help_text=_("The claim to watch for, in your own words (as for /api/v1/match/)."),
    )
    language = TextField(
        max_length=16,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("BCP 47 code, e.g. `en`: only checks in this language will match. Optional."),
    )
    external_id = TextField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Your own reference for the watch, unique among yours. Optional."),
    )

    def validate_language(self, value):
        if value and not _LANGUAGE.match(value):
            raise serializers.ValidationError(_("Enter a BCP 47 language code such as en or pt-BR."))
        return value


def watch_data(watch, urls):
    """Expects `matches` prefetched with their claims."""
    return {
        "id": watch.public_id,
        "text": watch.text,
        "language": watch.language,
        "external_id": watch.external_id,
        "created_at": watch.created_at,
        "matches": [
            {"claim": claim_ref(m.claim, urls), "score": m.score, "matched_at": m.matched_at}
            for m in watch.matches.all()
        ],
    }


# --- The dataset -------------------------------------------------------------------------------


class LicenseSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("The licence, e.g. CC BY 4.0."))
    url = serializers.URLField(help_text=_("Its text."))


class DatasetFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("The file name."))
    format = serializers.ChoiceField(
        choices=[("jsonl", "JSON Lines"), ("csv", "CSV")],
        help_text=_("`jsonl`: one check per line (the API's claim detail, its ClaimReview, the licence); `csv`."),
    )
    media_type = serializers.CharField(help_text=_("Its Content-Type."))
    size = serializers.IntegerField(help_text=_("Its size in bytes."))
    sha256 = serializers.CharField(help_text=_("Its SHA-256, in hex: check the download against it."))
    url = serializers.URLField(help_text=_("Where to download it."))


class DatasetSerializer(serializers.Serializer):
    version = serializers.CharField(help_text=_("The build date, e.g. 2026-11-24 (2026-11-24.2 for a second build)."))
    created_at = serializers.DateTimeField(help_text=_("When it was built."))
    items = serializers.IntegerField(help_text=_("How many published checks it holds."))
    license = LicenseSerializer(help_text=_("The licence of every file."))
    files = DatasetFileSerializer(many=True, help_text=_("Its files."))
    checksums_url = serializers.URLField(help_text=_("SHA256SUMS, for `sha256sum -c`."))


def dataset_data(version, request):
    def url(name):
        return request.build_absolute_uri(
            reverse("partners:dataset_file", kwargs={"version": version.version, "name": name})
        )

    return {
        "version": version.version,
        "created_at": version.created_at,
        "items": version.items,
        "license": {"name": version.license_name, "url": version.license_url},
        "files": [{**f, "media_type": dataset.MEDIA_TYPES[f["format"]], "url": url(f["name"])} for f in version.files],
        "checksums_url": url("SHA256SUMS"),
    }
