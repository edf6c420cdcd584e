"""Emails to partners (sent by partners.tasks, never in a request)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from claims.claimreview import absolute
from partners.models import Endpoint

logger = logging.getLogger(__name__)


def endpoint_disabled(endpoint_id):
    """Tell an endpoint's partner that it was disabled and why. Returns whether an email went out
    (none if the endpoint was enabled again meanwhile, or the key has no contact email)."""
    endpoint = Endpoint.objects.select_related("key").filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.enabled:
        return False
    if not endpoint.key.contact_email:
        logger.warning("Webhook endpoint %s was disabled; its key %s has no contact email", endpoint.pk, endpoint.key)
        return False
    endpoint_url = absolute(reverse("partners_api:webhook-detail", kwargs={"id": endpoint.public_id}))
    body = render_to_string(
        "partners/email/endpoint_disabled.txt",
        {
            "endpoint": endpoint,
            "endpoint_url": endpoint_url,
            "log_url": f"{endpoint_url}deliveries/",
            "site_name": settings.SITE_NAME,
        },
    )
    subject = _("[%(site)s] Webhooks to %(url)s are disabled") % {"site": settings.SITE_NAME, "url": endpoint.url}
    EmailMessage(subject, body, to=[endpoint.key.contact_email]).send()
    return True
