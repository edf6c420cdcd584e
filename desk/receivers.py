"""Receivers of claims.events and desk.events: each turns a workflow event into desk work, in a task.
They run after the action committed and only queue the work (desk.tasks)."""

from django.dispatch import receiver

from claims import events
from desk import events as desk_events
from desk.services import comment_record_sent_back
from desk.tasks import queue_notification

# --- Notifications (desk.notifications) -----------------------------------------------------------


@receiver(desk_events.work_assigned, dispatch_uid="desk.notify_assigned")
def notify_assigned(sender, *, claim_id, user_id, role, by_id, **kwargs):
    queue_notification("assigned", claim_id=claim_id, user_id=user_id, role=role, by_id=by_id)


@receiver(events.verdict_submitted, dispatch_uid="desk.notify_submitted")
def notify_submitted(sender, *, claim_id, verdict_id, by_id, **kwargs):
    queue_notification("submitted", claim_id=claim_id, verdict_id=verdict_id, by_id=by_id)


@receiver(events.verdict_returned, dispatch_uid="desk.notify_returned")
def notify_returned(sender, *, claim_id, verdict_id, by_id, comment="", **kwargs):
    queue_notification("returned", claim_id=claim_id, verdict_id=verdict_id, by_id=by_id, comment=comment)


@receiver(events.verdict_published, dispatch_uid="desk.notify_published")
def notify_published(sender, *, claim_id, verdict_id, by_id, **kwargs):
    queue_notification("published", claim_id=claim_id, verdict_id=verdict_id, by_id=by_id)


# --- The internal thread (desk.services) ----------------------------------------------------------


@receiver(events.verdict_returned, dispatch_uid="desk.thread_sent_back")
def thread_sent_back(sender, *, claim_id, verdict_id, by_id, comment="", **kwargs):
    # Not a task: one row in our own database, which the author should find on their next page.
    comment_record_sent_back(claim_id=claim_id, by_id=by_id, body=comment)
