"""OpenAPI generation: every operation documents the errors it can answer with, in the one shape
claims/api/exceptions.py gives them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from claims.api.filters import not_empty


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in a sentence."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For invalid parameters: the messages for each parameter, by name."),
    )


ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer, description=_("A parameter is not valid or is empty; `errors` says which and why.")
    ),
    401: OpenApiResponse(ErrorSerializer, description=_("The API key sent is unknown, empty or revoked.")),
    429: OpenApiResponse(
        ErrorSerializer, description=_("Too many requests; the Retry-After header says how many seconds to wait.")
    ),
}


class APIAutoSchema(AutoSchema):
    def get_override_parameters(self):
        params = super().get_override_parameters()
        if "{slug}" in self.path:
            description = _("The item's slug, as given by the `slug` field in lists.")
            params = [
                *params,
                OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=description),
            ]
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if "200" in responses and not responses["200"].get("description"):
            responses["200"]["description"] = str(_("The requested data."))
        for code, response in ERRORS.items():
            if str(code) in responses or (code == 400 and not self._has_query_parameters()):
                continue
            responses[str(code)] = self._get_response_for_code(response, str(code), direction=direction)
        return responses

    def _has_query_parameters(self):
        view = self.view
        if getattr(view, "validates_query_parameters", False):
            return True
        return self._is_list_view() and bool(view.pagination_class or view.filter_backends)


class DescribedDjangoFilterExtension(DjangoFilterExtension):
    """drf-spectacular drops a filter's help_text when the filter's type is declared with
    extend_schema_field (our slug and date filters); put it back. A free-text filter cannot be
    empty (claims.api.filters.FilterBackend): say so with minLength."""

    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        params = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        filterset = getattr(auto_schema.view, "filterset_class", None)
        filters = filterset.base_filters if filterset else {}
        for param in params:
            help_text = filters[param["name"]].extra.get("help_text") if param["name"] in filters else None
            if help_text and not param.get("description"):
                param["description"] = str(help_text)
            not_empty(param["schema"])
        return params
