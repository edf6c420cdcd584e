"""Watches: "tell me when this is checked". A partner watches a text; when a check that matches it
(the matching of /api/v1/match/) is published, its endpoints get watch.matched once, with the score."""

import uuid

import pytest
from standardwebhooks.webhooks import Webhook

from claims import matching
from claims.models import Claim, Verdict
from partners import services
from partners.models import Watch, WatchMatch
from tests.factories import make_verdict
from tests.partners.conftest import make_key

pytestmark = pytest.mark.django_db

TEXT = "The Kremlin is ready to start negotiations with Ukraine"


def _watch(client, headers, **body):
    return client.post("/api/v1/watches/", {"text": TEXT, **body}, content_type="application/json", **headers)


def _publish_talks(callbacks, **kwargs):
    with callbacks(execute=True):
        return make_verdict(
            slug="talks",
            title="Moscow says it is prepared to begin talks with Kyiv",
            text="Russia is prepared to begin negotiations with Ukraine immediately.",
            **kwargs,
        )


def test_a_partner_creates_lists_and_deletes_watches(client, partner, partner_headers):
    created = _watch(client, partner_headers, language="en", external_id="cms-42")
    assert created.status_code == 201
    watch = Watch.objects.get()
    assert created.json() == {
        "id": str(watch.public_id),
        "text": TEXT,
        "language": "en",
        "external_id": "cms-42",
        "created_at": watch.created_at.isoformat(),
        "matches": [],
    }
    assert watch.key == partner[0]
    listed = client.get("/api/v1/watches/?external_id=cms-42", **partner_headers).json()
    assert [w["id"] for w in listed["results"]] == [str(watch.public_id)]
    assert client.get("/api/v1/watches/?external_id=other", **partner_headers).json()["results"] == []
    deleted = client.delete(f"/api/v1/watches/{watch.public_id}/", **partner_headers)
    assert deleted.status_code == 204
    assert not Watch.objects.exists()


def test_a_watch_text_is_checked_like_a_match_text(client, partner_headers):
    assert _watch(client, partner_headers, text="   ").json()["errors"] == {
        "text": ["This parameter is empty. Give it a value or leave it out."]
    }
    assert _watch(client, partner_headers, text="x" * 1001).json()["errors"] == {
        "text": ["Ensure this field has no more than 1000 characters."]
    }
    assert _watch(client, partner_headers, language="english!").json()["errors"] == {
        "language": ["Enter a BCP 47 language code such as en or pt-BR."]
    }
    assert _watch(client, partner_headers, text=42).json()["errors"] == {"text": ["Not a valid string."]}


def test_an_external_id_is_unique_per_partner(client, partner_headers):
    assert _watch(client, partner_headers, external_id="a").status_code == 201
    again = _watch(client, partner_headers, external_id="a")
    assert (again.status_code, again.json()) == (409, {"detail": "You already have a watch with this external_id."})
    other_key, raw = make_key(name="Other")
    assert _watch(client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}, external_id="a").status_code == 201


def test_a_partner_holds_at_most_its_quota_of_watches(client, partner_headers, settings):
    settings.PARTNER_WATCH_QUOTA = 2
    assert [_watch(client, partner_headers).status_code for _ in range(3)] == [201, 201, 403]
    assert _watch(client, partner_headers).json() == {
        "detail": "You have 2 watches, the most a partner may hold. Delete some first."
    }


def test_a_partner_sees_only_its_own_watches(client, partner_headers):
    other_key, _raw = make_key(name="Other")
    theirs = services.watch_create(key=other_key, text=TEXT)
    assert client.get("/api/v1/watches/", **partner_headers).json()["results"] == []
    response = client.delete(f"/api/v1/watches/{theirs.public_id}/", **partner_headers)
    assert (response.status_code, response.json()) == (404, {"detail": "You have no watch with this id."})
    assert client.get(f"/api/v1/watches/{uuid.uuid4()}/", **partner_headers).status_code == 404


def test_a_matching_publication_is_told_once_with_its_score(
    client, partner, partner_headers, receiver, django_capture_on_commit_callbacks, settings
):
    endpoint, secret = services.endpoint_create(key=partner[0], url=receiver.url, events=["watch.matched"])
    watch = services.watch_create(key=partner[0], text=TEXT, external_id="cms-42")
    verdict = _publish_talks(django_capture_on_commit_callbacks)
    [body] = [Webhook(secret).verify(r["body"], r["headers"]) for r in receiver.requests]
    match = WatchMatch.objects.get()
    expected = matching.match_claim(TEXT, verdict.claim)
    assert body["type"] == "watch.matched"
    assert body["data"]["watch"] == {
        "id": str(watch.public_id),
        "text": TEXT,
        "language": "",
        "external_id": "cms-42",
        "created_at": watch.created_at.isoformat(),
    }
    assert body["data"]["score"] == match.score == round(expected, 4) >= matching.MATCH_THRESHOLD
    assert body["data"]["claim"]["slug"] == "talks"
    assert body["data"]["claim_review"]["url"] == f"{settings.SITE_URL}/claims/talks/"
    listed = client.get(f"/api/v1/watches/{watch.public_id}/", **partner_headers).json()
    assert listed["matches"] == [
        {
            "claim": {
                "slug": "talks",
                "title": "Moscow says it is prepared to begin talks with Kyiv",
                "api_url": "http://testserver/api/v1/claims/talks/",
            },
            "score": match.score,
            "matched_at": match.matched_at.isoformat(),
        }
    ]
    # Once: the same claim again (a reinstatement, say) is not told a second time.
    with django_capture_on_commit_callbacks(execute=True):
        services.watches_match(claim_id=verdict.claim_id, occurred_at=match.matched_at)
    assert len(receiver.requests) == 1 and WatchMatch.objects.count() == 1


def test_unrelated_publications_and_other_languages_do_not_match(partner, receiver, django_capture_on_commit_callbacks):
    services.endpoint_create(key=partner[0], url=receiver.url, events=["watch.matched"])
    services.watch_create(key=partner[0], text=TEXT, language="de")
    services.watch_create(key=partner[0], text="Bread prices doubled in the capital last year")
    _publish_talks(django_capture_on_commit_callbacks)
    assert receiver.requests == [] and not WatchMatch.objects.exists()


def test_a_watch_matched_goes_only_to_the_watching_partner(partner, receiver, django_capture_on_commit_callbacks):
    services.endpoint_create(key=partner[0], url=receiver.url, events=["watch.matched", "verdict.published"])
    other_key, _raw = make_key(name="Other")
    services.watch_create(key=other_key, text=TEXT)
    _publish_talks(django_capture_on_commit_callbacks)
    assert [b["type"] for b in receiver.bodies()] == ["verdict.published"]
    assert WatchMatch.objects.get().watch.key == other_key


def test_drafts_do_not_match_and_a_watch_made_after_publication_waits_for_the_next(
    partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_verdict(Verdict.Status.IN_REVIEW, slug="draft", text="Russia is prepared to begin negotiations now.")
    services.watch_create(key=partner[0], text=TEXT)
    assert not WatchMatch.objects.exists()
    assert Claim.objects.published().count() == 0


def test_match_claim_scores_a_claim_as_match_does(db):
    verdict = make_verdict(slug="talks", text="Russia is prepared to begin negotiations with Ukraine immediately.")
    [found] = matching.match(TEXT, limit=1)
    assert matching.match_claim(TEXT, verdict.claim) == found.score
    assert matching.match_claim("Bread prices doubled", verdict.claim) is None
