"""Scheduled publication through the task queue (the database backend and its worker, as in
production), the reviewer's send-back comment, and the queue's place in /readyz."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims import events, services
from claims.models import Claim, Revision, Verdict
from tests.claims.test_admin import _change_url, _messages, _post_change, form_data
from tests.factories import UserFactory, make_verdict

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_BACKEND = "database"


def _in(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def _time_passes():
    """Every queued job falls due (the clock reaches the scheduled time)."""
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


# The worker closes its database connection between jobs, as it should; inside a test wrapped in one
# transaction that would end the test's transaction, so these tests commit for real.
with_the_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _schedule(verdict, by, minutes=30):
    return services.verdict_schedule(
        verdict=verdict, by=by, revision=services.claim_revision(verdict.claim), at=_in(minutes)
    )


@with_the_worker
def test_the_worker_publishes_the_approved_revision_at_its_time(queue, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    _schedule(verdict, reviewer)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.scheduled_by) == ("in_review", reviewer)
    _worker()  # not due yet: nothing happens
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    _time_passes()
    _worker()
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer, verdict.scheduled_at) == ("published", reviewer, None)
    assert Revision.objects.get(claim=verdict.claim).approved_by == reviewer
    assert list(Claim.objects.published()) == [verdict.claim]


@with_the_worker
def test_a_change_after_scheduling_stops_the_publication(queue, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    _schedule(verdict, reviewer)
    claim = Claim.objects.get(pk=verdict.claim_id)
    claim.text = "Changed after the reviewer approved it."
    services.claim_save(claim=claim, by=verdict.author, expected_version=claim.version)
    assert Verdict.objects.get(pk=verdict.pk).scheduled_at is None  # the schedule no longer stands
    _time_passes()
    _worker()
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    assert not Claim.objects.published().exists()


@with_the_worker
def test_cancel_and_reschedule(queue, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    _schedule(verdict, reviewer, minutes=10)
    services.verdict_unschedule(verdict=verdict, by=reviewer)
    _time_passes()
    _worker()
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    _schedule(verdict, reviewer, minutes=20)
    _schedule(verdict, reviewer, minutes=40)  # moved: the 20-minute job finds the new time and stops
    # (the queue also holds the desk's notification of the submission)
    assert DBTaskResult.objects.filter(task_path="claims.tasks.publish_scheduled").count() == 3
    _time_passes()
    _worker()
    verdict.refresh_from_db()
    assert verdict.status == "published"
    assert verdict.history.filter(status="published").count() == 1


def test_scheduling_follows_the_publishing_rule(queue, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    Verdict.objects.filter(pk=verdict.pk).update(author=reviewer)
    with pytest.raises(services.WorkflowError, match="You wrote this verdict"):
        _schedule(Verdict.objects.get(pk=verdict.pk), reviewer)
    verdict = Verdict.objects.get(pk=verdict.pk)
    reviewer = UserFactory(username="sched-reviewer", group="Reviewers")
    editor = UserFactory(username="sched-editor", group="Editors")
    with pytest.raises(services.WorkflowError, match="Only a reviewer"):
        _schedule(verdict, editor)
    with pytest.raises(services.WorkflowError, match="Choose a time in the future"):
        _schedule(verdict, reviewer, minutes=-5)
    with pytest.raises(services.WorkflowError, match="changed after you opened it"):
        services.verdict_schedule(verdict=verdict, by=reviewer, revision="0" * 64, at=_in(5))
    assert not DBTaskResult.objects.exists()
    assert Verdict.objects.get(pk=verdict.pk).scheduled_at is None


def test_reviewer_schedules_from_the_verdict_page(client, queue, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    when = timezone.localtime(_in(90)).strftime("%Y-%m-%dT%H:%M")
    response = _post_change(client, verdict, _schedule="Save and schedule", publish_at=when)
    assert _messages(response) == ["Scheduled: it goes public at the time you chose."]
    verdict.refresh_from_db()
    assert timezone.localtime(verdict.scheduled_at).strftime("%Y-%m-%dT%H:%M") == when
    page = client.get(_change_url(verdict))
    assert 'name="_unschedule"' in page.content.decode()
    response = _post_change(client, verdict, _unschedule="Cancel the schedule")
    assert _messages(response) == ["The scheduled publication is cancelled."]
    assert Verdict.objects.get(pk=verdict.pk).scheduled_at is None


def test_a_reviewer_sends_back_with_a_required_comment(client, reviewer, django_capture_on_commit_callbacks):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    client.force_login(reviewer)
    response = _post_change(client, verdict, _return_draft="Send back to draft")
    assert _messages(response) == ["Say what needs to change: the author reads this on their desk."]
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    received = []

    def listener(**kwargs):
        received.append({k: v for k, v in kwargs.items() if k != "signal"})

    events.verdict_returned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            data = form_data(client.get(_change_url(verdict)))
            data |= {"_return_draft": "x", "send_back_comment": "Cite the ministry's own table."}
            client.post(_change_url(verdict), data)
    finally:
        events.verdict_returned.disconnect(listener)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.returned_by, verdict.return_comment) == (
        "draft",
        reviewer,
        "Cite the ministry's own table.",
    )
    assert received == [
        {
            "sender": None,
            "claim_id": verdict.claim_id,
            "verdict_id": verdict.pk,
            "by_id": reviewer.pk,
            "comment": "Cite the ministry's own table.",
        }
    ]
    page = client.get(_change_url(verdict)).content.decode()
    assert "Cite the ministry&#x27;s own table." in page


def test_the_author_may_take_a_verdict_back_without_a_comment(editor):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    services.verdict_return_to_draft(verdict=verdict, by=verdict.author)
    assert Verdict.objects.get(pk=verdict.pk).status == "draft"


def test_a_failing_event_receiver_never_undoes_the_action(reviewer, django_capture_on_commit_callbacks, caplog):
    def broken(**kwargs):
        raise RuntimeError("mail server down")

    events.verdict_published.connect(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            verdict = make_verdict(reviewer=reviewer)
    finally:
        events.verdict_published.disconnect(broken)
    assert Verdict.objects.get(pk=verdict.pk).status == "published"
    assert "mail server down" in caplog.text


def test_readyz_reports_the_queue(client, queue, settings, reviewer):
    assert client.get("/readyz").json()["queue"] == {"waiting": 0, "oldest_waiting_seconds": 0}
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    _schedule(verdict, reviewer)
    assert client.get("/readyz").json()["queue"] == {"waiting": 0, "oldest_waiting_seconds": 0}  # not due
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    DBTaskResult.objects.update(run_after=ten_minutes_ago, enqueued_at=ten_minutes_ago)
    body = client.get("/readyz").json()
    assert body["queue"]["waiting"] == 1
    assert 599 <= body["queue"]["oldest_waiting_seconds"] <= 660
    assert body["status"] == "degraded"
    assert "are the workers (manage.py db_worker) running?" in body["warnings"][-1]
