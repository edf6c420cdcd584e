"""The readers' "Suggest a claim to check" form. Nothing a reader sends is ever shown on a public
page: the thank-you page repeats none of it, and tips are read in the admin only."""

import logging
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from claims.api.throttling import anonymous_key, count_request
from claims.views import read_only
from desk import services
from desk.forms import TipForm

logger = logging.getLogger(__name__)


@never_cache  # the page carries a CSRF token: never one cached copy for everyone
@require_http_methods(["GET", "HEAD", "POST"])
def tip_new(request):
    if request.method != "POST":
        return _form_page(request, TipForm())
    # Every post counts, robots' and invalid ones included: the limit is what protects the desk.
    limit = count_request(f"tips:{anonymous_key(request)}", settings.TIPS_RATE)
    form = TipForm(request.POST)
    if not limit.allowed:
        return _too_many(request, form, limit)
    if form.is_valid() and form.is_robot():
        logger.info("Reader tip dropped: the honeypot field was filled in")
        return redirect("desk:tip_thanks")  # a robot learns nothing
    if form.is_valid():
        try:
            services.tip_submit(**form.tip_fields())
        except ValidationError as exc:
            form.add_refusal(exc)
        else:
            return redirect("desk:tip_thanks")
    return _form_page(request, form)


def _form_page(request, form, *, status=200, **context):
    return render(request, "desk/tip_form.html", {"form": form, **context}, status=status)


def _too_many(request, form, limit):
    """A 429 with the form as typed (nothing is lost) and how long to wait."""
    response = _form_page(request, form, status=429, retry_minutes=max(1, math.ceil(limit.reset / 60)))
    response["Retry-After"] = str(limit.reset)
    return response


@read_only
def tip_thanks(request):
    return render(request, "desk/tip_thanks.html")
