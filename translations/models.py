from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.models import Claim
from sources.text import CleanTextModel


def language_choices():
    return list(settings.LANGUAGES)


class ClaimTranslation(CleanTextModel, models.Model):
    """The desk's working copy of a check's translation into one language. Readers never see it:
    publishing copies it into a PublishedTranslation (translations.services.translation_publish)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="translations", verbose_name=_("claim"))
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=language_choices,
        help_text=_("The language of this translation: another than the check's own."),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("The headline, translated."))
    text = models.TextField(_("statement"), help_text=_("The claim as it was made, translated."))
    claim_reviewed = models.CharField(
        _("claim in short"),
        max_length=75,
        blank=True,
        help_text=_("At most 75 characters (ClaimReview claimReviewed). Empty: the translated title, shortened."),
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=400, help_text=_("The verdict's one-sentence conclusion, translated.")
    )
    analysis = models.TextField(_("analysis"), blank=True, help_text=_("Markdown. The verdict's analysis, translated."))
    evidence_notes = models.JSONField(
        _("evidence notes"),
        default=dict,
        blank=True,
        help_text=_("The note of each evidence item, translated: {evidence id: note}."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("translator"),
    )
    # The two-person rule: everyone who changed the translation since its last publication. None of
    # them may publish it (translations.services).
    changers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("changed since publication"),
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Edit locking: every save through the services bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "language"]
        verbose_name = _("translation")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "language"],
                name="translation_unique_claim_language",
                violation_error_message=_("This check already has a translation into this language."),
            ),
        ]

    def __str__(self):
        return f"{self.claim} [{self.language}]"


class PublishedTranslation(models.Model):
    """What readers see of a translation: the exact words a second person approved, written by
    translation_publish and replaced only by the next approved publication. Public pages, the API,
    feeds and search read these rows, never the working copy."""

    translation = models.OneToOneField(
        ClaimTranslation, on_delete=models.CASCADE, related_name="published", verbose_name=_("translation")
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="published_translations", verbose_name=_("claim")
    )
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("statement"))
    claim_reviewed = models.CharField(_("claim in short"), max_length=75, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=400)
    analysis = models.TextField(_("analysis"), blank=True)
    evidence_notes = models.JSONField(_("evidence notes"), default=dict)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("translator")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    published_at = models.DateTimeField(_("first published"))
    updated_at = models.DateTimeField(_("last published"))
    number = models.PositiveIntegerField(_("publication"), default=1)
    # Title, statement and conclusion in lower case, for search and matching (translations.search).
    search_text = models.TextField(editable=False, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "language"]
        verbose_name = _("published translation")
        constraints = [
            models.UniqueConstraint(fields=["claim", "language"], name="published_translation_unique_claim_language"),
            models.CheckConstraint(condition=~Q(reviewer=F("translator")), name="published_translation_second_person"),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"
