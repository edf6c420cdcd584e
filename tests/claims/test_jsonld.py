"""The ClaimReview JSON-LD embedded in each claim page."""

import datetime
import json
import re

import pytest

from claims.models import Claim, Claimant, Rating
from organisation.models import StaffProfile
from tests.factories import AppearanceFactory, ClaimantFactory, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def jsonld(client, url):
    body = client.get(url).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, flags=re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_claim_page_embeds_one_claimreview_with_the_required_fields(client, settings):
    claimant = ClaimantFactory(
        name="Vladimir Putin", kind=Claimant.Kind.PERSON, role="President of Russia", wikidata_id="Q7747"
    )
    verdict = make_verdict(
        slug="talks",
        text="We will do it immediately.",
        claimant=claimant,
        language="en",
        made_on=datetime.date(2024, 6, 14),
        rating=Rating.objects.get(slug="mostly-false"),
    )
    AppearanceFactory(claim=verdict.claim, is_first=False, seen_on=datetime.date(2024, 6, 20))
    data = jsonld(client, "/claims/talks/")
    first = verdict.claim.appearances.get(is_first=True).source
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["url"] == f"{settings.SITE_URL}/claims/talks/"
    assert data["claimReviewed"] == verdict.claim.title  # short: the full statement is the item's text
    assert data["itemReviewed"]["text"] == "We will do it immediately."
    assert data["datePublished"] == verdict.published_at.date().isoformat()
    assert datetime.datetime.fromisoformat(data["dateModified"]) == verdict.updated_at
    assert data["inLanguage"] == "en"
    assert data["author"] == [
        {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
        {"@type": "Person", "name": "Test"},
    ]
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["datePublished"] == "2024-06-14"
    assert item["author"] == {
        "@type": "Person",
        "name": "Vladimir Putin",
        "jobTitle": "President of Russia",
        "sameAs": "https://www.wikidata.org/wiki/Q7747",
    }
    assert len(item["appearance"]) == 2
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "name": first.title,
        "datePublished": "2024-06-14",
        "url": first.url,
        "publisher": {"@type": "Organization", "name": first.publisher.name},
    }


def test_rating_off_the_scale_has_only_an_alternate_name(client):
    make_verdict(slug="ctx", rating=Rating.objects.get(slug="needs-context"))
    assert jsonld(client, "/claims/ctx/")["reviewRating"] == {"@type": "Rating", "alternateName": "Needs context"}


def test_organisation_claimant_is_typed_organization_without_sameas(client):
    org = ClaimantFactory(name="The Ministry", kind=Claimant.Kind.ORGANIZATION, role="", wikidata_id="")
    make_verdict(slug="org", claimant=org, kind=Claim.Kind.PLEDGE)
    author = jsonld(client, "/claims/org/")["itemReviewed"]["author"]
    assert author == {"@type": "Organization", "name": "The Ministry"}


def test_unattributed_claim_has_no_author(client):
    make_verdict(slug="anon", claimant=None, unattributed=True)
    assert "author" not in jsonld(client, "/claims/anon/")["itemReviewed"]


def test_script_breaking_text_stays_inside_the_element_and_round_trips(client):
    hostile = 'He said </script><script>alert(1)</script> and <!-- that & "this"'
    make_verdict(slug="hostile", text=hostile)
    body = client.get("/claims/hostile/").content.decode()
    assert body.count("<script") == 1
    assert "<!--" not in body
    assert jsonld(client, "/claims/hostile/")["itemReviewed"]["text"] == hostile


def test_claimreview_author_names_the_staff_member_by_public_name_and_page(client, settings):
    verdict = make_verdict(slug="signed")
    StaffProfile.objects.create(
        user=verdict.author, display_name="Ana Lyst", slug="ana-lyst", job_title="Fact-checker", public_page=True
    )
    assert jsonld(client, "/claims/signed/")["author"][1] == {
        "@type": "Person",
        "name": "Ana Lyst",
        "url": f"{settings.SITE_URL}/team/ana-lyst/",
        "jobTitle": "Fact-checker",
    }


def test_claimreview_author_without_a_public_page_is_named_without_a_link(client):
    verdict = make_verdict(slug="unlinked")
    StaffProfile.objects.create(user=verdict.author, display_name="Ana Lyst", slug="ana-lyst", public_page=False)
    assert jsonld(client, "/claims/unlinked/")["author"][1] == {"@type": "Person", "name": "Ana Lyst"}
