"""The sources endpoints, without deciding which sources are public: that depends on the claims
that cite them, which this app knows nothing of. The project's API (claims/api/views.py) subclasses
SourceViewSetBase and supplies visible_sources()."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sources.api.serializers import source_data
from sources.models import Source


class SourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, help_text=_("Only sources of this kind."))
    publisher = django_filters.CharFilter(
        field_name="publisher__slug", help_text=_("Only sources from the publisher with this slug.")
    )
    language = django_filters.CharFilter(help_text=_("Only sources in this language (BCP 47 code, e.g. en)."))

    class Meta:
        model = Source
        fields = ["kind", "publisher", "language"]


class SourceViewSetBase:
    """Mixed into a viewset by the project; see the module docstring."""

    filterset_class = SourceFilter
    ordering_fields = ("title", "updated_at")
    ordering = ("title",)

    def visible_sources(self):
        raise NotImplementedError("The project decides which sources are public.")

    def get_queryset(self):
        return self.visible_sources().select_related("publisher")

    def build_item(self, source, urls=None):
        return source_data(source)
