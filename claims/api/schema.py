"""OpenAPI generation: every operation documents the errors it can answer with, in the one shape
claims/api/exceptions.py gives them."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in a sentence."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("For invalid parameters: the messages for each parameter, by name."),
    )


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("A parameter is not valid; `errors` says which and why.")),
    401: OpenApiResponse(ErrorSerializer, description=_("The API key sent is unknown, empty or revoked.")),
    429: OpenApiResponse(
        ErrorSerializer, description=_("Too many requests; the Retry-After header says how many seconds to wait.")
    ),
}


class APIAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
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
