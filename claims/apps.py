from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    """Public material changes only through claims.services, which raise the content version (the
    page cache's key) themselves: no signal second-guesses them."""

    name = "claims"
    verbose_name = _("Claims and verdicts")
