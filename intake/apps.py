from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Article intake: pasted, uploaded or fetched articles become sources, their sentences are
    ranked for check-worthiness and turned into draft claims. Above claims and sources: it imports
    them, never the reverse."""

    name = "intake"
    verbose_name = _("Article intake")
