"""The database's named constraints hold whatever code writes the rows."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from claims.models import Appearance, Claim, Claimant, Correction, Rating, Topic, Verdict
from sources.models import Source
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    TopicFactory,
    UserFactory,
    VerdictFactory,
    make_verdict,
)

pytestmark = pytest.mark.django_db


def _refused(constraint_name):
    """Expect the database to refuse the write, naming the constraint (SQLite and PostgreSQL both
    put it in the message, except for unique columns, whose message names the column instead)."""
    return pytest.raises(IntegrityError, match=constraint_name)


@pytest.mark.parametrize(
    ("factory", "model"), [(ClaimFactory, Claim), (ClaimantFactory, Claimant), (TopicFactory, Topic)]
)
def test_slugs_are_unique(factory, model):
    factory(slug="same-slug")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(slug="same-slug")
    assert model.objects.filter(slug="same-slug").count() == 1


def test_rating_slug_and_label_per_scale_are_unique():
    with (
        _refused("rating_unique_label_per_scale|UNIQUE constraint failed: claims_rating.scale, claims_rating.label"),
        transaction.atomic(),
    ):
        Rating.objects.create(scale="veracity", label="False", slug="false-again", description="x", colour="#000000")
    Rating.objects.create(scale="pledge", label="False", slug="pledge-false", description="x", colour="#000000")
    assert Rating.objects.filter(label="False").count() == 2


def test_rating_ordinal_is_unique_per_scale():
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            scale="veracity", label="Pants on fire", slug="pants", description="x", colour="#000000", ordinal=1
        )


def test_one_verdict_per_claim():
    verdict = VerdictFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictFactory(claim=verdict.claim)
    assert Verdict.objects.count() == 1


def test_published_at_is_set_exactly_when_published():
    draft = make_verdict(Verdict.Status.DRAFT)
    with _refused("verdict_published_at_iff_published"), transaction.atomic():
        Verdict.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    published = make_verdict()
    with _refused("verdict_published_at_iff_published"), transaction.atomic():
        Verdict.objects.filter(pk=published.pk).update(published_at=None)
    assert Verdict.objects.filter(published_at__isnull=False).count() == 1


def test_retracted_at_is_set_exactly_when_retracted():
    published = make_verdict()
    with _refused("verdict_retracted_at_iff_retracted"), transaction.atomic():
        Verdict.objects.filter(pk=published.pk).update(status="retracted")


def test_reviewer_differs_from_author_on_a_published_verdict():
    published = make_verdict()
    with _refused("verdict_reviewer_not_author_when_published"), transaction.atomic():
        Verdict.objects.filter(pk=published.pk).update(reviewer=published.author)
    assert Verdict.objects.get(pk=published.pk).reviewer.username == "factory-reviewer"


def test_a_draft_may_name_no_reviewer():
    draft = make_verdict(Verdict.Status.DRAFT)
    Verdict.objects.filter(pk=draft.pk).update(reviewer=draft.author)
    assert Verdict.objects.get(pk=draft.pk).reviewer == draft.author


def test_one_first_appearance_per_claim():
    first = AppearanceFactory(is_first=True)
    with (
        _refused("appearance_one_first_per_claim|UNIQUE constraint failed: claims_appearance.claim_id"),
        transaction.atomic(),
    ):
        AppearanceFactory(claim=first.claim, is_first=True)
    AppearanceFactory(claim=first.claim, is_first=False)
    assert list(Appearance.objects.values_list("is_first", flat=True).order_by("pk")) == [True, False]


def test_one_appearance_per_claim_and_source():
    first = AppearanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppearanceFactory(claim=first.claim, source=first.source, is_first=False)


def test_first_appearance_rule_is_a_validation_message():
    first = AppearanceFactory(is_first=True)
    second = Appearance(
        claim=first.claim, source=EvidenceFactory().source, quote="q", seen_on=first.seen_on, is_first=True
    )
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert excinfo.value.messages == ["Only one appearance can be the first."]


def test_claimant_and_unattributed_are_exclusive():
    with _refused("claim_claimant_or_unattributed_not_both"), transaction.atomic():
        ClaimFactory(unattributed=True)
    claim = ClaimFactory.build(unattributed=True, claimant=ClaimantFactory())
    with pytest.raises(ValidationError) as excinfo:
        claim.full_clean(exclude=["topics"])
    assert excinfo.value.messages == ["A claim with a claimant cannot also be marked unattributed."]


def test_correction_needs_a_note():
    verdict = make_verdict()
    with _refused("correction_note_required"), transaction.atomic():
        Correction.objects.create(
            verdict=verdict, kind="correction", note="", created_at=timezone.now(), created_by=verdict.author
        )


def test_rating_change_correction_has_both_different_ratings():
    verdict = make_verdict()
    with _refused("correction_rating_change_has_both_ratings"), transaction.atomic():
        Correction.objects.create(
            verdict=verdict,
            kind="rating_change",
            note="n",
            old_rating=verdict.rating,
            new_rating=verdict.rating,
            created_at=timezone.now(),
            created_by=verdict.author,
        )


def test_claimant_with_claims_cannot_be_deleted():
    claim = ClaimFactory()
    with pytest.raises(ProtectedError):
        claim.claimant.delete()
    assert Claimant.objects.count() == 1


def test_rating_in_use_cannot_be_deleted():
    verdict = VerdictFactory()
    with pytest.raises(ProtectedError):
        verdict.rating.delete()


def test_deleting_a_claim_takes_its_verdict_evidence_and_appearances_but_keeps_sources():
    verdict = make_verdict(Verdict.Status.DRAFT)
    sources = {verdict.evidence.get().source_id, verdict.claim.appearances.get().source_id}
    verdict.claim.delete()
    assert (Verdict.objects.count(), Appearance.objects.count()) == (0, 0)
    assert set(Source.objects.values_list("pk", flat=True)) == sources


def test_string_forms_and_urls():
    verdict = make_verdict(
        title="Taxes doubled", slug="taxes-doubled", claimant=ClaimantFactory(name="A Minister", slug="a-minister")
    )
    rating = Rating.objects.get(slug="false")
    assert (str(verdict), str(verdict.claim.claimant), str(rating)) == (
        "Taxes doubled",
        "A Minister",
        "False (Veracity)",
    )
    assert verdict.claim.get_absolute_url() == "/claims/taxes-doubled/"
    assert verdict.claim.rating_scale == "veracity"
    assert ClaimFactory(kind="pledge").rating_scale == "pledge"


def test_published_and_public_querysets():
    published = make_verdict(title="Published")
    retracted = make_verdict(Verdict.Status.RETRACTED, title="Retracted")
    make_verdict(Verdict.Status.IN_REVIEW, title="In review")
    make_verdict(Verdict.Status.DRAFT, title="Draft")
    ClaimFactory(title="No verdict")
    assert list(Claim.objects.published()) == [published.claim]
    assert set(Claim.objects.public()) == {published.claim, retracted.claim}
    assert UserFactory._meta.model.objects.filter(username="factory-reviewer").count() == 1
