"""Cursor pagination for every list of the partner API: no COUNT over the table, stable while
claims are added, and a page size the caller may choose up to a cap."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

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
        try:
            size = int(raw)
        except ValueError:
            size = 0
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
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise _bad_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
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
        return params

    def get_paginated_response_schema(self, schema):
        data = super().get_paginated_response_schema(schema)
        data["required"] = ["next", "previous", "results"]
        props = data["properties"]
        props["next"]["description"] = _("URL of the next page, or null on the last page.")
        props["previous"]["description"] = _("URL of the previous page, or null on the first page.")
        props["results"]["description"] = _("The items of this page.")
        return data


def _bad_cursor():
    return ValidationError(
        {"cursor": [_("This cursor is not valid. Use the next or previous link of a page as it is.")]}
    )
