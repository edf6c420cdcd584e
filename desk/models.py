from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.models import Claim
from sources.text import CleanTextModel


class Assignment(models.Model):
    """Who works on a claim: the editor who writes it and the reviewer who checks it."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="assignment", verbose_name=_("claim"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="editing_assignments",
        verbose_name=_("editor"),
        help_text=_("Who writes the verdict."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewing_assignments",
        verbose_name=_("reviewer"),
        help_text=_("Who reviews and publishes it."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(editor__isnull=True) | Q(reviewer__isnull=True) | ~Q(editor=models.F("reviewer")),
                name="assignment_editor_is_not_the_reviewer",
                violation_error_message=_("The editor cannot also be the claim's reviewer."),
            )
        ]

    def __str__(self):
        return str(self.claim)


class Comment(CleanTextModel, models.Model):
    """The desk's internal thread on a claim: never public, never in the API."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SENT_BACK = "sent_back", _("Sent back")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="desk_comments", verbose_name=_("claim"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_body_required")]

    def __str__(self):
        return f"{self.author} on {self.claim}"


class Tip(CleanTextModel, models.Model):
    """A reader's suggestion of a claim to check. Never shown on a public page."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONVERTED = "converted", _("Turned into a claim")
        DISMISSED = "dismissed", _("Dismissed")

    text = models.TextField(_("claim"), max_length=2000)
    where_seen = models.CharField(_("where it was seen"), max_length=300, blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    email = models.EmailField(_("email for a reply"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    dismiss_reason = models.TextField(_("why it was dismissed"), blank=True)
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("claim made from it")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reader tip")
        verbose_name_plural = _("reader tips")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="tip_dismissal_has_a_reason",
            )
        ]

    def __str__(self):
        return self.text[:80]


class NotificationPreference(models.Model):
    """Which emails a member of staff receives; every kind is on until they turn it off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    assigned = models.BooleanField(_("work assigned to me"), default=True)
    submitted = models.BooleanField(_("a verdict I review is submitted"), default=True)
    returned = models.BooleanField(_("my verdict is sent back"), default=True)
    published = models.BooleanField(_("my verdict is published"), default=True)
    tip = models.BooleanField(_("a reader sends a tip (reviewers)"), default=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)
