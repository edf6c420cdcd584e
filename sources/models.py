import hashlib
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.text import CleanTextModel


def normalize_url(url):
    """The form under which two URLs count as the same source: lower-case scheme and host, no
    default port, no fragment, no trailing slash on the path."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


class Publisher(CleanTextModel, models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("As readers know it, e.g. “Reuters”."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    domain = models.CharField(
        _("domain"), max_length=253, blank=True, help_text=_("Web domain without scheme, e.g. reuters.com.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Edit locking, as on every editable model: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        constraints = [
            models.UniqueConstraint(fields=["domain"], condition=~Q(domain=""), name="publisher_unique_domain"),
        ]

    def __str__(self):
        return self.name


class Source(CleanTextModel, models.Model):
    class Kind(models.TextChoices):
        NEWS_ARTICLE = "news_article", _("News article")
        OFFICIAL_STATEMENT = "official_statement", _("Official statement")
        TRANSCRIPT = "transcript", _("Transcript")
        DATASET = "dataset", _("Dataset")
        SOCIAL_POST = "social_post", _("Social media post")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    title = models.CharField(_("title"), max_length=500)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.NEWS_ARTICLE)
    url = models.URLField(
        _("URL"), max_length=2000, blank=True, help_text=_("Leave empty when the source has no known address.")
    )
    normalized_url = models.CharField(max_length=2000, blank=True, editable=False, db_index=False)
    publisher = models.ForeignKey(
        Publisher, on_delete=models.PROTECT, null=True, blank=True, related_name="sources", verbose_name=_("publisher")
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=16, default="en", help_text=_("BCP 47 code, e.g. en, uk, ru.")
    )
    archive_url = models.URLField(
        _("archive URL"), max_length=2000, blank=True, help_text=_("A permanent copy, e.g. in a web archive.")
    )
    snapshot_text = models.TextField(
        _("captured text"),
        blank=True,
        help_text=_("The text of the source as captured, so the evidence survives link rot."),
    )
    snapshot_sha256 = models.CharField(_("snapshot SHA-256"), max_length=64, blank=True, editable=False)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_url"],
                condition=~Q(normalized_url=""),
                name="source_unique_normalized_url",
                violation_error_message=_("A source with this URL is already recorded."),
            ),
            models.CheckConstraint(
                condition=(Q(snapshot_sha256="") & Q(captured_at__isnull=True))
                | (~Q(snapshot_sha256="") & Q(captured_at__isnull=False)),
                name="source_snapshot_hash_with_capture_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A derived value, kept here so that no entry point can store a URL un-normalised and slip
        # past the uniqueness constraint.
        self.normalized_url = normalize_url(self.url)
        super().save(*args, **kwargs)

    def clean(self):
        self.normalized_url = normalize_url(self.url)
        if self.normalized_url:
            clash = Source.objects.filter(normalized_url=self.normalized_url).exclude(pk=self.pk).first()
            if clash:
                raise ValidationError(
                    {"url": _("This URL is already recorded as the source “%(title)s”.") % {"title": clash.title}}
                )

    def validate_constraints(self, exclude=None):
        # clean() already reports a duplicate URL on the url field, naming the existing source.
        super().validate_constraints(exclude={*(exclude or ()), "normalized_url"})

    def capture(self, text, *, at=None):
        """Record a text snapshot with its hash; an empty text clears the snapshot."""
        self.snapshot_text = text
        if text:
            self.snapshot_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
            self.captured_at = at or timezone.now()
        else:
            self.snapshot_sha256 = ""
            self.captured_at = None
