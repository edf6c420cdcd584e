"""What partners hold with us beyond their API key (claims.APIKey): webhook endpoints and the log of
what was sent to them, watches ("tell me when this is checked"), and the versions of the bulk
dataset. The rules live in partners.services; delivery in partners.delivery."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import APIKey, Claim
from sources.text import CleanTextModel


class EventType(models.TextChoices):
    VERDICT_PUBLISHED = "verdict.published", _("A verdict was published (or reinstated)")
    VERDICT_CORRECTED = "verdict.corrected", _("A published verdict was corrected (an error or a rating)")
    VERDICT_UPDATED = "verdict.updated", _("A published verdict was clarified or updated")
    VERDICT_RETRACTED = "verdict.retracted", _("A published verdict was retracted")
    WATCH_MATCHED = "watch.matched", _("A newly published check matches one of your watches")


class Endpoint(models.Model):
    """A partner's webhook receiver. The secret signs every delivery (Standard Webhooks); after a
    rotation the previous one signs too until `previous_secret_expires_at`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(
        APIKey,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("partner"),
        help_text=_("The partner's API key: its contact email is told when the endpoint is disabled."),
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("http or https; it must resolve to a public address (no private, loopback or link-local ones)."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, help_text=_("The event types sent to this endpoint."))
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True, editable=False)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One worker delivers to an endpoint at a time (in order): it holds this lease while it does.
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The time of the retry job already queued, so that waiting deliveries queue one job, not one each.
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["key", "created_at", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(enabled=True, disabled_at__isnull=True) | Q(enabled=False, disabled_at__isnull=False),
                name="endpoint_disabled_at_iff_disabled",
            ),
        ]

    def __str__(self):
        return self.url


class Event(models.Model):
    """One webhook message: its body is built once, when the event happens, and every delivery and
    retry sends exactly these bytes under the same `webhook-id`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("event"), max_length=32, choices=EventType.choices)
    payload = models.TextField(_("body"), help_text=_("The JSON body, exactly as signed and sent."))
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("claim")
    )
    # A watch.matched event is for the watch's partner only; null: every subscribed endpoint.
    key = models.ForeignKey(
        APIKey, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self):
        return f"{self.type} {self.webhook_id}"

    @property
    def webhook_id(self):
        return f"msg_{self.public_id.hex}"


class Delivery(models.Model):
    """An event on its way to one endpoint: pending until the endpoint answers 2xx (delivered) or
    every retry failed (failed)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event"))
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_one_per_event_and_endpoint"),
            models.CheckConstraint(
                condition=Q(status="pending", next_attempt_at__isnull=False)
                | (~Q(status="pending") & Q(next_attempt_at__isnull=True)),
                name="delivery_next_attempt_iff_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="delivered", delivered_at__isnull=False)
                | (~Q(status="delivered") & Q(delivered_at__isnull=True)),
                name="delivery_delivered_at_iff_delivered",
            ),
        ]
        indexes = [models.Index(fields=["endpoint", "status"], name="delivery_endpoint_status")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One request to an endpoint and what came back: the delivery log partners and staff read."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("delivery"))
    attempted_at = models.DateTimeField(_("attempted"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300


class Watch(CleanTextModel, models.Model):
    """ "Tell me when this is checked": a partner's text, matched against each newly published check."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.ForeignKey(APIKey, on_delete=models.CASCADE, related_name="watches", verbose_name=_("partner"))
    text = models.TextField(_("text"), help_text=_("The claim the partner wants to hear about, in their words."))
    language = models.CharField(
        _("language"), max_length=16, blank=True, help_text=_("BCP 47 code; when set, only checks in this language.")
    )
    external_id = models.CharField(
        _("external id"), max_length=200, blank=True, help_text=_("The partner's own reference, unique per partner.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "external_id"], condition=~Q(external_id=""), name="watch_unique_external_id_per_key"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class WatchMatch(models.Model):
    """A published check that matched a watch: recorded once, when watch.matched is sent."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="matches", verbose_name=_("watch"))
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+", verbose_name=_("claim"))
    score = models.FloatField(_("score"))
    matched_at = models.DateTimeField(_("matched"))

    class Meta:
        ordering = ["matched_at", "pk"]
        verbose_name = _("watch match")
        verbose_name_plural = _("watch matches")
        constraints = [models.UniqueConstraint(fields=["watch", "claim"], name="watch_match_once_per_claim")]

    def __str__(self):
        return f"{self.watch} → {self.claim}"


class DatasetVersion(models.Model):
    """One build of the bulk dataset: its files, their sizes and SHA-256, and the licence."""

    version = models.CharField(
        _("version"), max_length=20, unique=True, help_text=_("The build date, e.g. 2026-11-24.")
    )
    created_at = models.DateTimeField(_("built"))
    items = models.PositiveIntegerField(_("checks"))
    license_name = models.CharField(_("licence"), max_length=100)
    license_url = models.URLField(_("licence URL"), max_length=300)
    files = models.JSONField(_("files"), default=list, help_text=_("[{name, format, size, sha256}]"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")

    def __str__(self):
        return self.version

    def file(self, fmt):
        return next((f for f in self.files if f["format"] == fmt), None)


class DatasetSchedule(models.Model):
    """A single row: when the next debounced build of the dataset is due (null: none is queued)."""

    build_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dataset schedule")
        verbose_name_plural = _("dataset schedules")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="dataset_schedule_single_row")]

    def __str__(self):
        return f"next build {self.build_due_at or '—'}"
