"""A whole day on the desk in a real browser (Debian's chromium through Playwright): a reader sends a
tip; an editor turns it into a claim after the desk warns of a near duplicate, writes the verdict,
previews it and submits it; the reviewer finds it on the desk and sends it back with a comment; the
editor fixes it and submits again; the reviewer schedules it; the task worker (the database queue,
as in production) publishes it at its time; and the notification emails went out through the queue.
Screenshots go to tests/screenshots/desk-day-*.png."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from claims.models import Rating, Verdict
from desk.models import Comment, Tip
from tests.browser.test_reader_journeys import (  # noqa: F401 - fixtures
    SCREENSHOTS,
    _serialized_db,
    browser,
    site,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-desk-password"
TIP = (
    "Putin promised an immediate ceasefire if Ukraine withdraws its troops from four regions "
    "and drops its NATO bid, but he also said the talks could start at once."
)
TIP_URL = "https://example.org/video/speech-clip"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def newsroom(site, settings):  # noqa: F811
    """The database queue (as in production: jobs wait for the worker), and two people with email
    addresses: Erin writes, Rita reviews."""
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_BACKEND = "database"
    erin = UserFactory(username="erin", first_name="Erin", last_name="Editor", group="Editors", password=PASSWORD)
    rita = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", group="Reviewers", password=PASSWORD)
    for user, address in ((erin, "erin@newsroom.test"), (rita, "rita@newsroom.test")):
        user.email = address
        user.save()
    return site


def _worker():
    """One pass of the task worker over every job that is due."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def _time_passes():
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def _shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"desk-day-{name}.png"), full_page=True)


def _person(browser, site, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(site + "/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    return page


def _section(page, key):
    return page.locator(f"#desk-{key}")


def _press(page, label):
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _messages(page):
    return page.locator("ul.messagelist li").all_inner_texts()


def test_a_day_on_the_desk(browser, newsroom):  # noqa: F811
    site = newsroom  # noqa: F811

    # Morning: a reader sends a tip from the public form.
    reader = browser.new_context(viewport={"width": 390, "height": 844})
    tip_page = reader.new_page()
    tip_page.goto(site + "/tips/new/")
    tip_page.get_by_label("The claim").fill(TIP)
    tip_page.get_by_label("Where did you see or hear it?").fill("A clip of the speech on a video site")
    tip_page.get_by_label("Link").fill(TIP_URL)
    with tip_page.expect_navigation():
        tip_page.get_by_role("button", name="Send the suggestion").click()
    assert tip_page.locator("h1").inner_text() == "Thank you for your suggestion"
    reader.close()
    tip = Tip.objects.get()
    assert (tip.status, tip.text) == ("new", TIP)

    # The editor's desk shows the tip waiting for triage; the tip's page warns of a near duplicate.
    erin = _person(browser, site, "erin")
    assert _section(erin, "tips").locator(".desk-count").inner_text() == "1"
    _shoot(erin, "1-editor-desk-morning")
    erin.goto(f"{site}/admin/desk/tip/{tip.pk}/change/")
    matches = erin.locator("#tip-matches")
    assert "Putin pledges an “immediate” ceasefire" in matches.inner_text()
    _shoot(erin, "2-tip-with-near-duplicate")

    # It is a new angle on the speech (the talks), so the editor turns it into a draft claim.
    _press(erin, "Turn into a draft claim")
    claim = Tip.objects.get(pk=tip.pk).claim
    assert erin.url.endswith(f"/admin/claims/claim/{claim.pk}/change/")
    assert claim.appearances.get().source.url == TIP_URL

    # She assigns herself as its editor and Rita as its reviewer.
    erin.select_option("#desk-assignment select[name=editor]", label="Erin Editor")
    erin.select_option("#desk-assignment select[name=reviewer]", label="Rita Reviewer")
    _press(erin, "Assign")
    assert claim.assignment.reviewer.username == "rita"

    # She writes the verdict: rating, conclusion, analysis and an evidence source (autocomplete).
    with erin.expect_navigation():
        erin.get_by_role("link", name="Write the verdict").click()
    erin.select_option("#id_rating", value=str(Rating.objects.get(slug="mostly-false").pk))
    erin.fill("#id_conclusion", "The speech set conditions for a ceasefire; it did not offer talks at once.")
    erin.fill("#id_analysis", "The Kremlin transcript ties any talks to the withdrawal first.")
    erin.locator("#evidence-0 .select2-selection").first.click()
    erin.locator(".select2-search__field").fill("Putin Offers")
    erin.locator(".select2-results__option", has_text="Putin Offers To Maintain Ceasefire").first.click()
    erin.locator("textarea[name='evidence-0-note']").fill("The full report of the speech.")
    _press(erin, "Save and continue editing")
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.status, verdict.author.username) == ("draft", "erin")
    assert verdict.evidence.count() == 1

    # She previews the page exactly as readers will see it, then submits it for review.
    with erin.context.expect_page() as opened:
        erin.get_by_role("link", name="Preview").click(modifiers=["Shift"])
    preview = opened.value
    preview.wait_for_load_state()
    assert "Preview — not published" in preview.inner_text("body")
    assert preview.locator("meta[name=robots]").get_attribute("content").startswith("noindex")
    assert "The speech set conditions for a ceasefire" in preview.inner_text("body")
    _shoot(preview, "3-preview")
    preview.close()
    _press(erin, "Save and submit for review")
    assert "Submitted for review" in " ".join(_messages(erin))
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"

    # The reviewer finds it on her desk, waiting for her review, and sends it back with a comment.
    rita = _person(browser, site, "rita")
    waiting = _section(rita, "review")
    assert claim.title in waiting.inner_text()
    _shoot(rita, "4-reviewer-desk")
    with rita.expect_navigation():
        waiting.get_by_role("link", name=claim.title).click()
    rita.fill("#id_send_back_comment", "Quote the transcript's exact words on the talks.")
    _press(rita, "Send back to draft")
    verdict.refresh_from_db()
    assert (verdict.status, verdict.return_comment) == ("draft", "Quote the transcript's exact words on the talks.")
    assert Comment.objects.get(claim=claim, kind="sent_back").body == verdict.return_comment

    # The editor sees it sent back to her with the comment, fixes it and submits it again.
    erin.goto(site + "/admin/")
    sent_back = _section(erin, "sent_back")
    assert "Quote the transcript's exact words on the talks." in sent_back.inner_text()
    _shoot(erin, "5-editor-desk-sent-back")
    with erin.expect_navigation():
        sent_back.get_by_role("link", name=claim.title).click()
    erin.fill("#id_analysis", "The Kremlin transcript says talks start “immediately” only after the withdrawal.")
    _press(erin, "Save and submit for review")
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"

    # The reviewer approves the revision she was shown, to go public in an hour.
    rita.goto(f"{site}/admin/claims/verdict/{verdict.pk}/change/")
    at = timezone.localtime() + datetime.timedelta(hours=1)
    rita.fill("#id_publish_at", at.strftime("%Y-%m-%dT%H:%M"))
    _press(rita, "Save and schedule")
    verdict.refresh_from_db()
    assert (verdict.status, verdict.scheduled_by.username) == ("in_review", "rita")
    rita.goto(site + "/admin/")
    assert claim.title in _section(rita, "scheduled").inner_text()
    _shoot(rita, "6-reviewer-desk-scheduled")

    # Not yet public: the worker runs, but the time has not come.
    _worker()
    assert Verdict.objects.get(pk=verdict.pk).status == "in_review"
    anonymous = browser.new_context()
    reader_page = anonymous.new_page()
    assert reader_page.goto(f"{site}{claim.get_absolute_url()}").status == 404

    # The time comes: the worker publishes it, through the same service, as Rita approved it.
    _time_passes()
    _worker()
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer.username) == ("published", "rita")
    response = reader_page.goto(f"{site}{claim.get_absolute_url()}")
    assert response.status == 200
    body = reader_page.inner_text("body")
    assert "only after the withdrawal" in body and "Preview" not in body
    assert Rating.objects.get(slug="mostly-false").label.lower() in body.lower()
    anonymous.close()
    erin.goto(site + "/admin/")
    assert claim.title in _section(erin, "published").inner_text()

    # The emails went out through the queue: the tip to the reviewers, the assignment to Rita, the
    # submissions to her, the send-back (with its comment) and the publication to Erin.
    _worker()
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    to_rita = [subject for address, subject in sent if address == "rita@newsroom.test"]
    to_erin = [subject for address, subject in sent if address == "erin@newsroom.test"]
    assert any(re.search(r"tip", subject, re.I) for subject in to_rita), sent
    assert any(re.search(r"assigned", subject, re.I) for subject in to_rita), sent
    assert len([s for s in to_rita if re.search(r"review", s, re.I)]) >= 2, sent
    assert any(re.search(r"sent back", subject, re.I) for subject in to_erin), sent
    assert any(re.search(r"published", subject, re.I) for subject in to_erin), sent
    sent_back_mail = next(m for m in mail.outbox if re.search("sent back", m.subject, re.I))
    assert "Quote the transcript's exact words on the talks." in sent_back_mail.body
    # By evening every job has run, the partners' debounced dataset build included.
    _time_passes()
    _worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert erin.errors == [] and rita.errors == []
