from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """Who we are, as readers see it: the staff's public names and profiles, who funds us, who owns
    us and the editorial texts (methodology, corrections policy). A low layer, like `sources`: it
    knows nothing of claims; `claims` shows these on its pages and saves them through its services
    (which keep public caches fresh)."""

    name = "organisation"
    verbose_name = _("Organisation and transparency")
