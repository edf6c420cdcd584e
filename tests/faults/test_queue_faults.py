"""The task queue: its worker stopped, or its Redis (RQ backend) unreachable. Publishing never
depends on the queue; what needs the queue says so; nothing is lost."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims import services
from claims.models import Verdict
from tests.factories import make_verdict
from tests.faults.conftest import closed_port

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_stopped_the_job_waits_readyz_says_so_and_a_worker_catches_up(client, reviewer, settings):
    settings.TASKS, settings.TASK_BACKEND = DATABASE_QUEUE, "database"
    verdict = make_verdict(Verdict.Status.IN_REVIEW, slug="waits-for-a-worker")
    at = timezone.now() + datetime.timedelta(minutes=5)
    services.verdict_schedule(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim), at=at)
    # The time passes with no worker running.
    late = timezone.now() - datetime.timedelta(minutes=20)
    DBTaskResult.objects.update(run_after=late, enqueued_at=late)
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["queue"]["waiting"] == DBTaskResult.objects.count() >= 1  # the publication (and any emails)
    assert client.get("/claims/waits-for-a-worker/").status_code == 404  # not public yet
    # A worker starts: the job is still there and runs.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert client.get("/claims/waits-for-a-worker/").status_code == 200
    assert client.get("/readyz").json()["queue"] == {"waiting": 0, "oldest_waiting_seconds": 0}


@pytest.mark.django_db
def test_queue_unreachable_publishing_works_and_scheduling_says_why(client, reviewer, settings):
    pytest.importorskip("django_tasks_rq")
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{closed_port()}/0"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.TASK_BACKEND = "rq"
    later = make_verdict(Verdict.Status.IN_REVIEW, slug="needs-the-queue")
    with pytest.raises(services.WorkflowError, match="The task queue did not accept the schedule"):
        services.verdict_schedule(
            verdict=later,
            by=reviewer,
            revision=services.claim_revision(later.claim),
            at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert Verdict.objects.get(pk=later.pk).scheduled_at is None  # nothing half-saved
    now = make_verdict(Verdict.Status.IN_REVIEW, slug="published-without-the-queue")
    services.verdict_publish(verdict=now, by=reviewer, revision=services.claim_revision(now.claim))
    assert client.get("/claims/published-without-the-queue/").status_code == 200
