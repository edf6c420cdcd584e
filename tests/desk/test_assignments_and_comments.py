"""desk.services for assignments and the internal thread: who may be assigned, the work_assigned
event, comments kept in history, and a reviewer's send-back comment joining the thread."""

import pytest
from django.core.exceptions import PermissionDenied

from claims import services as claim_services
from claims.models import Verdict
from desk import events, services
from desk.models import Assignment, Comment
from tests.factories import ClaimFactory, UserFactory, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """The work_assigned events sent, as (claim_id, user_id, role, by_id)."""
    received = []

    def listener(sender, *, claim_id, user_id, role, by_id, **kwargs):
        received.append((claim_id, user_id, role, by_id))

    events.work_assigned.connect(listener, dispatch_uid="test-listener")
    yield received
    events.work_assigned.disconnect(dispatch_uid="test-listener")


def _refusal(exc_info):
    return {field: [str(m) for m in errors] for field, errors in exc_info.value.message_dict.items()}


def test_assigning_records_who_and_tells_each_person_after_commit(
    editor, reviewer, other_editor, sent, django_capture_on_commit_callbacks
):
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_set(claim=claim, editor=editor, reviewer=reviewer, by=other_editor)
    assignment.refresh_from_db()
    assert (assignment.editor, assignment.reviewer, assignment.assigned_by) == (editor, reviewer, other_editor)
    assert sent == [
        (claim.pk, editor.pk, "editor", other_editor.pk),
        (claim.pk, reviewer.pk, "reviewer", other_editor.pk),
    ]


def test_only_newly_assigned_people_are_told(editor, reviewer, sent, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    second = UserFactory(username="sofia-second-reviewer", group="Reviewers")
    services.assignment_set(claim=claim, editor=editor, reviewer=reviewer, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_set(claim=claim, editor=editor, reviewer=second, by=editor)
    assert sent == [(claim.pk, second.pk, "reviewer", editor.pk)]
    assert Assignment.objects.get(claim=claim).history.count() == 2


def test_nothing_is_told_when_the_assignment_is_refused(editor, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(claim_services.WorkflowError):
        services.assignment_set(claim=ClaimFactory(), editor=editor, reviewer=editor, by=editor)
    assert sent == []
    assert not Assignment.objects.exists()


def test_the_reviewer_must_be_able_to_publish(editor, other_editor):
    with pytest.raises(claim_services.WorkflowError) as exc_info:
        services.assignment_set(claim=ClaimFactory(), editor=editor, reviewer=other_editor, by=editor)
    assert _refusal(exc_info) == {"reviewer": ["Test cannot publish: choose a reviewer."]}


def test_the_editor_cannot_also_be_the_reviewer(reviewer):
    with pytest.raises(claim_services.WorkflowError) as exc_info:
        services.assignment_set(claim=ClaimFactory(), editor=reviewer, reviewer=reviewer, by=reviewer)
    assert _refusal(exc_info) == {
        "reviewer": ["The editor cannot also be the reviewer: a second person reviews the work."]
    }


def test_a_reviewer_who_wrote_the_verdict_cannot_be_its_reviewer(editor, reviewer):
    verdict = make_verdict(Verdict.Status.DRAFT)
    verdict.author = reviewer
    verdict.save()
    with pytest.raises(claim_services.WorkflowError) as exc_info:
        services.assignment_set(claim=verdict.claim, editor=editor, reviewer=reviewer, by=editor)
    assert _refusal(exc_info) == {
        "reviewer": [
            "Test wrote or changed this fact-check since its last publication, so cannot publish it: choose "
            "another reviewer."
        ]
    }


def test_a_reviewer_who_changed_it_cannot_be_its_reviewer(editor, reviewer):
    claim = ClaimFactory()
    claim.changers.add(reviewer)
    with pytest.raises(claim_services.WorkflowError):
        services.assignment_set(claim=claim, editor=editor, reviewer=reviewer, by=editor)


def test_the_editor_must_be_able_to_write(reader, reviewer, editor):
    reader.is_staff = True
    reader.save()
    with pytest.raises(claim_services.WorkflowError) as exc_info:
        services.assignment_set(claim=ClaimFactory(), editor=reader, reviewer=reviewer, by=editor)
    assert _refusal(exc_info) == {"editor": ["Test cannot write verdicts: choose an editor."]}


def test_nobody_may_be_assigned_yet(editor):
    claim = ClaimFactory()
    assignment = services.assignment_set(claim=claim, editor=None, reviewer=None, by=editor)
    assert (assignment.editor, assignment.reviewer, assignment.assigned_by) == (None, None, editor)


def test_a_reader_cannot_assign(reader, editor, reviewer):
    with pytest.raises(PermissionDenied):
        services.assignment_set(claim=ClaimFactory(), editor=editor, reviewer=reviewer, by=reader)


def test_a_comment_is_kept_without_control_characters_and_in_history(editor):
    claim = ClaimFactory()
    comment = services.comment_add(claim=claim, body="  Check the\x00 2023 series.\x0b  ", by=editor)
    comment.refresh_from_db()
    assert (comment.body, comment.author, comment.kind) == ("Check the 2023 series.", editor, "comment")
    assert [h.body for h in comment.history.all()] == ["Check the 2023 series."]


@pytest.mark.parametrize("body", ["", "   ", "\x00\x01"])
def test_an_empty_comment_is_refused(editor, body):
    with pytest.raises(claim_services.WorkflowError) as exc_info:
        services.comment_add(claim=ClaimFactory(), body=body, by=editor)
    assert _refusal(exc_info) == {"body": ["Write the comment first."]}
    assert not Comment.objects.exists()


def test_a_reader_cannot_comment(reader):
    with pytest.raises(PermissionDenied):
        services.comment_add(claim=ClaimFactory(), body="Hello", by=reader)


def test_a_reviewers_send_back_comment_joins_the_thread(reviewer, django_capture_on_commit_callbacks):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.verdict_return_to_draft(verdict=verdict, by=reviewer, comment="Cite the 2023 figures.")
    comment = Comment.objects.get()
    assert (comment.claim, comment.author, comment.kind, comment.body) == (
        verdict.claim,
        reviewer,
        "sent_back",
        "Cite the 2023 figures.",
    )


def test_an_author_taking_their_verdict_back_adds_nothing(django_capture_on_commit_callbacks):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        claim_services.verdict_return_to_draft(verdict=verdict, by=verdict.author)
    assert not Comment.objects.exists()
