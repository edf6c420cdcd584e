from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partners: signed webhooks, watches ("tell me when this is checked") and the bulk dataset.
    Above claims: it listens to claims.events and never the reverse."""

    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from partners import receivers  # noqa: F401 - connects the workflow event receivers
