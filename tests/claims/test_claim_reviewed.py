"""ClaimReview as Google's guidelines ask: a claimReviewed of at most 75 characters (a field editors
fill, else the title shortened), the full statement in itemReviewed's text, and no reviewRating for
a pledge that is not yet rated. The short form is part of the reviewed unit."""

import json
import re

import pytest

from claims import revisions, services
from claims.claimreview import CLAIM_REVIEWED_MAX, shorten
from claims.models import Claim, Rating
from tests.factories import UserFactory, make_verdict

pytestmark = pytest.mark.django_db


def jsonld(client, url):
    body = client.get(url).content.decode()
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, flags=re.S).group(1))


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Bread prices doubled", "Bread prices doubled"),
        ("x" * 75, "x" * 75),
        (
            "The minister said the state would cover every cost of the new bridge, the tunnel and the port",
            "The minister said the state would cover every cost of the new bridge, the…",
        ),
        ("y" * 120, "y" * 74 + "…"),
        ("Spaces   and\nbreaks are  one", "Spaces and breaks are one"),
    ],
)
def test_a_title_is_shortened_at_a_word_to_75_characters(title, short):
    assert shorten(title, CLAIM_REVIEWED_MAX) == short
    assert len(short) <= 75


def test_claim_reviewed_is_the_editors_short_form_else_the_title_shortened(client):
    long_title = "A very long headline about a claim that goes on and on past what search engines will ever show"
    make_verdict(slug="long", title=long_title, text="The whole statement, word for word.")
    data = jsonld(client, "/claims/long/")
    assert data["claimReviewed"] == "A very long headline about a claim that goes on and on past what search…"
    assert data["itemReviewed"]["text"] == "The whole statement, word for word."
    make_verdict(slug="short", claim_reviewed="Bread doubled in a year", text="Bread prices doubled in one year.")
    assert jsonld(client, "/claims/short/")["claimReviewed"] == "Bread doubled in a year"


def test_the_short_form_is_at_most_75_characters(editor):
    claim = Claim.objects.create(title="T", slug="t", text="Text.", claimant=None, unattributed=True)
    claim.claim_reviewed = "z" * 76
    with pytest.raises(services.ValidationError) as refused:
        services.claim_save(claim=claim, by=editor, expected_version=claim.version)
    assert "claim_reviewed" in refused.value.message_dict


def test_a_pledge_not_yet_rated_has_no_review_rating(client):
    make_verdict(slug="pledge", kind=Claim.Kind.PLEDGE, rating=Rating.objects.get(slug="not-yet-rated"))
    data = jsonld(client, "/claims/pledge/")
    assert "reviewRating" not in data
    feed = client.get("/api/v1/claim-reviews/").json()["results"]
    assert "reviewRating" not in feed[0]
    make_verdict(slug="kept", kind=Claim.Kind.PLEDGE, rating=Rating.objects.get(slug="kept"))
    assert jsonld(client, "/claims/kept/")["reviewRating"] == {"@type": "Rating", "alternateName": "Kept"}


def test_only_not_yet_rated_is_no_judgement_among_the_default_ratings():
    assert list(Rating.objects.filter(is_judgement=False).values_list("slug", flat=True)) == ["not-yet-rated"]


def test_the_short_form_of_a_public_claim_changes_only_through_review(reviewer):
    verdict = make_verdict(slug="reviewed")
    unit = revisions.unit_of(verdict.claim_id)
    assert "claim_reviewed" not in unit["claim"]  # absent while empty: older units keep their hash
    unit["claim"]["claim_reviewed"] = "Shorter"
    change = services.change_propose(claim=verdict.claim, unit=unit, note="A shorter summary.", by=reviewer)
    assert Claim.objects.get(pk=verdict.claim_id).claim_reviewed == ""  # readers keep the published one
    approver = UserFactory(username="short-approver", group="Reviewers")
    services.change_approve(change=change, by=approver, revision=change.unit_hash)
    assert Claim.objects.get(pk=verdict.claim_id).claim_reviewed == "Shorter"
    assert revisions.unit_of(verdict.claim_id)["claim"]["claim_reviewed"] == "Shorter"
