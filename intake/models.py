from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Claimant
from sources.models import Source
from sources.text import CleanTextModel


class IntakeQuerySet(models.QuerySet):
    def for_list(self):
        """What the intake list shows, in one query: the source, who imported it and how many
        sentences are suggested and turned into claims."""
        return self.select_related("source", "created_by").annotate(
            suggested_count=models.Count("sentences", filter=Q(sentences__suggested=True)),
            converted_count=models.Count("sentences", filter=Q(sentences__claim__isnull=False)),
        )


class Intake(CleanTextModel, models.Model):
    """An article brought in by an editor (pasted, uploaded or fetched from a URL): the source it
    became and its sentences ranked for check-worthiness."""

    class Method(models.TextChoices):
        PASTE = "paste", _("Pasted text")
        UPLOAD = "upload", _("Uploaded file")
        URL = "url", _("Fetched from a URL")
        COMMAND = "command", _("Imported by command")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be fetched")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.READY)
    url = models.URLField(_("URL"), max_length=2000, blank=True, help_text=_("The address the editor gave."))
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("source"),
        help_text=_("The source the article became (an existing one when the same text was imported before)."),
    )
    reused_source = models.BooleanField(
        _("existing source"), default=False, help_text=_("The same text was already recorded as this source.")
    )
    error = models.TextField(_("why it failed"), blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True, help_text=_("What the editor is told about it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("article intake")
        verbose_name_plural = _("article intakes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="ready") & Q(source__isnull=False)) | (~Q(status="ready") & Q(source__isnull=True)),
                name="intake_source_iff_ready",
            ),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(error=""), name="intake_failure_has_a_reason"),
            models.CheckConstraint(condition=~Q(method="url") | ~Q(url=""), name="intake_url_method_has_a_url"),
        ]

    def __str__(self):
        if self.source_id:
            return str(self.source)
        return self.url or self.filename or _("Article intake %(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return reverse("admin:intake_intake_change", args=[self.pk])


class Sentence(CleanTextModel, models.Model):
    """One sentence of an intake's text, with its check-worthiness and the claim made from it."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Factual statement")
        PLEDGE = "pledge", _("Pledge")

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="sentences", verbose_name=_("intake"))
    position = models.PositiveIntegerField(_("position"), help_text=_("Order in the text, from 1."))
    paragraph = models.PositiveIntegerField(_("paragraph"), default=0, help_text=_("Its paragraph, from 0."))
    text = models.TextField(_("sentence"))
    score = models.FloatField(_("check-worthiness"), help_text=_("0 to 1: how likely it holds a checkable claim."))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    suggested = models.BooleanField(_("suggested"), default=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATEMENT)
    speaker = models.CharField(
        _("credited to"), max_length=300, blank=True, help_text=_("Who the text says made the statement.")
    )
    claimant = models.ForeignKey(
        Claimant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("likely claimant"),
    )
    claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claim made from it"),
    )

    class Meta:
        ordering = ["intake", "position"]
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        constraints = [
            models.UniqueConstraint(fields=["intake", "position"], name="sentence_unique_position"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="sentence_score_between_0_and_1"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def percent(self):
        return round(self.score * 100)

    # Lower bounds of the highlight's bands 1-4 (a CSS class each: no inline style). Band 2 starts
    # where suggestions do (services.SUGGEST_AT).
    BANDS = (0.3, 0.5, 0.65, 0.8)

    @property
    def band(self):
        return sum(1 for bound in self.BANDS if self.score >= bound)

    @property
    def summary(self):
        """The score and its reasons in one line (the highlight's tooltip)."""
        reasons = "; ".join(r["label"] + (f" ({r['detail']})" if r.get("detail") else "") for r in self.reasons)
        return f"{self.percent}%" + (f": {reasons}" if reasons else "")
