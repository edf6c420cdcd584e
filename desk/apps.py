from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The newsroom's desk: assignments, internal comments, reader tips and notifications. Above
    claims: it listens to claims.events and never the reverse."""

    name = "desk"
    verbose_name = _("Desk")

    def ready(self):
        from desk import receivers  # noqa: F401 - connects the workflow event receivers
