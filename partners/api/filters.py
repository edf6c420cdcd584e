import django_filters
from django.utils.translation import gettext_lazy as _

from partners.models import Watch


class WatchFilter(django_filters.FilterSet):
    external_id = django_filters.CharFilter(help_text=_("Only your watch with this external_id."))

    class Meta:
        model = Watch
        fields = []
