from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.text import CleanTextModel

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Enter an ISO 4217 code such as EUR or USD."))


class StaffProfile(CleanTextModel, models.Model):
    """A staff member as readers see them. Bylines always show the public name (the IFCN code asks
    who checked a claim); the profile page exists only while its owner has opted in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("account")
    )
    display_name = models.CharField(
        _("public name"),
        max_length=100,
        help_text=_("The name readers see in the bylines of the fact-checks you wrote or reviewed."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("The address of your public page."))
    job_title = models.CharField(_("job title"), max_length=100, blank=True, help_text=_("E.g. “Senior fact-checker”."))
    bio = models.TextField(_("biography"), blank=True, help_text=_("A few sentences: your background and beats."))
    public_page = models.BooleanField(
        _("publish my profile page"),
        default=False,
        help_text=_(
            "Tick to publish a page with your public name, job title, biography and the fact-checks you wrote or "
            "reviewed, linked from your bylines and listed on the About page."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Edit locking, as on every editable model: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("public staff profile")
        verbose_name_plural = _("public staff profiles")
        constraints = [models.CheckConstraint(condition=~Q(display_name=""), name="staff_profile_name_required")]

    def __str__(self):
        return self.display_name


def public_name(user):
    """The name readers see for a staff account: its profile's public name, else the account's full
    name. Never the username, which is a login credential. Expects `staff_profile` joined."""
    if not user:  # None, or "" from a template (an unsaved draft verdict has no author yet)
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        return profile.display_name
    return user.get_full_name().strip()


def public_profile(user):
    """The user's profile when its page is published, else None. No query when joined."""
    profile = getattr(user, "staff_profile", None) if user else None
    return profile if profile is not None and profile.public_page else None


class FundingSource(CleanTextModel, models.Model):
    """One funder's contribution in one year, as the About page lists it (the EFCSN standards ask for
    every source of income above a small share, with amounts)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        DONATIONS = "donations", _("Reader donations")
        MEMBERSHIP = "membership", _("Memberships")
        PLATFORM = "platform", _("Platform fact-checking programme")
        SERVICES = "services", _("Services and training")
        OWN = "own", _("Own funds")
        OTHER = "other", _("Other")

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990)])
    funder = models.CharField(_("funder"), max_length=200, help_text=_("As readers know them."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GRANT)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[currency_code])
    purpose = models.CharField(_("what it pays for"), max_length=300, blank=True)
    url = models.URLField(_("funder's website"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-amount", "funder"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(fields=["year", "funder", "kind"], name="funding_unique_funder_kind_per_year"),
        ]

    def __str__(self):
        return f"{self.funder} ({self.year})"


class OrganisationText(CleanTextModel, models.Model):
    """An editorial text of the public pages, maintained in the admin (Markdown): who we are, who
    owns us, how we are funded, how we check, how we correct."""

    class Kind(models.TextChoices):
        WHO_WE_ARE = "who_we_are", _("Who we are")
        OWNERSHIP = "ownership", _("Ownership and governance")
        FUNDING = "funding", _("How we are funded")
        METHODOLOGY = "methodology", _("Our process")
        CORRECTIONS_POLICY = "corrections_policy", _("Corrections policy")

    kind = models.CharField(_("section"), max_length=32, choices=Kind.choices, unique=True)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown. Readers see it on the About or methodology page; an empty section is not shown."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("organisation text")
        verbose_name_plural = _("organisation texts")

    def __str__(self):
        return self.get_kind_display()
