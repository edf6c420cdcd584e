from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The newsroom's desk: assignments, internal comments, reader tips and notifications. Above
    claims: it listens to claims.events and never the reverse."""

    name = "desk"
    verbose_name = _("Desk")

    def ready(self):
        from desk import receivers  # noqa: F401 - connects the workflow event receivers


class DeskAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the desk as its front page (desk.sites.DeskAdminSite); listed in
    INSTALLED_APPS in its place."""

    default = False  # "desk" in INSTALLED_APPS still means DeskConfig
    default_site = "desk.sites.DeskAdminSite"
