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
        response.data = {"detail": _("Some parameters are not valid."), "errors": flat_errors(errors)}
    return response


def flat_errors(errors, prefix=""):
    """{name: [message, ...]}, with the errors of a nested field or list item under a dotted name
    (`events.0`), so that every error body has the one documented shape."""
    flat = {}
    for name, value in errors.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flat_errors(value, f"{key}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if item:
                    flat.update(flat_errors(item if isinstance(item, dict) else {"": item}, f"{key}.{index}."))
        else:
            flat[key.rstrip(".")] = [str(message) for message in (value if isinstance(value, list) else [value])]
    return flat
