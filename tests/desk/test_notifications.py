"""Notification emails: who receives what, opt-outs, and failed sends retried without touching the
action that caused them. The immediate task backend runs each job at once (tests/testenv.py); the
database backend's retry is deferred."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims import events, services
from claims.models import Verdict
from desk import events as desk_events
from desk import services as desk_services
from desk import tasks
from desk.models import Assignment, NotificationPreference, Tip
from tests.factories import ClaimFactory, UserFactory, make_verdict

pytestmark = pytest.mark.django_db

SITE = "https://factcheck.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """Commits as the site does: the events, then the queued notifications, run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _sent(mailoutbox):
    return sorted((message.to[0], message.subject) for message in mailoutbox)


def _submit_tip(run_after_commit):
    with run_after_commit():
        return desk_services.tip_submit(text="The mayor said the bridge cost 40 million.\nTruly.")


# --- Who receives what ----------------------------------------------------------------------------


def test_a_tip_is_sent_to_every_reviewer_and_no_editor(
    mail_editor, mail_reviewer, second_reviewer, mailoutbox, run_after_commit
):
    tip = _submit_tip(run_after_commit)
    assert _sent(mailoutbox) == [
        ("rafael@desk.example", "[Factcheck Desk] New reader tip: The mayor said the bridge cost 40 million. Truly."),
        ("sofia@desk.example", "[Factcheck Desk] New reader tip: The mayor said the bridge cost 40 million. Truly."),
    ]
    message = mailoutbox[0]
    assert message.from_email == "desk@localhost"
    assert message.content_subtype == "plain"
    assert message.body == (
        f"Hello Test,\n\n"
        f"A reader suggested a claim to check:\n\n"
        f"The mayor said the bridge cost 40 million.\nTruly.\n\n\n"
        f"Triage it (matches, turn it into a claim, or dismiss it): {SITE}/admin/desk/tip/{tip.pk}/change/\n\n"
        f"-- \nFactcheck Desk\n"
        f"Turn these emails off, kind by kind: {SITE}/admin/desk/notificationpreference/\n"
    )


def test_nobody_without_an_email_address_or_inactive_is_written_to(
    mail_reviewer, reviewer, mailoutbox, run_after_commit
):
    UserFactory(username="gone-reviewer", group="Reviewers", email="gone@desk.example", is_active=False)
    _submit_tip(run_after_commit)
    assert [m.to for m in mailoutbox] == [["rafael@desk.example"]]  # `reviewer` has no address


def test_a_submitted_verdict_goes_to_every_reviewer_but_its_author(
    mail_editor, mail_reviewer, second_reviewer, mailoutbox, run_after_commit
):
    verdict = make_verdict(Verdict.Status.DRAFT, title="Bridge cost")
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_submit_for_review(verdict=verdict, by=mail_editor)
    assert _sent(mailoutbox) == [
        ("rafael@desk.example", "[Factcheck Desk] For your review: Bridge cost"),
        ("sofia@desk.example", "[Factcheck Desk] For your review: Bridge cost"),
    ]
    assert mailoutbox[0].body.splitlines()[2:6] == [
        "Test submitted the verdict on “Bridge cost” for review.",
        "No reviewer is assigned to it, so every reviewer is told.",
        "",
        f"Review it: {SITE}/admin/claims/verdict/{verdict.pk}/change/",
    ]


def test_a_submitted_verdict_goes_to_its_assigned_reviewer_only(
    mail_editor, mail_reviewer, second_reviewer, mailoutbox, run_after_commit
):
    verdict = make_verdict(Verdict.Status.DRAFT, title="Bridge cost")
    Assignment.objects.create(claim=verdict.claim, editor=mail_editor, reviewer=second_reviewer)
    with run_after_commit():
        services.verdict_submit_for_review(verdict=verdict, by=mail_editor)
    assert _sent(mailoutbox) == [("sofia@desk.example", "[Factcheck Desk] For your review: Bridge cost")]
    assert "You are its assigned reviewer." in mailoutbox[0].body


def test_a_verdict_sent_back_goes_to_its_author_with_the_comment(
    mail_editor, mail_reviewer, mailoutbox, run_after_commit
):
    verdict = make_verdict(Verdict.Status.IN_REVIEW, title="Bridge cost")
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_return_to_draft(verdict=verdict, by=mail_reviewer, comment="Cite the budget line.\nThanks.")
    assert _sent(mailoutbox) == [("erin@desk.example", "[Factcheck Desk] Sent back to you: Bridge cost")]
    assert mailoutbox[0].body.splitlines()[2:10] == [
        "Test sent your verdict on “Bridge cost” back to draft.",
        "",
        "Their comment:",
        "",
        "Cite the budget line.",
        "Thanks.",
        "",
        f"Open the verdict: {SITE}/admin/claims/verdict/{verdict.pk}/change/",
    ]


def test_an_author_taking_back_their_own_verdict_is_not_told(mail_editor, mailoutbox, run_after_commit):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_return_to_draft(verdict=verdict, by=mail_editor)
    assert mailoutbox == []


def test_a_published_verdict_goes_to_its_author(
    mail_editor, mail_reviewer, second_reviewer, mailoutbox, run_after_commit
):
    verdict = make_verdict(Verdict.Status.IN_REVIEW, title="Bridge cost", slug="bridge-cost")
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_publish(verdict=verdict, by=mail_reviewer, revision=services.claim_revision(verdict.claim))
    assert _sent(mailoutbox) == [("erin@desk.example", "[Factcheck Desk] Published: Bridge cost")]
    assert mailoutbox[0].body.splitlines()[2:6] == [
        "Test published your verdict on “Bridge cost”.",
        "",
        f"In the admin: {SITE}/admin/claims/verdict/{verdict.pk}/change/",
        f"On the site: {SITE}/claims/bridge-cost/",
    ]


def test_assigned_work_is_told_to_the_person_assigned(mail_editor, mail_reviewer, mailoutbox, run_after_commit):
    claim = ClaimFactory(title="Bridge cost")
    with run_after_commit():
        events.send_after_commit(
            desk_events.work_assigned, claim_id=claim.pk, user_id=mail_editor.pk, role="editor", by_id=mail_reviewer.pk
        )
    assert _sent(mailoutbox) == [("erin@desk.example", "[Factcheck Desk] Assigned to you: Bridge cost")]
    assert mailoutbox[0].body.splitlines()[2:5] == [
        "Test assigned you as the editor of “Bridge cost”.",
        "",
        f"Open the claim: {SITE}/admin/claims/claim/{claim.pk}/change/",
    ]


def test_assigning_yourself_sends_nothing(mail_reviewer, mailoutbox, run_after_commit):
    claim = ClaimFactory()
    with run_after_commit():
        events.send_after_commit(
            desk_events.work_assigned,
            claim_id=claim.pk,
            user_id=mail_reviewer.pk,
            role="reviewer",
            by_id=mail_reviewer.pk,
        )
    assert mailoutbox == []


def test_an_event_whose_object_is_gone_sends_nothing(mail_reviewer, mailoutbox, run_after_commit):
    with run_after_commit():
        tasks.queue_notification("tip", tip_id=987654)
    assert mailoutbox == []


def test_nothing_is_sent_for_a_rolled_back_action(mail_reviewer, mailoutbox, run_after_commit):
    with run_after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        desk_services.tip_submit(text="A claim.")
        raise RuntimeError("the caller's transaction fails after the tip was saved")
    assert mailoutbox == []
    assert not Tip.objects.exists()


# --- Opting out -----------------------------------------------------------------------------------


def test_a_reviewer_who_turned_tips_off_is_not_told(mail_reviewer, second_reviewer, mailoutbox, run_after_commit):
    desk_services.notification_settings_save(user=second_reviewer, tip=False)
    _submit_tip(run_after_commit)
    assert [m.to for m in mailoutbox] == [["rafael@desk.example"]]


def test_turning_one_kind_off_keeps_the_others(mail_editor, mail_reviewer, mailoutbox, run_after_commit):
    desk_services.notification_settings_save(user=mail_editor, returned=False)
    verdict = make_verdict(Verdict.Status.IN_REVIEW, title="Bridge cost")
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_return_to_draft(verdict=verdict, by=mail_reviewer, comment="Fix it.")
    assert mailoutbox == []
    with run_after_commit():
        services.verdict_submit_for_review(verdict=verdict, by=mail_editor)
        services.verdict_publish(verdict=verdict, by=mail_reviewer, revision=services.claim_revision(verdict.claim))
    assert _sent(mailoutbox) == [
        ("erin@desk.example", "[Factcheck Desk] Published: Bridge cost"),
        ("rafael@desk.example", "[Factcheck Desk] For your review: Bridge cost"),
    ]
    assert NotificationPreference.objects.get(user=mail_editor).published is True


# --- Failures -------------------------------------------------------------------------------------


@pytest.fixture
def flaky_mail(monkeypatch):
    """The mail backend refuses the first `failures` sends, then delivers."""
    state = {"failures": 1, "calls": 0}
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] <= state["failures"]:
            raise ConnectionRefusedError("SMTP server down")
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


def test_a_failed_send_is_retried_and_the_tip_is_kept(mail_reviewer, flaky_mail, mailoutbox, run_after_commit, caplog):
    tip = _submit_tip(run_after_commit)
    assert flaky_mail["calls"] == 2
    assert [m.to for m in mailoutbox] == [["rafael@desk.example"]]
    assert list(Tip.objects.all()) == [tip]
    assert f"Notification tip {{'tip_id': {tip.pk}}} to user {mail_reviewer.pk} failed" in caplog.text


def test_a_retry_goes_only_to_the_recipients_who_missed_it(
    mail_reviewer, second_reviewer, flaky_mail, mailoutbox, run_after_commit
):
    _submit_tip(run_after_commit)
    assert flaky_mail["calls"] == 3  # two recipients, the first send failed and was tried again alone
    assert sorted(m.to[0] for m in mailoutbox) == ["rafael@desk.example", "sofia@desk.example"]


def test_a_send_that_keeps_failing_is_given_up_and_the_publication_stands(
    mail_editor, mail_reviewer, flaky_mail, mailoutbox, run_after_commit, caplog
):
    flaky_mail["failures"] = 100
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    Verdict.objects.filter(pk=verdict.pk).update(author=mail_editor)
    with run_after_commit():
        services.verdict_publish(verdict=verdict, by=mail_reviewer, revision=services.claim_revision(verdict.claim))
    assert flaky_mail["calls"] == 1 + len(tasks.RETRY_DELAYS)
    assert mailoutbox == []
    assert Verdict.objects.get(pk=verdict.pk).status == "published"
    assert "given up after 5 attempts" in caplog.text


def test_a_queue_that_refuses_the_job_does_not_undo_the_tip(
    mail_reviewer, monkeypatch, mailoutbox, run_after_commit, caplog
):
    def refuse(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "send_notification", SimpleNamespace(enqueue=refuse))
    _submit_tip(run_after_commit)
    assert Tip.objects.count() == 1
    assert mailoutbox == []
    assert "queue down" in caplog.text


def test_on_the_database_queue_a_failed_send_is_retried_later(
    settings, mail_reviewer, flaky_mail, mailoutbox, run_after_commit
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with run_after_commit():
        tip = desk_services.tip_submit(text="A claim.")
    first = DBTaskResult.objects.get()
    assert (first.task_path, first.args_kwargs) == (
        "desk.tasks.send_notification",
        {"args": ["tip", {"tip_id": tip.pk}], "kwargs": {}},
    )
    before = timezone.now()
    tasks.send_notification.call("tip", {"tip_id": tip.pk})  # the worker's run of that job: the send fails
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.args_kwargs == {
        "args": ["tip", {"tip_id": tip.pk}],
        "kwargs": {"only": [mail_reviewer.pk], "attempt": 2},
    }
    assert before + datetime.timedelta(seconds=59) < retry.run_after < timezone.now() + datetime.timedelta(seconds=61)
    assert mailoutbox == []
