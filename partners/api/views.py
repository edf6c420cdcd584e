"""The partners' endpoints of the API. Webhooks and watches belong to a partner key: every queryset
starts from the caller's own rows, so another partner's id is a 404 like an unknown one. The dataset
versions are public. Writes go through partners.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from claims.api import serializers as claims_api
from claims.api.filters import FilterBackend
from claims.api.schema import ErrorSerializer
from claims.api.views import conditional
from claims.models import APIKey
from partners import selectors, services
from partners.api import serializers as s
from partners.api.filters import WatchFilter

UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=_("The id given when it was made."))


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=description)


FORBIDDEN_QUOTA = _error(_("You hold as many as a partner may: delete one first."))
NOT_YOURS = _error(_("You have none with this id."))


class HasPartnerKey(BasePermission):
    message = _("This endpoint belongs to partners: send your API key as `Authorization: Bearer <key>`.")

    def has_permission(self, request, view):
        return isinstance(request.auth, APIKey)


class PartnerViewSet(viewsets.GenericViewSet):
    """The caller's own rows (get_queryset() filters by request.auth), found by their public id."""

    permission_classes = [HasPartnerKey]
    filter_backends = []
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID
    conditional_get = True

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(HasPartnerKey.message)
        super().permission_denied(request, message, code)

    def get_object(self):
        obj = self.get_queryset().filter(public_id=self.kwargs["id"]).first()
        if obj is None:
            raise exceptions.NotFound(_("You have no %(what)s with this id.") % {"what": self.noun})
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-cache"  # one partner's own data
        return response

    def paged(self, request, queryset, build):
        page = self.paginate_queryset(queryset)
        return conditional(request, self.get_paginated_response([build(obj) for obj in page]))


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _service(call, **kwargs):
    """Call a service, turning its refusals into the API's errors."""
    try:
        return call(**kwargs)
    except services.QuotaExceeded as exc:
        raise exceptions.PermissionDenied(str(exc)) from None
    except services.Conflict as exc:
        raise Conflict(str(exc)) from None
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This conflicts with what you already have.")


@extend_schema_view(
    list=extend_schema(
        summary=_("Your webhook endpoints"), responses={200: s.EndpointSerializer(many=True)}, tags=["webhooks"]
    ),
    create=extend_schema(
        summary=_("Register a webhook endpoint"),
        description=_(
            "Deliveries are POSTed as JSON, signed to the Standard Webhooks specification with the secret in this "
            "answer (shown only once). Events: verdict.published, verdict.corrected, verdict.updated, "
            "verdict.retracted, watch.matched."
        ),
        request=s.EndpointCreateSerializer,
        responses={
            201: OpenApiResponse(s.EndpointWithSecretSerializer, description=_("Registered; keep the secret.")),
            403: FORBIDDEN_QUOTA,
        },
        tags=["webhooks"],
    ),
    retrieve=extend_schema(
        summary=_("One of your webhook endpoints"),
        parameters=[ID],
        responses={200: s.EndpointSerializer, 404: NOT_YOURS},
        tags=["webhooks"],
    ),
    partial_update=extend_schema(
        summary=_("Change, pause or turn on again a webhook endpoint"),
        parameters=[ID],
        request=s.EndpointUpdateSerializer,
        responses={200: s.EndpointSerializer, 404: NOT_YOURS},
        tags=["webhooks"],
    ),
    destroy=extend_schema(
        summary=_("Delete a webhook endpoint (and its delivery log)"),
        parameters=[ID],
        responses={204: OpenApiResponse(description=_("Deleted.")), 404: NOT_YOURS},
        tags=["webhooks"],
    ),
    rotate_secret=extend_schema(
        summary=_("Rotate the signing secret"),
        description=_(
            "A new secret, shown only once. For WEBHOOK_SECRET_OVERLAP_HOURS (24 by default) deliveries carry two "
            "signatures, with the new secret and the old one, so that you can switch your receiver in between."
        ),
        parameters=[ID],
        request=None,
        responses={200: s.SecretSerializer, 404: NOT_YOURS},
        tags=["webhooks"],
    ),
    deliveries=extend_schema(
        summary=_("The delivery log of an endpoint"),
        description=_("Every message queued for the endpoint, newest first, with each attempt and its answer."),
        parameters=[ID],
        responses={200: s.DeliverySerializer(many=True), 404: NOT_YOURS},
        tags=["webhooks"],
    ),
    resend=extend_schema(
        summary=_("Send a delivery again"),
        description=_(
            "Queue the message again (the same body and webhook-id), delivered in its place in the endpoint's order."
        ),
        parameters=[
            ID,
            OpenApiParameter("delivery_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=_("The delivery.")),
        ],
        request=None,
        responses={202: OpenApiResponse(s.DeliverySerializer, description=_("Queued again.")), 404: NOT_YOURS},
        tags=["webhooks"],
    ),
)
class WebhookViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    noun = _("webhook endpoint")
    serializer_class = s.EndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.endpoints_of(self.request.auth)

    def list(self, request, *args, **kwargs):
        return self.paged(request, self.get_queryset(), lambda e: s.endpoint_data(e, request))

    def retrieve(self, request, *args, **kwargs):
        return conditional(request, Response(s.endpoint_data(self.get_object(), request)))

    def create(self, request, *args, **kwargs):
        data = _validated(s.EndpointCreateSerializer, request.data)
        endpoint, secret = _service(services.endpoint_create, key=request.auth, **data)
        body = {**s.endpoint_data(endpoint, request), "secret": secret}
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        data = _validated(s.EndpointUpdateSerializer, request.data)
        endpoint = _service(services.endpoint_update, endpoint=self.get_object(), **data)
        return Response(s.endpoint_data(endpoint, request))

    def destroy(self, request, *args, **kwargs):
        services.endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        endpoint, secret = services.endpoint_rotate_secret(endpoint=self.get_object())
        return Response({"secret": secret, "previous_secret_expires_at": endpoint.previous_secret_expires_at})

    @action(detail=True, methods=["get"])
    def deliveries(self, request, *args, **kwargs):
        return self.paged(request, selectors.deliveries_of(self.get_object()), s.delivery_data)

    @action(detail=True, methods=["post"], url_path=rf"deliveries/(?P<delivery_id>{UUID})/resend")
    def resend(self, request, *args, delivery_id, **kwargs):
        found = selectors.deliveries_of(self.get_object()).filter(public_id=delivery_id).first()
        if found is None:
            raise exceptions.NotFound(_("This endpoint has no delivery with this id."))
        services.delivery_resend(delivery=found)
        delivery = selectors.deliveries_of(found.endpoint).get(pk=found.pk)
        return Response(s.delivery_data(delivery), status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        summary=_("Your watches"),
        description=_("Newest first. Filter by your own reference with ?external_id=."),
        responses={200: s.WatchSerializer(many=True)},
        tags=["watches"],
    ),
    create=extend_schema(
        summary=_("Watch for a claim: tell me when this is checked"),
        description=_(
            "When a check that matches the text is published (the matching of /api/v1/match/), your endpoints "
            "subscribed to watch.matched receive it once, with its score. Check /api/v1/match/ first for what is "
            "checked already."
        ),
        request=s.WatchCreateSerializer,
        responses={
            201: OpenApiResponse(s.WatchSerializer, description=_("Watching.")),
            403: FORBIDDEN_QUOTA,
            409: _error(_("You already have a watch with this external_id.")),
        },
        tags=["watches"],
    ),
    retrieve=extend_schema(
        summary=_("One of your watches"),
        parameters=[ID],
        responses={200: s.WatchSerializer, 404: NOT_YOURS},
        tags=["watches"],
    ),
    destroy=extend_schema(
        summary=_("Stop watching"),
        parameters=[ID],
        responses={204: OpenApiResponse(description=_("Deleted.")), 404: NOT_YOURS},
        tags=["watches"],
    ),
)
class WatchViewSet(PartnerViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin):
    noun = _("watch")
    serializer_class = s.WatchSerializer
    filter_backends = [FilterBackend]
    filterset_class = WatchFilter
    validates_query_parameters = True

    def get_queryset(self):
        return selectors.watches_of(self.request.auth)

    def list(self, request, *args, **kwargs):
        urls = claims_api.URLs(request)
        return self.paged(request, self.filter_queryset(self.get_queryset()), lambda w: s.watch_data(w, urls))

    def retrieve(self, request, *args, **kwargs):
        return conditional(request, Response(s.watch_data(self.get_object(), claims_api.URLs(request))))

    def create(self, request, *args, **kwargs):
        data = _validated(s.WatchCreateSerializer, request.data)
        watch = _service(services.watch_create, key=request.auth, **data)
        watch = self.get_queryset().get(pk=watch.pk)
        return Response(s.watch_data(watch, claims_api.URLs(request)), status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.watch_delete(watch=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary=_("Versions of the bulk dataset"),
        description=_(
            "Every published check in one download, as JSON Lines and CSV, newest version first, with each file's "
            "SHA-256 and the licence. Also at /data/."
        ),
        responses={200: s.DatasetSerializer(many=True)},
        tags=["datasets"],
    ),
    retrieve=extend_schema(
        summary=_("One version of the bulk dataset"),
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The version, e.g. 2026-11-24.")
            )
        ],
        responses={200: s.DatasetSerializer, 404: _error(_("There is no version with this name."))},
        tags=["datasets"],
    ),
)
class DatasetViewSet(viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.DatasetSerializer
    filter_backends = []
    lookup_field = "version"
    lookup_value_regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:\.[0-9]+)?"
    conditional_get = True

    def get_queryset(self):
        return selectors.dataset_versions()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return conditional(request, self.get_paginated_response([s.dataset_data(v, request) for v in page]))

    def retrieve(self, request, *args, **kwargs):
        found = self.get_queryset().filter(version=kwargs["version"]).first()
        if found is None:
            raise exceptions.NotFound(_("There is no version of the dataset with this name."))
        return conditional(request, Response(s.dataset_data(found, request)))
