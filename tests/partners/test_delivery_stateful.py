"""Delivery as a property: events happen, the receiver goes down and comes back, time passes, the
queue delivers, staff send given-up messages again, in any order. After every step:
- in order: the receiver took (answered 2xx to) each message only after it took every earlier
  event's message, except one given up on;
- at least once: each message is taken, given up (and then its endpoint is disabled), or waiting
  with the time of its next attempt;
- a retry is the same message: one webhook-id, one body.
And in the end, with the receiver up and the time come, every message is taken."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from claims.models import APIKey
from partners import delivery, services
from partners.models import Delivery, Endpoint
from tests.factories import make_verdict
from tests.partners.conftest import Receiver


class Deliveries(RuleBasedStateMachine):
    receiver = None  # one local server for every example (set by the test)

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.receiver.requests.clear()
        self.receiver.statuses = []
        prefix, _raw = APIKey.generate()
        key = APIKey.objects.create(name="SM", prefix=prefix, hashed_key=APIKey.hash(prefix))
        self.endpoint, _secret = services.endpoint_create(key=key, url=self.receiver.url, events=["verdict.published"])
        self.claim = make_verdict(slug="sm-delivery").claim
        self.clock = timezone.now()
        self.down = False
        self.given_up = set()

    def teardown(self):
        try:
            self.everything_arrives_in_the_end()
        finally:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def _answer(self):
        self.receiver.statuses = [503] * 50 if self.down else []

    @rule()
    def an_event_happens(self):
        self.clock += datetime.timedelta(seconds=1)
        services.event_record(event_type="verdict.published", claim_id=self.claim.pk, occurred_at=self.clock)

    @rule()
    def the_receiver_goes_down(self):
        self.down = True

    @rule()
    def the_receiver_comes_back(self):
        self.down = False

    @rule()
    def time_passes(self):
        Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())

    @rule()
    def the_queue_delivers(self):
        self._answer()
        delivery.drain(self.endpoint.pk)

    @precondition(lambda self: Delivery.objects.filter(status="failed").exists())
    @rule()
    def staff_send_the_given_up_ones_again(self):
        for row in Delivery.objects.filter(status="failed"):
            services.delivery_resend(delivery=row)
        services.endpoint_enable(endpoint=self.endpoint)

    @invariant()
    def taken_in_order(self):
        rows = Delivery.objects.select_related("event")
        self.given_up |= {d.event.webhook_id for d in rows if d.status == "failed"}
        when = {d.event.webhook_id: d.event.occurred_at for d in rows}
        taken = []
        for request in self.receiver.requests:
            wid = request["headers"]["webhook-id"]
            if request["status"] < 300 and wid not in taken:
                earlier = {w for w, at in when.items() if at < when[wid]} - self.given_up
                assert earlier <= set(taken), "a message was taken before an earlier one"
                taken.append(wid)

    @invariant()
    def each_message_is_taken_given_up_or_waiting(self):
        for row in Delivery.objects.all():
            assert (row.status == "pending") == (row.next_attempt_at is not None)
            assert row.status != "failed" or row.attempts == delivery.MAX_ATTEMPTS
        if Delivery.objects.filter(status="failed").exists():
            assert not Endpoint.objects.get(pk=self.endpoint.pk).enabled

    @invariant()
    def a_retry_is_the_same_message(self):
        bodies = defaultdict(set)
        for request in self.receiver.requests:
            bodies[request["headers"]["webhook-id"]].add(request["body"])
        assert all(len(b) == 1 for b in bodies.values())

    def everything_arrives_in_the_end(self):
        self.down = False
        for row in Delivery.objects.filter(status="failed"):
            services.delivery_resend(delivery=row)
        services.endpoint_enable(endpoint=self.endpoint)
        self.time_passes()
        self.the_queue_delivers()
        assert set(Delivery.objects.values_list("status", flat=True)) <= {"delivered"}


class TestDeliveries(TestCase):
    def test_order_and_at_least_once_hold_whatever_happens(self):
        Deliveries.receiver = Receiver()
        try:
            with self.settings(WEBHOOK_ALLOWED_NETWORKS=["127.0.0.0/8"], WEBHOOK_TIMEOUT=2):
                run_state_machine_as_test(
                    Deliveries,
                    settings=settings(
                        max_examples=20,
                        stateful_step_count=25,
                        deadline=None,
                        derandomize=True,
                        suppress_health_check=[HealthCheck.too_slow],
                    ),
                )
        finally:
            Deliveries.receiver.close()
            Deliveries.receiver = None
