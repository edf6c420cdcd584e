from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _admin_change_bumps_content_version(sender, instance, created, **kwargs):
    # Any change made in the admin (a topic renamed, a source's title fixed, a rating recoloured)
    # can show on public pages; bumping the version keeps the page cache from serving it stale.
    # The workflow services bump it themselves for changes made elsewhere.
    if created:
        from claims.services import content_version_bump

        content_version_bump()


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims and verdicts")

    def ready(self):
        from django.contrib.admin.models import LogEntry

        post_save.connect(_admin_change_bumps_content_version, sender=LogEntry, dispatch_uid="claims_admin_bump")
