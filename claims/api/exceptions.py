"""Every API error is JSON with a `detail` sentence; a validation error also has `errors`, the
messages per parameter, so that a partner's code and a partner's developer both know what to fix."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"detail": response.data}
        response.data = {"detail": _("Some parameters are not valid."), "errors": errors}
    return response
