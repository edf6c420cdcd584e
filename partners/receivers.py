"""Receivers of claims.events: each only queues partners.tasks.handle_workflow_event, which sends
the webhooks, matches the watches and schedules the dataset rebuild. They run after the action
committed; a queue that refuses the job is logged and never undoes or blocks the action."""

from django.dispatch import receiver

from claims import events
from partners.tasks import queue_workflow_event


@receiver(events.verdict_published, dispatch_uid="partners.verdict_published")
def verdict_published(sender, *, claim_id, **kwargs):
    queue_workflow_event("verdict_published", claim_id=claim_id)


@receiver(events.change_approved, dispatch_uid="partners.change_approved")
def change_approved(sender, *, claim_id, change_id, kind, **kwargs):
    queue_workflow_event("change_approved", claim_id=claim_id, change_id=change_id, kind=str(kind))


@receiver(events.verdict_retracted, dispatch_uid="partners.verdict_retracted")
def verdict_retracted(sender, *, claim_id, **kwargs):
    queue_workflow_event("verdict_retracted", claim_id=claim_id)
