"""The project's tasks run on the Redis-backed RQ backend too (TASK_BACKEND=rq), against the Redis
of these machines."""

import datetime
import os

import pytest
from django.utils import timezone

from claims import services
from claims.models import Verdict
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db

RQ_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def rq_backend(settings):
    redis = pytest.importorskip("redis")
    pytest.importorskip("django_tasks_rq")
    try:
        redis.Redis.from_url(RQ_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable on 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    redis.Redis.from_url(RQ_URL).flushdb()
    settings.RQ_QUEUES = {"default": {"URL": RQ_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.TASK_BACKEND = "rq"
    yield redis.Redis.from_url(RQ_URL)
    redis.Redis.from_url(RQ_URL).flushdb()


def test_scheduled_publication_runs_on_the_rq_backend(rq_backend, reviewer):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    at = timezone.now() + datetime.timedelta(minutes=5)
    services.verdict_schedule(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim), at=at)
    queue = django_rq.get_queue("default", job_class=Job)
    scheduled = queue.scheduled_job_registry
    assert len(scheduled.get_job_ids()) == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)  # not due: nothing runs
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    # The time comes: RQ's scheduler moves the job onto the queue, and a worker runs it.
    for job_id in scheduled.get_job_ids():
        job = queue.fetch_job(job_id)
        scheduled.remove(job)
        queue.enqueue_job(job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer) == ("published", reviewer)
