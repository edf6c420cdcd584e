"""Background work of the desk, on Django's tasks API (settings.TASKS): notification emails."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from desk import notifications

logger = logging.getLogger(__name__)

# Seconds to wait before each further attempt of a failed send: five attempts over about 2.5 hours.
# A backend that cannot defer a job (the immediate one of the tests) runs the next attempt at once.
RETRY_DELAYS = (60, 300, 1800, 7200)


def queue_notification(kind, **ids):
    """Queue the notification `kind` of an event (desk.notifications) once the current transaction
    commits, or at once outside one. A queue that refuses the job is logged by on_commit(robust=True):
    a notification never blocks or undoes the action it tells of."""

    def enqueue():  # a named function: on_commit(robust=True) logs a failure under its __qualname__
        send_notification.enqueue(kind, ids)

    transaction.on_commit(enqueue, robust=True)


@task()
def send_notification(kind, ids, only=None, attempt=1):
    """Email the notification `kind` of the event `ids` to its recipients (all of them, or the user
    ids in `only` on a retry). Failed sends are queued again, for those recipients only, until
    len(RETRY_DELAYS) retries have failed; then the failure is logged as an error."""
    try:
        failed = notifications.deliver(kind, ids, only=only)
    except Exception:  # reading the event or the recipients failed: nobody was told, so all again
        logger.exception("Notification %s %s: attempt %d failed", kind, ids, attempt)
        _retry(kind, ids, only, attempt)
        return {"attempt": attempt, "failed": "all" if only is None else only}
    if failed:
        _retry(kind, ids, failed, attempt)
    return {"attempt": attempt, "failed": failed}


def _retry(kind, ids, only, attempt):
    if attempt > len(RETRY_DELAYS):
        logger.error("Notification %s %s given up after %d attempts (users %s)", kind, ids, attempt, only or "all")
        return
    job = send_notification
    if job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1]))
    job.enqueue(kind, ids, only=only, attempt=attempt + 1)
