"""Background work of partners, on Django's tasks API (settings.TASKS): what a workflow event means
for partners, webhook deliveries, the dataset build and the email telling a partner that an
endpoint was disabled. The queue_* functions queue a job once the current transaction commits (or
at once outside one); a queue that refuses it is logged, never raised into the action."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from partners import delivery, emails, services

logger = logging.getLogger(__name__)

# Seconds between the attempts of an email that failed: five attempts over about 2.5 hours.
EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)


def _on_commit(job, *args):
    def enqueue():  # a named function: on_commit(robust=True) logs a failure under its __qualname__
        job.enqueue(*args)

    transaction.on_commit(enqueue, robust=True)


def queue_workflow_event(signal_name, **ids):
    _on_commit(handle_workflow_event, signal_name, {**ids, "occurred_at": timezone.now().isoformat()})


def queue_delivery(endpoint_id):
    _on_commit(deliver_endpoint, endpoint_id)


def queue_disabled_email(endpoint_id):
    _on_commit(send_disabled_email, endpoint_id)


@task()
def handle_workflow_event(signal_name, ids):
    """Webhooks, watches and the dataset for one workflow event (services.workflow_event_handle)."""
    services.workflow_event_handle(
        signal_name=signal_name,
        claim_id=ids["claim_id"],
        occurred_at=datetime.datetime.fromisoformat(ids["occurred_at"]),
        kind=ids.get("kind"),
        change_id=ids.get("change_id"),
    )


@task()
def deliver_endpoint(endpoint_id):
    """Send the endpoint's due webhook messages, in order (partners.delivery)."""
    delivery.drain(endpoint_id)


@task()
def build_dataset():
    version = services.dataset_build()
    return version.version if version else None


@task()
def send_disabled_email(endpoint_id, attempt=1):
    """Tell the endpoint's partner it was disabled; a failed send is tried again later."""
    try:
        emails.endpoint_disabled(endpoint_id)
    except Exception:
        logger.warning(
            "Email about disabled webhook endpoint %s: attempt %d failed", endpoint_id, attempt, exc_info=True
        )
        if attempt > len(EMAIL_RETRY_DELAYS):
            logger.error("Email about disabled webhook endpoint %s given up", endpoint_id)
            return
        job = send_disabled_email
        if job.get_backend().supports_defer:
            job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=EMAIL_RETRY_DELAYS[attempt - 1]))
        job.enqueue(endpoint_id, attempt=attempt + 1)
