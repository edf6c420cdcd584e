"""Cursor pagination for every list of the partner API: no COUNT over the table, stable while
claims are added, and a page size the caller may choose up to a cap.

A page gives its neighbours twice: as links (`next`, `previous`: follow them as they are) and as the
bare `cursor` values in them (`next_cursor`, `previous_cursor`), for clients generated from the
schema, which take `cursor` as an argument and cannot follow a link.

A cursor that is not one of our `next`/`previous` links as given (edited, truncated, from another
list or ordering) is a 400 naming `cursor`, in the API's error format; DRF's own answer would be a
404 "Invalid cursor", which reads as if the list were gone."""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField as DateTimeColumn
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from claims.api.filters import DateTimeField, empty_error, is_empty, not_empty

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class APICursorPagination(CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = gettext_lazy("Items per page, 1 to 100 (default 20).")
    cursor_query_description = gettext_lazy(
        "Opaque position from the `next` or `previous` link of an earlier page. Keep the other "
        "parameters of that request unchanged."
    )
    ordering = ("-pk",)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if is_empty(request.query_params, self.page_size_query_param):
            raise empty_error(self.page_size_query_param)
        # Digits only: int() would also take "+5", "1_0" and non-ASCII digits.
        size = int(raw) if raw.isascii() and raw.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def decode_cursor(self, request):
        if is_empty(request.query_params, self.cursor_query_param):
            raise empty_error(self.cursor_query_param)
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise _bad_cursor() from None
        if cursor is None or cursor.position is None:
            return cursor
        return cursor._replace(position=self._checked_position(cursor.position))

    def _checked_position(self, position):
        """The position, as the database can compare it, or a 400. PostgreSQL text holds no NUL,
        and a time whose UTC offset is 16 hours or more is refused: both used to be 500s."""
        if "\x00" in position:
            raise _bad_cursor()
        if not isinstance(_ordering_column(self._queryset, self.ordering[0].lstrip("-")), DateTimeColumn):
            return position
        try:
            return DateTimeField().clean(position).isoformat()
        except DjangoValidationError:
            raise _bad_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        self._queryset = queryset  # decode_cursor() checks the position against its ordering column
        # A cursor from another ordering, or one edited by hand, carries a position that does not
        # fit the ordering field: the database would refuse it, so it is a 400 here instead.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise _bad_cursor() from None

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            not_empty(param["schema"])
        return params

    def get_paginated_response(self, data):
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        return Response(
            {
                "next": next_link,
                "previous": previous_link,
                "next_cursor": self._cursor_in(next_link),
                "previous_cursor": self._cursor_in(previous_link),
                "results": data,
            }
        )

    def _cursor_in(self, link):
        if link is None:
            return None
        values = parse_qs(urlsplit(link).query).get(self.cursor_query_param)
        return values[0] if values else None

    def get_paginated_response_schema(self, schema):
        data = super().get_paginated_response_schema(schema)
        data["required"] = ["next", "previous", "next_cursor", "previous_cursor", "results"]
        props = data["properties"]
        props["next"]["description"] = _("URL of the next page, or null on the last page.")
        props["previous"]["description"] = _("URL of the previous page, or null on the first page.")
        for name, which in (("next_cursor", _("next")), ("previous_cursor", _("previous"))):
            props[name] = {
                "type": "string",
                "nullable": True,
                "description": _(
                    "The `cursor` of the %(which)s page (the value in its link): pass it as `cursor`, with the "
                    "same other parameters. Null when there is no such page, or when it is the first page "
                    "(leave `cursor` out)."
                )
                % {"which": which},
            }
        data["properties"] = {**{k: v for k, v in props.items() if k != "results"}, "results": props["results"]}
        data["properties"]["results"]["description"] = _("The items of this page.")
        return data


def _ordering_column(queryset, name):
    """The field a list is ordered by: an annotation (`published_at`), a model field, or None (`pk`)."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    try:
        return queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _bad_cursor():
    return ValidationError(
        {"cursor": [_("This cursor is not valid. Use the next or previous link of a page as it is.")]}
    )
