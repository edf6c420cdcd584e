"""OpenAPI generation: every operation documents the errors it can answer with, in the one shape
claims/api/exceptions.py gives them; the rate-limit headers every answer carries; and, for the GETs
that answer conditionally (lists and details), If-None-Match, the ETag and the 304."""

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


NOT_MODIFIED = OpenApiResponse(description=_("Not modified: the ETag sent in If-None-Match is still current."))
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("The ETag of the copy you hold: if it is still current the answer is 304, without a body."),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200", "304"],
    description=_("Identifies this version of the answer; send it back in If-None-Match."),
)
RATE_LIMIT_HEADERS = [
    OpenApiParameter(
        "RateLimit-Policy",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=True,
        description=_('The limit that applies (IETF httpapi draft), e.g. `"anon";q=60;w=60`: 60 requests a minute.'),
    ),
    OpenApiParameter(
        "RateLimit",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=True,
        description=_('What is left of it, e.g. `"anon";r=59;t=42`: 59 requests in the next 42 seconds.'),
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=["429"],
        description=_("Seconds to wait before the next request."),
    ),
]

ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description=_("A parameter or a field of the body is not valid or is empty; `errors` says which and why."),
    ),
    401: OpenApiResponse(ErrorSerializer, description=_("The API key sent is unknown, empty or revoked.")),
    429: OpenApiResponse(
        ErrorSerializer, description=_("Too many requests; the Retry-After header says how many seconds to wait.")
    ),
}


class APIAutoSchema(AutoSchema):
    def get_override_parameters(self):
        params = [*super().get_override_parameters(), *RATE_LIMIT_HEADERS]
        if "{slug}" in self.path:
            description = _("The item's slug, as given by the `slug` field in lists.")
            params.append(OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=description))
        if self._conditional():
            params += [IF_NONE_MATCH, ETAG]
        return params

    def _conditional(self):
        return self.method == "GET" and getattr(self.view, "conditional_get", False)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if "200" in responses and not responses["200"].get("description"):
            responses["200"]["description"] = str(_("The requested data."))
        if self._conditional() and "304" not in responses:
            responses["304"] = self._get_response_for_code(NOT_MODIFIED, "304", direction=direction)
        for code, response in ERRORS.items():
            if str(code) in responses or (code == 400 and not (self._has_query_parameters() or self._has_body())):
                continue
            responses[str(code)] = self._get_response_for_code(response, str(code), direction=direction)
        return responses

    def _has_body(self):
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

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
