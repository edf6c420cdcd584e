"""Domain events of the editorial workflow: the one place where claims tells higher apps (desk,
partners) that something happened. claims.services sends each event once its transaction has
committed (never for a rolled-back action); receivers get ids only and do their work in a task, so a
slow or failing receiver never holds up or undoes the action.

    verdict_submitted(claim_id, verdict_id, by_id)        a draft went into review
    verdict_returned(claim_id, verdict_id, by_id, comment) a verdict in review went back to draft
    verdict_scheduled(claim_id, verdict_id, by_id, at)    a reviewer scheduled the publication
    verdict_published(claim_id, verdict_id, by_id)        first publication (also a scheduled one)
    change_proposed(claim_id, change_id, by_id)           a change to a public fact-check waits
    change_approved(claim_id, change_id, by_id, kind)     it went public (kind: the correction's kind)
    verdict_retracted(claim_id, verdict_id, by_id)        a published verdict was withdrawn

One event is sent at once, inside the caller's transaction, not after commit: `loadseeds` sends
seeds_loaded(base, users) once the seed checks are in, so that higher apps load their own seed
material with them (translations: the checks in Ukrainian), all of it or nothing.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

verdict_submitted = Signal()
verdict_returned = Signal()
verdict_scheduled = Signal()
verdict_published = Signal()
change_proposed = Signal()
change_approved = Signal()
verdict_retracted = Signal()
seeds_loaded = Signal()


def send_after_commit(signal, **ids):
    """Send `signal` once the current transaction commits. A failing receiver is logged, never
    raised into the action that caused the event (robust on_commit, send_robust)."""

    def send():
        for receiver, result in signal.send_robust(sender=None, **ids):
            if isinstance(result, Exception):
                logger.error("Receiver %s of a workflow event failed: %s", receiver, result, exc_info=result)

    transaction.on_commit(send, robust=True)
