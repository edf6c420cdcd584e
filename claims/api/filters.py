"""Query parameters of the claims, claim-review and tombstone lists, and the ordering whitelist.

An empty parameter (`?updated_since=`) is a 400 that names it, like any other invalid value: a
partner whose code sends a blank where it meant a date would otherwise get the whole list."""

import datetime
import re

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from claims import i18n, search
from claims.models import Claim, Claimant, Rating, Topic

# "+00:00" arrives as " 00:00" when a caller forgets to encode the "+" of an offset.
_UNENCODED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


EMPTY_MESSAGE = gettext_lazy("This parameter is empty. Give it a value or leave it out.")
# PostgreSQL refuses a UTC offset of 16 hours or more ("time zone displacement out of range"); the
# offsets in use run from -12:00 to +14:00.
MAX_UTC_OFFSET = datetime.timedelta(hours=16)


def is_empty(params, name):
    """Whether the query parameter `name` is present but blank."""
    value = params.get(name)
    return value is not None and not value.strip()


def empty_error(name):
    return ValidationError({name: [EMPTY_MESSAGE]})


def not_empty(schema):
    """The OpenAPI schema of a parameter, with minLength 1 where a string could otherwise be empty."""
    if schema.get("type") == "string" and not ({"enum", "format", "minLength"} & set(schema)):
        schema["minLength"] = 1
    return schema


class DateTimeField(forms.DateTimeField):
    """ISO 8601 date-time (offset optional, UTC assumed) or a plain date (its midnight, UTC). The
    value is returned in UTC, so that the database never sees the caller's offset."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Enter an ISO 8601 date-time such as 2024-06-14T09:30:00Z, or a date such as 2024-06-14."
        ),
        "offset": gettext_lazy("The UTC offset must be within ±15:59, e.g. +02:00, or Z for UTC."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = _UNENCODED_OFFSET.sub(r"+\1", value.strip())
        value = super().to_python(value)
        if value is None:
            return None
        if abs(value.utcoffset()) >= MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:  # no UTC equivalent: year 1 with a positive offset, 9999 with a negative one
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field(OpenApiTypes.DATETIME)
class DateTimeFilter(django_filters.Filter):
    field_class = DateTimeField


class DateField(forms.DateField):
    default_error_messages = {"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, e.g. 2024-06-14.")}


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(django_filters.Filter):
    field_class = DateField


UNKNOWN_SLUG = {
    "rating": gettext_lazy("There is no rating with this slug. The list is at /api/v1/ratings/."),
    "claimant": gettext_lazy("There is no claimant with this slug. The list is at /api/v1/claimants/."),
    "topic": gettext_lazy("There is no topic with this slug. The list is at /api/v1/topics/."),
}


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """Filter by the slug of a related row; an unknown slug is a 400 that names it."""

    def __init__(self, *args, what, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        # Lazy, whole sentences: the message is read in the language of the request, not at import.
        kwargs.setdefault("error_messages", {"invalid_choice": UNKNOWN_SLUG[what]})
        super().__init__(*args, **kwargs)


def _published_claimants(request):
    return Claimant.objects.filter(pk__in=Claim.objects.published().values("claimant_id"))


def _published_topics(request):
    return Topic.objects.filter(pk__in=Claim.objects.published().values("topics"))


class SyncFilter(django_filters.FilterSet):
    updated_since = DateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=gettext_lazy(
            "Incremental sync: only claims changed at or after this ISO 8601 time; the default ordering then "
            "becomes `updated_at` (oldest change first). Store the `updated_at` of the last item you received "
            "and pass it next time; check /api/v1/tombstones/ for retracted verdicts."
        ),
    )


class ClaimFilter(SyncFilter):
    rating = SlugChoiceFilter(
        field_name="verdict__rating",
        queryset=Rating.objects.all(),
        what="rating",
        help_text=gettext_lazy("Only claims with this rating (its slug, from /api/v1/ratings/)."),
    )
    claimant = SlugChoiceFilter(
        field_name="claimant",
        queryset=_published_claimants,
        what="claimant",
        help_text=gettext_lazy("Only claims made by this claimant (slug)."),
    )
    topic = SlugChoiceFilter(
        field_name="topics",
        queryset=_published_topics,
        what="topic",
        help_text=gettext_lazy("Only claims in this topic (slug)."),
    )
    kind = django_filters.ChoiceFilter(
        choices=Claim.Kind.choices, help_text=gettext_lazy("Only statements or only pledges.")
    )
    language = django_filters.CharFilter(
        method="in_language",
        help_text=gettext_lazy(
            "Only claims published in this language (BCP 47 code, e.g. uk): written in it, or with a published "
            "translation into it; each claim is then answered in it (Accept-Language asks for a language without "
            "filtering: a claim not published in it is answered in its original language)."
        ),
    )
    made_after = DateFilter(
        field_name="made_on", lookup_expr="gte", help_text=gettext_lazy("Only claims made on or after this date.")
    )
    made_before = DateFilter(
        field_name="made_on", lookup_expr="lte", help_text=gettext_lazy("Only claims made on or before this date.")
    )
    published_after = DateTimeFilter(
        field_name="verdict__published_at",
        lookup_expr="gte",
        help_text=gettext_lazy("Only verdicts first published at or after this ISO 8601 time."),
    )
    published_before = DateTimeFilter(
        field_name="verdict__published_at",
        lookup_expr="lt",
        help_text=gettext_lazy("Only verdicts first published before this ISO 8601 time."),
    )
    q = django_filters.CharFilter(
        method="full_text",
        max_length=search.MAX_QUERY_LENGTH,
        help_text=gettext_lazy(
            "Full-text search in the title, the topics, the statement, the claimant's name, the conclusion and the "
            "analysis. Lists every match, in the list's order."
        ),
    )

    class Meta:
        model = Claim
        fields = []

    def full_text(self, queryset, name, value):
        # The list keeps the requested ordering (cursor pagination needs a column to page on) and
        # pages through every match, so the search's filter is used, not its ranked window.
        return i18n.provider.matching(queryset, value)

    def in_language(self, queryset, name, value):
        return i18n.provider.available_in(queryset, value)


class TombstoneFilter(django_filters.FilterSet):
    since = DateTimeFilter(
        field_name="verdict__retracted_at",
        lookup_expr="gte",
        help_text=gettext_lazy("Only verdicts retracted at or after this ISO 8601 time."),
    )

    class Meta:
        model = Claim
        fields = []


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that an empty filter parameter is an error (module docstring)
    reported together with the other invalid ones."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        # A request without any filter's parameter (a plain page of a list) is filtered by nothing:
        # building the FilterSet would only copy every filter and build its form, 1.7 ms of a cold
        # list of 50 claims. Each filter here takes one parameter named after it.
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {} if filterset.is_valid() else dict(translate_validation(filterset.errors).detail)
        errors.update({name: [EMPTY_MESSAGE] for name in filterset.filters if is_empty(request.query_params, name)})
        if errors:
            raise ValidationError(errors)
        return filterset.qs


class WhitelistOrderingFilter(OrderingFilter):
    """One ordering field from the view's whitelist (or the view's default), with the primary key
    as tie-breaker so that the order is total. An unknown field is a 400, not silently ignored."""

    ordering_description = gettext_lazy("Sort order: one field, prefixed with `-` for descending.")

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        allowed = tuple(view.ordering_fields)
        if is_empty(request.query_params, self.ordering_param):
            raise empty_error(self.ordering_param)
        if raw is None:
            field = self.get_default_ordering(view)[0]
        elif raw.lstrip("-") in allowed and raw.count("-") <= 1:
            field = raw
        else:
            choices = ", ".join(f"{name}, -{name}" for name in allowed) or "-"
            raise ValidationError({self.ordering_param: [_("Order by one of: %(choices)s.") % {"choices": choices}]})
        return (field, "-pk" if field.startswith("-") else "pk")

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))

    def get_schema_operation_parameters(self, view):
        values = [v for name in view.ordering_fields for v in (name, f"-{name}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description)
                + " "
                + _("Default: %(default)s.") % {"default": view.ordering_doc},
                "schema": {"type": "string", "enum": values},
            }
        ]
