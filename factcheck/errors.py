"""Error responses: a short page in the site's design, or JSON for the API.

They must work while the database is down, so they render without the request's context
processors (the user and the session live in the database) and fall back to plain text if even
the page cannot be rendered.
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from factcheck.context_processors import site


def is_outage(exception):
    """A failure to reach the database (refused, dropped, timed out), as opposed to a bug."""
    return isinstance(exception, (OperationalError, InterfaceError))


def _is_api(request):
    return request is not None and request.path.startswith("/api/")


def _respond(request, *, status, template, message, **context):
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    try:
        body = render_to_string(template, {**site(request), "message": message, **context})
    except Exception:  # the page itself may need what is broken; the status and message still go out
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def service_unavailable(request):
    response = _respond(
        request,
        status=503,
        template="503.html",
        message=_("The site is temporarily unavailable. Please try again in a minute."),
    )
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def request_too_large(request):
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _respond(
        request,
        status=413,
        template="400.html",
        message=_(
            "The request is too large: the limit is %(size).1f MB. Shorten the text or split it into several saves."
        )
        % {"size": megabytes},
    )


def null_byte(request):
    return _respond(
        request,
        status=400,
        template="400.html",
        message=_(
            "The address contains a NUL character (code 0), which no page or parameter accepts. Remove it and try again."
        ),
    )


def server_error(request):
    """handler500. A database outage anywhere (middleware, view, template) becomes a 503."""
    if is_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    return _respond(
        request,
        status=500,
        template="500.html",
        message=_("Something went wrong on our side. The error has been logged; please try again later."),
    )


def bad_request(request, exception):
    """handler400, with a message that says what was wrong for the limits Django enforces."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if isinstance(exception, TooManyFieldsSent):
        message = _("The form sent too many fields (the limit is %(count)d).") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    elif isinstance(exception, TooManyFilesSent):
        message = _("Too many files were sent (the limit is %(count)d).") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    else:
        message = _("The request could not be understood. Check the address and try again.")
    return _respond(request, status=400, template="400.html", message=message)


def permission_denied(request, exception):
    """handler403. CSRF failures have their own view (Django's); this covers PermissionDenied."""
    message = str(exception) if str(exception) else _("You do not have permission to see this page.")
    return _respond(request, status=403, template="403.html", message=message)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its security token (cookies blocked, or a page left open
    past a sign-in) gets a page in the site's design that says what to do (Django's own has an inline
    style, which the strict CSP blocks)."""
    message = _(
        "The form could not be sent: its security check failed. Make sure your browser accepts cookies "
        "from this site, reload the page and send it again."
    )
    return _respond(request, status=403, template="403.html", message=message)
