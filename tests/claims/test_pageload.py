"""claims.pageload (PostgreSQL): one query must give the claim page and the API item exactly what the
ORM's five queries give, field by field, relation by relation, in the same order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import pageload, selectors
from claims.api.views import published_claim_details
from claims.models import Claim, Rating, Verdict
from organisation.models import StaffProfile
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    EvidenceFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
    correct,
    make_verdict,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="claims.pageload is PostgreSQL's"),
]


def fields(obj):
    """Every concrete field's value of a model instance (None stays None)."""
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def related(obj, *names):
    """The related object (or None) behind each name, as fields, reading the caches the loaders fill."""
    out = {}
    for name in names:
        try:
            out[name] = fields(getattr(obj, name))
        except obj._meta.get_field(name).related_model.DoesNotExist:
            out[name] = "does not exist"
    return out


def described(claim, corrections_newest_first=False):
    """All a claim page or API item reads of a loaded claim, as plain data."""
    verdict = claim.verdict
    users = {}
    for role in ("author", "reviewer"):
        user = getattr(verdict, role)
        users[role] = None if user is None else {**fields(user), **related(user, "staff_profile")}
    return {
        "claim": fields(claim),
        "claimant": fields(claim.claimant),
        "verdict": fields(verdict),
        "rating": fields(verdict.rating),
        "users": users,
        "topics": [fields(t) for t in claim.topics.all()],
        "appearances": [
            {**fields(a), "source": fields(a.source), "publisher": fields(a.source.publisher)}
            for a in claim.appearances.all()
        ],
        "evidence": [
            {**fields(e), "source": fields(e.source), "publisher": fields(e.source.publisher)}
            for e in verdict.evidence.all()
        ],
        "corrections": [
            {**fields(c), "old": fields(c.old_rating), "new": fields(c.new_rating)} for c in verdict.corrections.all()
        ],
    }


def without_password(data):
    """The loader leaves the account's password hash in the database: nothing on a page shows it."""
    for user in data["users"].values():
        if user is not None:
            user.pop("password")
    return data


@pytest.fixture
def rich_claim(editor):
    """A published claim with a claimant, two topics, two appearances (one source with no
    publisher), two evidence sources, a reviewer with a staff profile and two corrections (one
    changing the rating)."""
    verdict = make_verdict(claimant=ClaimantFactory(name="Anna Adler"), title="Ceasefire offer")
    claim = verdict.claim
    claim.topics.add(TopicFactory(name="Ukraine"), TopicFactory(name="Diplomacy"))
    AppearanceFactory(claim=claim, source=SourceFactory(publisher=None), quote="Said again on TV.", is_first=False)
    EvidenceFactory(verdict=verdict, source=SourceFactory(), note="The map of the front line.", position=2)
    StaffProfile.objects.create(user=verdict.reviewer, display_name="Rita Reviewer", slug="rita")
    reviewer = UserFactory(username="second-reviewer", group="Reviewers")
    correct(verdict=verdict, by=editor, approver=reviewer, note="Typo fixed.", conclusion="Fixed conclusion.")
    correct(
        verdict=Verdict.objects.get(pk=verdict.pk),
        by=editor,
        approver=reviewer,
        note="New figures.",
        rating=Rating.objects.get(slug="mostly-false"),
    )
    return Claim.objects.get(pk=claim.pk)


def test_the_page_loader_gives_what_the_orm_gives(rich_claim):
    orm = selectors.one(selectors._with_page_parts(Claim.objects.public()).filter(slug=rich_claim.slug))
    with CaptureQueriesContext(connection) as queries:
        loaded = pageload.load(rich_claim.slug, Verdict.PUBLIC_STATUSES, "default")
        data = described(loaded)
    assert len(queries) == 1
    expected = without_password(described(orm))
    assert without_password(data) == expected
    # The test is not empty: the claim has every kind of related row.
    assert len(expected["topics"]) == 2 and len(expected["appearances"]) == 2
    assert len(expected["evidence"]) == 2 and len(expected["corrections"]) == 2
    assert expected["corrections"][1]["new"]["slug"] == "mostly-false"
    assert expected["users"]["reviewer"]["staff_profile"]["display_name"] == "Rita Reviewer"
    assert expected["users"]["author"]["staff_profile"] == "does not exist"
    assert expected["appearances"][1]["publisher"] is None or expected["appearances"][0]["publisher"] is None


def test_the_api_loader_orders_corrections_as_the_api_did(rich_claim):
    orm = published_claim_details().get(slug=rich_claim.slug)
    loaded = pageload.load(rich_claim.slug, [Verdict.Status.PUBLISHED], "default", corrections_newest_first=True)
    assert without_password(described(loaded)) == without_password(described(orm))
    assert loaded.published_at == orm.published_at


def test_a_claim_with_no_claimant_topics_or_reviewer_profile_loads_as_well(db):
    verdict = make_verdict(claimant=None, unattributed=True)
    orm = selectors.one(selectors._with_page_parts(Claim.objects.public()).filter(slug=verdict.claim.slug))
    loaded = pageload.load(verdict.claim.slug, Verdict.PUBLIC_STATUSES, "default")
    assert loaded.claimant is None
    assert without_password(described(loaded)) == without_password(described(orm))


@pytest.mark.parametrize("status", [Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW])
def test_the_loader_finds_no_unpublished_claim(status):
    verdict = make_verdict(status)
    assert pageload.load(verdict.claim.slug, Verdict.PUBLIC_STATUSES, "default") is None
    assert selectors.claim_page(verdict.claim.slug) == (None, None)


def test_a_retracted_claim_is_public_but_not_published():
    verdict = make_verdict(Verdict.Status.RETRACTED)
    assert pageload.load(verdict.claim.slug, Verdict.PUBLIC_STATUSES, "default").verdict.status == "retracted"
    assert pageload.load(verdict.claim.slug, [Verdict.Status.PUBLISHED], "default") is None


def test_the_page_stamp_is_the_one_claim_stamp_gives(rich_claim):
    claim, stamp = selectors.claim_page(rich_claim.slug)
    assert claim.pk == rich_claim.pk
    assert stamp == selectors.claim_stamp(rich_claim.slug)
