import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims import colours
from sources.models import Source
from sources.text import CleanTextModel

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))
wikidata_id = RegexValidator(r"^Q[1-9][0-9]*$", _("Enter a Wikidata item id such as Q7747."))


class Claimant(CleanTextModel, models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organisation")

    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=Kind.choices,
        default=Kind.PERSON,
        help_text=_("ClaimReview types the claim's author as a Person or an Organization by this."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    role = models.CharField(_("role or title"), max_length=200, blank=True, help_text=_("E.g. “President of Russia”."))
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[wikidata_id],
        help_text=_("E.g. Q7747. Used for sameAs in ClaimReview markup."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Edit locking: every save through the services bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:claimant_detail", kwargs={"slug": self.slug})

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class Topic(CleanTextModel, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown on the home page."))
    # Edit locking: every save through the services bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("claims:topic_detail", kwargs={"slug": self.slug})


class Rating(CleanTextModel, models.Model):
    """One label of an editorial scale. Ratings are data: editors may rename, recolour or add them."""

    class Scale(models.TextChoices):
        VERACITY = "veracity", _("Veracity")
        PLEDGE = "pledge", _("Pledge status")

    scale = models.CharField(_("scale"), max_length=16, choices=Scale.choices)
    label = models.CharField(_("label"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    description = models.TextField(
        _("description"), help_text=_("What the rating means; readers see it on the methodology page.")
    )
    colour = models.CharField(
        _("colour"), max_length=7, validators=[hex_colour], help_text=_("#rrggbb; the badge also shows the label.")
    )
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal value"),
        null=True,
        blank=True,
        help_text=_(
            "Position on the scale for ClaimReview ratingValue (higher is truer). Empty for labels off the scale."
        ),
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_judgement = models.BooleanField(
        _("a judgement"),
        default=True,
        help_text=_(
            "Off for a label that records no judgement yet, such as “Not yet rated”: the ClaimReview markup "
            "of a claim with it carries no reviewRating."
        ),
    )
    # Edit locking: every save through the services bumps it; a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scale", "position", "label"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="rating_unique_label_per_scale"),
            models.UniqueConstraint(fields=["scale", "ordinal"], name="rating_unique_ordinal_per_scale"),
            models.CheckConstraint(
                condition=Q(ordinal__isnull=True) | Q(ordinal__gte=1), name="rating_ordinal_positive"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_scale_display()})"

    def clean(self):
        # Readers tell ratings apart by colour at a glance, across both scales (the label is always
        # shown too): a colour close to another rating's is refused. One query.
        super().clean()
        if not hex_colour.regex.match(self.colour or ""):
            return
        for other in Rating.objects.exclude(pk=self.pk).only("label", "scale", "colour"):
            if colours.delta_e(self.colour, other.colour) < colours.DISTINCT_DELTA_E:
                raise ValidationError(
                    {
                        "colour": _(
                            "This colour is too close to the colour of “%(other)s”; choose one readers can tell apart."
                        )
                        % {"other": other}
                    }
                )


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims readers may see in lists, counts, search, feeds and the API."""
        return self.filter(verdict__status=Verdict.Status.PUBLISHED)

    def public(self):
        """Published claims plus retracted ones, whose pages stay reachable to say so."""
        return self.filter(verdict__status__in=Verdict.PUBLIC_STATUSES)


class Claim(CleanTextModel, models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Factual statement")
        PLEDGE = "pledge", _("Pledge")

    title = models.CharField(_("title"), max_length=200, help_text=_("A short headline for lists and search results."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    text = models.TextField(_("statement"), help_text=_("The claim as it was made, quoted or closely paraphrased."))
    claim_reviewed = models.CharField(
        _("claim in short"),
        max_length=75,
        blank=True,
        help_text=_(
            "At most 75 characters, as search engines show fact-checks (ClaimReview claimReviewed). Empty: the "
            "title, shortened. The full statement stays in the statement field."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STATEMENT)
    claimant = models.ForeignKey(
        Claimant, on_delete=models.PROTECT, null=True, blank=True, related_name="claims", verbose_name=_("claimant")
    )
    unattributed = models.BooleanField(
        _("unattributed"), default=False, help_text=_("Tick when nobody can be named as the claim's author.")
    )
    made_on = models.DateField(_("date made"), null=True, blank=True)
    made_at = models.CharField(
        _("where made"),
        max_length=300,
        blank=True,
        help_text=_("E.g. “address at the Russian Foreign Ministry, Moscow”."),
    )
    language = models.CharField(
        _("language"), max_length=16, default="en", help_text=_("BCP 47 code of the claim's language.")
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims", verbose_name=_("topics"))
    # Claimant name and verdict conclusion, copied here by the services so that one stored search
    # vector (see the search migration) covers them without a join.
    search_extra = models.TextField(blank=True, editable=False)
    # Also copied by the services, each for its own weight in the search vector (claims/search.py):
    # the names of the claim's topics (as strong as the title) and the verdict's analysis (weakest).
    search_topics = models.TextField(blank=True, editable=False)
    search_analysis = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # The two-person rule, per reviewable unit (the claim, its appearances, its verdict and evidence):
    # the hash of the unit as last saved through the services, and everyone who changed it since its
    # last publication. None of them may publish it (claims.services).
    revision_hash = models.CharField(max_length=64, blank=True, editable=False)
    changers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("changed since publication"),
    )
    # Search copies are derived from other rows, so history keeps none of them but the original one.
    history = HistoricalRecords(excluded_fields=["search_topics", "search_analysis"])

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-made_on", "-created_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(claimant__isnull=False) & Q(unattributed=True)),
                name="claim_claimant_or_unattributed_not_both",
                violation_error_message=_("A claim with a claimant cannot also be marked unattributed."),
            ),
        ]
        indexes = [models.Index(fields=["claimant", "-made_on"], name="claim_claimant_made_on")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("claims:claim_detail", kwargs={"slug": self.slug})

    @property
    def rating_scale(self):
        return Rating.Scale.PLEDGE if self.kind == self.Kind.PLEDGE else Rating.Scale.VERACITY


class Appearance(CleanTextModel, models.Model):
    """One sighting of a claim in a source: how claims are tracked as they are repeated."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances", verbose_name=_("claim"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="appearances", verbose_name=_("source"))
    quote = models.TextField(_("quote"), help_text=_("The claim's words as they appear in this source."))
    seen_on = models.DateField(_("date seen"), help_text=_("When the claim appeared in this source."))
    is_first = models.BooleanField(_("first appearance"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["seen_on", "pk"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="appearance_unique_claim_source",
                violation_error_message=_("This claim already has an appearance in this source."),
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(is_first=True),
                name="appearance_one_first_per_claim",
                violation_error_message=_("Only one appearance can be the first."),
            ),
        ]

    def __str__(self):
        return f"{self.claim} — {self.source}"


class VerdictQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Verdict.Status.PUBLISHED)


class Verdict(CleanTextModel, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        RETRACTED = "retracted", _("Retracted")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="verdict", verbose_name=_("claim"))
    rating = models.ForeignKey(
        Rating,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdicts",
        verbose_name=_("rating"),
        help_text=_("From the veracity scale for statements, the pledge scale for pledges."),
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=400, blank=True, help_text=_("One sentence readers see first.")
    )
    analysis = models.TextField(
        _("analysis"), blank=True, help_text=_("Markdown. Explain how the evidence settles the claim.")
    )
    sources = models.ManyToManyField(Source, through="Evidence", related_name="+", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written", verbose_name=_("author")
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last edited by"),
        help_text=_("Who last changed the rating, conclusion or analysis: they may not publish it either."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdicts_reviewed",
        verbose_name=_("reviewer"),
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("sent back"), null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("sent back by"),
    )
    return_comment = models.TextField(_("why it was sent back"), blank=True, editable=False)
    # Scheduled publication: the revision a reviewer approved, to go public at scheduled_at (a task
    # of the queue publishes it then, only if that revision is still the current one).
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, editable=False)
    scheduled_revision = models.CharField(max_length=64, blank=True, editable=False)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("scheduled by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False, db_index=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True, editable=False)
    retraction_note = models.TextField(_("retraction note"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Optimistic locking: every write through the services bumps it; a save based on an older
    # version is refused instead of silently overwriting another editor's work.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        permissions = [("publish_verdict", _("Can publish and retract verdicts"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["published", "retracted"], published_at__isnull=False)
                | (~Q(status__in=["published", "retracted"]) & Q(published_at__isnull=True)),
                name="verdict_published_at_iff_published",
            ),
            models.CheckConstraint(
                condition=Q(status="retracted", retracted_at__isnull=False)
                | (~Q(status="retracted") & Q(retracted_at__isnull=True)),
                name="verdict_retracted_at_iff_retracted",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "retracted"])
                | (Q(reviewer__isnull=False) & ~Q(reviewer=F("author"))),
                name="verdict_reviewer_not_author_when_published",
            ),
            models.CheckConstraint(
                condition=Q(scheduled_at__isnull=True) | (Q(status="in_review") & ~Q(scheduled_revision="")),
                name="verdict_scheduled_only_in_review_with_a_revision",
            ),
        ]
        indexes = [
            # The newest-first lists of published verdicts (home, /claims/, API, feeds) walk this.
            models.Index(
                models.F("published_at").desc(),
                models.F("claim").desc(),
                condition=Q(status="published"),
                name="verdict_published_newest",
            ),
        ]

    def __str__(self):
        return str(self.claim)

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES


class Evidence(CleanTextModel, models.Model):
    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("verdict"))
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("source"))
    note = models.TextField(_("note"), help_text=_("What this source shows about the claim."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["verdict", "source"],
                name="evidence_unique_verdict_source",
                violation_error_message=_("This source is already cited as evidence."),
            ),
        ]

    def __str__(self):
        return f"{self.source} for {self.verdict}"


class Correction(CleanTextModel, models.Model):
    """A public record of a change to a published verdict, shown on the claim page and in the
    site-wide corrections log."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")
        RATING_CHANGE = "rating_change", _("Rating change")
        PLEDGE_STATUS = "pledge_status", _("Pledge status change")
        RETRACTION = "retraction", _("Retraction")
        REINSTATEMENT = "reinstatement", _("Reinstatement")

    verdict = models.ForeignKey(
        Verdict, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("verdict")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("note"), help_text=_("Public explanation of what changed and why."))
    old_rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("old rating")
    )
    new_rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("new rating")
    )
    old_conclusion = models.CharField(_("old conclusion"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("date"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="correction_note_required"),
            models.CheckConstraint(
                condition=~Q(kind__in=["rating_change", "pledge_status"])
                | (Q(old_rating__isnull=False) & Q(new_rating__isnull=False) & ~Q(old_rating=F("new_rating"))),
                name="correction_rating_change_has_both_ratings",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.verdict}"


class Revision(models.Model):
    """An approved revision of a reviewable unit, exactly as the second person saw it: written when a
    verdict is first published and each time an approved change or a reinstatement goes public."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("claim"))
    number = models.PositiveIntegerField(_("number"))
    unit = models.JSONField(_("content"), help_text=_("The claim, appearances, verdict and evidence as approved."))
    unit_hash = models.CharField(_("revision"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16)
    note = models.TextField(_("public note"), blank=True)
    changed_by = models.JSONField(_("changed by (user ids)"), default=list)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    created_at = models.DateTimeField(_("date"))

    class Meta:
        ordering = ["claim", "-number"]
        verbose_name = _("published revision")
        verbose_name_plural = _("published revisions")
        constraints = [models.UniqueConstraint(fields=["claim", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.claim} — r{self.number}"


class PendingChange(CleanTextModel, models.Model):
    """A proposed change to a public unit: readers keep seeing the published revision until a second
    person approves this one (claims.services.change_approve)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUPERSEDED = "superseded", _("Out of date")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="pending_changes", verbose_name=_("claim"))
    kind = models.CharField(_("kind of change"), max_length=16, choices=Correction.Kind.choices)
    note = models.TextField(_("public note"), help_text=_("What readers are told changed and why."))
    unit = models.JSONField(_("proposed content"))
    unit_hash = models.CharField(_("proposed revision"), max_length=64)
    base_hash = models.CharField(_("based on revision"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reviewer's comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status="pending"),
                name="pending_change_one_open_per_claim",
                violation_error_message=_("This fact-check already has a change waiting for review."),
            ),
            models.CheckConstraint(condition=~Q(note=""), name="pending_change_note_required"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.claim}"


class GeneratedRange(models.Model):
    """Rows written by `generatebench`, as id ranges per table: how it finds, and only ever touches,
    what it made (never a real claim whose slug happens to look generated)."""

    table = models.CharField(max_length=100)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["table", "first_id"]
        verbose_name = _("generated rows")
        verbose_name_plural = _("generated rows")

    def __str__(self):
        return f"{self.table} {self.first_id}–{self.last_id}"


class ContentVersion(models.Model):
    """A single row whose number every publish, correction and retraction bumps, in the same
    transaction. Public caches key on it, so a change is never served stale."""

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="content_version_single_row")]

    def __str__(self):
        return f"v{self.number}"


class APIKey(models.Model):
    """A partner's API key. Only a SHA-256 hash is stored; the key itself is shown once."""

    PREFIX_LENGTH = 8

    name = models.CharField(_("partner"), max_length=200, help_text=_("Who the key is for, e.g. “Example Newsroom”."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_key):
        return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()

    @classmethod
    def generate(cls):
        """Return (prefix, raw_key): the raw key is for the partner and is never stored."""
        prefix = secrets.token_hex(cls.PREFIX_LENGTH // 2)
        return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"

    @property
    def is_active(self):
        return self.revoked_at is None


def validate_rating_fits_claim(rating, claim):
    if rating is not None and claim is not None and rating.scale != claim.rating_scale:
        raise ValidationError(
            {
                "rating": _("A %(kind)s takes a rating from the %(scale)s scale.")
                % {"kind": claim.get_kind_display().lower(), "scale": Rating.Scale(claim.rating_scale).label.lower()}
            }
        )
