"""Partners' work through the database queue and its worker, as in production: webhooks retried
after their delay (the same message), the dataset rebuilt once for several changes, and a publish
that goes through when the queue refuses the job."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from claims import services as claims_services
from claims.models import Verdict
from partners import delivery, services
from partners.models import DatasetSchedule, DatasetVersion, Delivery
from tests.factories import UserFactory, make_verdict
from tests.faults.conftest import closed_port

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker closes its database connection between jobs: these tests commit for real.
with_the_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_BACKEND = "database"


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def _time_passes(seconds):
    """The clock moves on: jobs and deliveries due within `seconds` fall due now."""
    horizon = timezone.now() + datetime.timedelta(seconds=seconds)
    past = timezone.now() - datetime.timedelta(seconds=1)
    DBTaskResult.objects.filter(run_after__lte=horizon).update(run_after=past)
    Delivery.objects.filter(next_attempt_at__lte=horizon).update(next_attempt_at=past)


@with_the_worker
def test_the_worker_retries_a_failed_delivery_after_its_delay(queue, partner, receiver):
    endpoint, secret = services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.published"])
    receiver.statuses = [500, 502]
    make_verdict(slug="retried")
    _worker()  # the event, the first attempt (500); the retry waits 5 seconds
    row = Delivery.objects.get()
    assert (row.status, row.attempts, len(receiver.requests)) == ("pending", 1, 1)
    retry = DBTaskResult.objects.get(task_path="partners.tasks.deliver_endpoint", status="READY")
    assert abs((retry.run_after - row.next_attempt_at).total_seconds()) < 1
    _worker()
    assert len(receiver.requests) == 1  # not due yet
    _time_passes(delivery.RETRY_DELAYS[0])
    _worker()  # second attempt: 502, the next waits 5 minutes
    assert Delivery.objects.get().attempts == 2
    _time_passes(delivery.RETRY_DELAYS[1])
    _worker()
    row.refresh_from_db()
    assert (row.status, row.attempts, len(receiver.requests)) == ("delivered", 2, 3)
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # one message, three attempts
    for request in receiver.requests:
        Webhook(secret).verify(request["body"], request["headers"])
    assert list(row.log.values_list("status_code", flat=True)) == [500, 502, 204]


@with_the_worker
def test_messages_waiting_for_a_retry_share_one_job(queue, partner, receiver):
    services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.published"])
    receiver.statuses = [500]
    make_verdict(slug="first")
    _worker()
    make_verdict(slug="second")
    make_verdict(slug="third")
    _worker()  # both wait behind the first: no attempt, no further job
    assert len(receiver.requests) == 1
    assert DBTaskResult.objects.filter(task_path="partners.tasks.deliver_endpoint", status="READY").count() == 1
    _time_passes(delivery.RETRY_DELAYS[0])
    _worker()
    assert [b["data"]["claim"]["slug"] for b in receiver.bodies()] == ["first", "first", "second", "third"]


@with_the_worker
def test_the_dataset_is_rebuilt_once_for_several_changes(queue, settings):
    settings.DATASET_REBUILD_DELAY = 600
    reviewer = UserFactory(username="dataset-reviewer", group="Reviewers")
    first = make_verdict(slug="one", reviewer=reviewer)
    make_verdict(slug="two", reviewer=reviewer)
    _worker()  # the events: one build queued, ten minutes out
    builds = DBTaskResult.objects.filter(task_path="partners.tasks.build_dataset")
    assert builds.count() == 1
    due = DatasetSchedule.objects.get().build_due_at
    assert datetime.timedelta(minutes=9) < due - timezone.now() <= datetime.timedelta(minutes=10)
    claims_services.verdict_retract(verdict=first, note="Withdrawn.", by=reviewer)
    _worker()
    assert builds.count() == 1 and not DatasetVersion.objects.exists()
    _time_passes(600)
    _worker()
    version = DatasetVersion.objects.get()
    assert version.items == 1  # "two": the retraction came before the build
    assert DatasetSchedule.objects.get().build_due_at is None
    make_verdict(slug="three", reviewer=reviewer)
    _worker()
    assert builds.count() == 2  # a change after the build queues the next one


@pytest.mark.django_db
def test_a_publish_goes_through_when_the_queue_refuses_the_partners_job(
    partner, receiver, settings, caplog, django_capture_on_commit_callbacks
):
    pytest.importorskip("django_tasks_rq")
    services.endpoint_create(key=partner[0], url=receiver.url, events=["verdict.published"])
    # The RQ queue's Redis does not answer: the event's job cannot be queued.
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.TASK_BACKEND = "rq"
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="queue-down")
    reviewer = UserFactory(username="queue-reviewer", group="Reviewers")
    with django_capture_on_commit_callbacks(execute=True):
        claims_services.verdict_publish(
            verdict=verdict, by=reviewer, revision=claims_services.claim_revision(verdict.claim)
        )
    assert Verdict.objects.get(pk=verdict.pk).status == "published"
    refused = [r for r in caplog.records if "queue_workflow_event" in r.getMessage() or "enqueue" in r.getMessage()]
    assert refused and refused[0].levelname == "ERROR"
    assert receiver.requests == []  # the message waits for nothing: it was never queued (the log says so)
