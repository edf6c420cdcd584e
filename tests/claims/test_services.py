import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims import services
from claims.models import Claim, ContentVersion, Correction, PendingChange, Rating, Verdict
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, VerdictFactory, correct, make_verdict

pytestmark = pytest.mark.django_db


def _in_review(**kwargs):
    return make_verdict(Verdict.Status.IN_REVIEW, **kwargs)


def test_author_cannot_publish_own_verdict(reviewer):
    verdict = VerdictFactory(author=reviewer)
    AppearanceFactory(claim=verdict.claim)
    EvidenceFactory(verdict=verdict)
    services.verdict_submit_for_review(verdict=verdict, by=reviewer)
    with pytest.raises(services.WorkflowError, match="You wrote this verdict"):
        services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert Verdict.objects.get(pk=verdict.pk).status == Verdict.Status.IN_REVIEW


def test_reviewer_publishes_verdict_written_by_editor(reviewer):
    verdict = _in_review()
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    verdict.refresh_from_db()
    assert (verdict.status, verdict.reviewer, verdict.published_at is not None) == ("published", reviewer, True)
    assert list(Claim.objects.published()) == [verdict.claim]


def test_editor_cannot_publish(other_editor):
    verdict = _in_review()
    with pytest.raises(services.WorkflowError, match="Only a reviewer can publish"):
        services.verdict_publish(verdict=verdict, by=other_editor, revision=services.claim_revision(verdict.claim))


def test_double_publish_publishes_once(reviewer):
    verdict = _in_review()
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    with pytest.raises(services.WorkflowError, match="already published"):
        services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert Verdict.history.filter(id=verdict.pk, status="published").count() == 1


def test_publish_names_every_missing_requirement(editor, reviewer):
    claim = ClaimFactory(claimant=None, unattributed=False)
    verdict = VerdictFactory(claim=claim, rating=None, conclusion="", author=editor)
    with pytest.raises(services.WorkflowError) as excinfo:
        services.verdict_submit_for_review(verdict=verdict, by=editor)
    assert excinfo.value.messages == [
        "It cannot go to review yet:",
        "the claim needs a claimant, or must be marked unattributed",
        "the claim needs at least one appearance (where it was made or repeated)",
        "the verdict needs a rating",
        "the verdict needs a one-sentence conclusion",
        "the verdict needs at least one evidence source",
    ]


def test_unattributed_claim_can_be_published(reviewer):
    verdict = _in_review(claimant=None, unattributed=True)
    services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    assert Verdict.objects.get(pk=verdict.pk).status == "published"


def test_pledge_needs_a_pledge_rating(editor):
    claim = ClaimFactory(kind=Claim.Kind.PLEDGE)
    with pytest.raises(ValidationError, match="pledge status scale"):
        services.verdict_save(
            verdict=Verdict(claim=claim, rating=Rating.objects.get(slug="true"), conclusion="x"), by=editor
        )
    assert not Verdict.objects.exists()


def test_published_verdict_cannot_be_saved_in_place(reviewer):
    verdict = make_verdict(reviewer=reviewer)
    verdict.rating = Rating.objects.get(slug="mostly-false")
    with pytest.raises(services.WorkflowError, match="proposed with a public note"):
        services.verdict_save(verdict=verdict, by=reviewer, expected_version=verdict.version)
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "false"
    assert not Correction.objects.exists()


def test_correction_records_old_and_new_rating_once_a_second_person_approves(reviewer, other_editor):
    verdict = make_verdict(reviewer=reviewer)
    version_before = ContentVersion.objects.get().number
    change = services.verdict_correct(
        verdict=verdict,
        by=other_editor,
        note="New figures were published.",
        rating=Rating.objects.get(slug="half-true"),
    )
    # Proposed only: the public keeps the published revision.
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "false"
    assert ContentVersion.objects.get().number == version_before
    services.change_approve(change=change, by=reviewer, revision=change.unit_hash)
    correction = verdict.corrections.get()
    assert (correction.kind, correction.old_rating.slug, correction.new_rating.slug) == (
        "rating_change",
        "false",
        "half-true",
    )
    assert (correction.note, correction.created_by) == ("New figures were published.", other_editor)
    assert Verdict.objects.get(pk=verdict.pk).rating.slug == "half-true"
    assert ContentVersion.objects.get().number == version_before + 1


def test_pledge_status_change_is_recorded(reviewer):
    verdict = make_verdict(reviewer=reviewer, kind=Claim.Kind.PLEDGE, rating=Rating.objects.get(slug="in-the-works"))
    correction = correct(verdict=verdict, by=reviewer, note="The law passed.", rating=Rating.objects.get(slug="kept"))
    assert (correction.kind, correction.old_rating.label, correction.new_rating.label) == (
        "pledge_status",
        "In the works",
        "Kept",
    )


def test_correction_without_note_is_refused(reviewer):
    verdict = make_verdict(reviewer=reviewer)
    with pytest.raises(services.WorkflowError, match="write the note that tells readers"):
        services.verdict_correct(verdict=verdict, by=reviewer, note="  ", conclusion="Changed.")
    assert Verdict.objects.get(pk=verdict.pk).conclusion == "The statement is not accurate."
    assert not PendingChange.objects.exists()


def test_retract_keeps_the_page_public_with_a_note(reviewer):
    verdict = make_verdict(reviewer=reviewer)
    services.verdict_retract(verdict=verdict, note="The source was a forgery.", by=reviewer)
    verdict.refresh_from_db()
    assert (verdict.status, verdict.retraction_note) == ("retracted", "The source was a forgery.")
    assert list(Claim.objects.public()) == [verdict.claim]
    assert list(Claim.objects.published()) == []
    assert verdict.corrections.get().kind == "retraction"


def test_stale_save_is_refused_and_names_what_changed(reviewer):
    verdict = make_verdict(Verdict.Status.DRAFT)
    stale_version = verdict.version
    first = Verdict.objects.get(pk=verdict.pk)
    first.analysis = "The first editor's analysis."
    services.verdict_save(verdict=first, by=verdict.author, expected_version=stale_version)
    verdict.conclusion = "Second editor's text."
    with pytest.raises(
        services.EditConflict, match=r"changed this verdict while you were editing it\. They changed: analysis"
    ):
        services.verdict_save(verdict=verdict, by=verdict.author, expected_version=stale_version)


def test_database_refuses_published_verdict_without_reviewer():
    verdict = make_verdict(Verdict.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(status="published")


def test_database_refuses_self_review():
    verdict = make_verdict()
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(reviewer=verdict.author)


def test_history_records_who_changed_a_verdict(reviewer):
    verdict = make_verdict(reviewer=reviewer)
    statuses = list(Verdict.history.filter(id=verdict.pk).order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "in_review", "published"]


def test_nobody_changes_a_published_claim_in_place(editor, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    claim = Claim.objects.get(pk=verdict.claim_id)
    claim.text = "Rewritten after publication."
    for person in (editor, reviewer):
        with pytest.raises(services.WorkflowError, match="proposed with a public note"):
            services.claim_save(claim=claim, by=person, expected_version=claim.version)
    assert Claim.objects.get(pk=claim.pk).text != "Rewritten after publication."


def test_any_admin_change_bumps_the_content_version(reviewer_client):
    from claims.models import Topic

    topic = Topic.objects.create(name="Energy", slug="energy")
    before = ContentVersion.objects.get().number
    response = reviewer_client.post(
        f"/admin/claims/topic/{topic.pk}/change/", {"name": "Energy policy", "slug": "energy", "description": ""}
    )
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).name == "Energy policy"
    assert ContentVersion.objects.get().number == before + 1


def test_reviewer_who_rewrote_a_verdict_in_review_cannot_publish_it(reviewer):
    from tests.factories import UserFactory

    verdict = _in_review()
    verdict.conclusion = "Rewritten by the reviewer."
    services.verdict_save(verdict=verdict, by=reviewer, expected_version=verdict.version)
    with pytest.raises(services.WorkflowError, match="another reviewer must check and publish it"):
        services.verdict_publish(verdict=verdict, by=reviewer, revision=services.claim_revision(verdict.claim))
    second = UserFactory(username="second-reviewer", group="Reviewers")
    services.verdict_publish(verdict=verdict, by=second, revision=services.claim_revision(verdict.claim))
    assert Verdict.objects.get(pk=verdict.pk).status == "published"


def test_saving_without_changing_the_text_keeps_the_last_editor(editor, reviewer):
    verdict = make_verdict(Verdict.Status.IN_REVIEW)
    services.verdict_save(verdict=Verdict.objects.get(pk=verdict.pk), by=reviewer, expected_version=verdict.version)
    assert Verdict.objects.get(pk=verdict.pk).last_edited_by_id is None


# --- Who we are ------------------------------------------------------------------------------------


def test_a_staff_profile_is_changed_by_its_owner_and_marks_their_claims_changed(reviewer, editor):
    from django.core.exceptions import PermissionDenied

    from organisation.models import StaffProfile

    verdict = make_verdict(reviewer=reviewer)
    before = (Claim.objects.get(pk=verdict.claim_id).updated_at, ContentVersion.objects.get(pk=1).number)
    profile = services.staff_profile_save(
        profile=StaffProfile(user=reviewer, display_name="Rafa", slug="rafa"), by=reviewer
    )
    after = (Claim.objects.get(pk=verdict.claim_id).updated_at, ContentVersion.objects.get(pk=1).number)
    assert after[0] > before[0] and after[1] == before[1] + 1
    profile.display_name = "Someone else"
    with pytest.raises(PermissionDenied):
        services.staff_profile_save(profile=profile, by=editor, expected_version=profile.version)
    assert StaffProfile.objects.get(pk=profile.pk).display_name == "Rafa"


def test_funding_and_texts_are_changed_by_reviewers_only(reviewer, editor):
    from django.core.exceptions import PermissionDenied

    from organisation.models import FundingSource

    row = FundingSource(year=2024, funder="Readers", kind="donations", amount=10, currency="EUR")
    with pytest.raises(PermissionDenied):
        services.organisation_save(obj=row, by=editor)
    services.organisation_save(obj=row, by=reviewer)
    assert list(FundingSource.objects.values_list("funder", "version")) == [("Readers", 1)]
    row.amount = 20
    services.organisation_save(obj=row, by=reviewer, expected_version=1)
    with pytest.raises(services.EditConflict):
        services.organisation_save(obj=FundingSource.objects.get(), by=reviewer, expected_version=1)
