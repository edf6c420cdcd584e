"""Domain events of the desk, sent by desk.services after commit (with claims.events.send_after_commit)
and received in desk.receivers, which only enqueue the work. Ids only, as in claims.events.

    work_assigned(claim_id, user_id, role, by_id)   `user_id` now works on the claim as its `role`
                                                    ("editor" or "reviewer"), assigned by `by_id`
"""

from django.dispatch import Signal

work_assigned = Signal()
