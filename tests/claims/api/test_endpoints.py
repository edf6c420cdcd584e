import datetime
import hashlib
import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from claims import matching, services
from claims.claimreview import claim_review, rating_bounds
from claims.models import Claim, Rating, Verdict
from tests.claims.api.conftest import claim_of
from tests.claims.api.test_access import rates
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    EvidenceFactory,
    PublisherFactory,
    SourceFactory,
    TopicFactory,
    make_verdict,
)

pytestmark = pytest.mark.django_db


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_claimant_list_and_detail_count_published_claims_only(client, published):
    alice = ClaimantFactory(
        name="Alice Example",
        slug="alice",
        role="Mayor",
        affiliation="City Party",
        country="Utopia",
        wikidata_id="Q42",
        description="Mayor of Example City.",
    )
    published(claimant=alice)
    published(claimant=alice)
    make_verdict(Verdict.Status.IN_REVIEW, claimant=alice)
    make_verdict(Verdict.Status.RETRACTED, claimant=alice)
    expected = {
        "slug": "alice",
        "name": "Alice Example",
        "kind": "person",
        "role": "Mayor",
        "affiliation": "City Party",
        "country": "Utopia",
        "wikidata_id": "Q42",
        "description": "Mayor of Example City.",
        "url": "http://127.0.0.1:8000/claimants/alice/",
        "claim_count": 2,
    }
    assert results(client, "/api/v1/claimants/") == [expected]
    assert client.get("/api/v1/claimants/alice/").json() == expected


def test_claimant_with_only_unpublished_claims_is_not_listed(client, published):
    published(claimant=ClaimantFactory(name="Bob", slug="bob"))
    hidden = ClaimantFactory(slug="under-investigation")
    make_verdict(Verdict.Status.DRAFT, claimant=hidden)
    make_verdict(Verdict.Status.RETRACTED, claimant=hidden)
    assert [c["slug"] for c in results(client, "/api/v1/claimants/")] == ["bob"]
    response = client.get("/api/v1/claimants/under-investigation/")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "There is no published claimant with this slug."},
    )


def test_claimants_are_ordered_by_name(client, published):
    for name in ("Zed", "Anna", "Mia"):
        published(claimant=ClaimantFactory(name=name))
    assert [c["name"] for c in results(client, "/api/v1/claimants/")] == ["Anna", "Mia", "Zed"]
    assert [c["name"] for c in results(client, "/api/v1/claimants/?ordering=-name")] == ["Zed", "Mia", "Anna"]


def test_topics_list_published_topics_with_published_counts(client, published):
    economy = TopicFactory(name="Economy", slug="economy", description="Money.")
    secret = TopicFactory(name="Secret", slug="secret")
    published().claim.topics.add(economy)
    make_verdict(Verdict.Status.DRAFT).claim.topics.add(economy, secret)
    expected = {
        "slug": "economy",
        "name": "Economy",
        "description": "Money.",
        "url": "http://127.0.0.1:8000/topics/economy/",
        "claim_count": 1,
    }
    assert results(client, "/api/v1/topics/") == [expected]
    assert client.get("/api/v1/topics/economy/").json() == expected
    assert client.get("/api/v1/topics/secret/").status_code == 404


def test_ratings_list_both_scales_in_order_unpaginated(client, db):
    body = client.get("/api/v1/ratings/").json()
    assert [r["slug"] for r in body] == [
        "not-yet-rated",
        "in-the-works",
        "stalled",
        "compromise",
        "kept",
        "broken",
        "true",
        "mostly-true",
        "half-true",
        "mostly-false",
        "false",
        "misleading",
        "needs-context",
        "unproven",
    ]
    assert client.get("/api/v1/ratings/false/").json() == {
        "slug": "false",
        "label": "False",
        "scale": "veracity",
        "ordinal": 1,
        "description": "The statement is not accurate.",
        "colour": "#cf222e",
    }
    assert client.get("/api/v1/ratings/nope/").status_code == 404


def test_sources_list_only_those_linked_to_published_claims(client, published):
    verdict = published()
    appearance_source = verdict.claim.appearances.get().source
    evidence_source = verdict.evidence.get().source
    draft = make_verdict(Verdict.Status.DRAFT)
    retracted = make_verdict(Verdict.Status.RETRACTED)
    SourceFactory(slug="unused")
    listed = {s["slug"] for s in results(client, "/api/v1/sources/?page_size=100")}
    assert listed == {appearance_source.slug, evidence_source.slug}
    for hidden in (draft.evidence.get().source, draft.claim.appearances.get().source, retracted.evidence.get().source):
        assert client.get(f"/api/v1/sources/{hidden.slug}/").status_code == 404
    assert client.get("/api/v1/sources/unused/").status_code == 404


def test_source_list_item_and_filters(client, published):
    publisher = PublisherFactory(name="Daily Example", slug="daily-example", domain="daily.example")
    source = SourceFactory(
        title="Budget report",
        slug="budget-report",
        kind="document",
        url="https://daily.example/budget",
        publisher=publisher,
        author="A. Writer",
        published_on=datetime.date(2024, 5, 1),
        language="fr",
        archive_url="https://archive.example/budget",
    )
    source.capture("Budget text", at=datetime.datetime(2024, 5, 2, 8, 30, tzinfo=datetime.UTC))
    source.save()
    verdict = published()
    EvidenceFactory(verdict=verdict, source=source, note="Shows the budget.", position=1)
    expected = {
        "slug": "budget-report",
        "title": "Budget report",
        "kind": "document",
        "url": "https://daily.example/budget",
        "archive_url": "https://archive.example/budget",
        "publisher": {"slug": "daily-example", "name": "Daily Example", "domain": "daily.example"},
        "author": "A. Writer",
        "published_on": "2024-05-01",
        "language": "fr",
        "snapshot_sha256": hashlib.sha256(b"Budget text").hexdigest(),
        "captured_at": "2024-05-02T08:30:00+00:00",
    }
    assert results(client, "/api/v1/sources/?kind=document") == [expected]
    assert results(client, "/api/v1/sources/?publisher=daily-example") == [expected]
    assert results(client, "/api/v1/sources/?language=fr") == [expected]
    assert results(client, "/api/v1/sources/?kind=dataset") == []


def test_source_detail_lists_published_claims_only(client, published):
    source = SourceFactory(slug="shared")
    visible = published(slug="visible", title="Visible claim")
    AppearanceFactory(
        claim=visible.claim, source=source, is_first=False, quote="Said here.", seen_on=datetime.date(2024, 7, 1)
    )
    EvidenceFactory(verdict=visible, source=source, note="Backs it.", position=1)
    draft = make_verdict(Verdict.Status.DRAFT, slug="draft")
    AppearanceFactory(claim=draft.claim, source=source, is_first=False)
    EvidenceFactory(verdict=draft, source=source, position=1)
    body = client.get("/api/v1/sources/shared/").json()
    ref = {"slug": "visible", "title": "Visible claim", "api_url": "http://testserver/api/v1/claims/visible/"}
    assert body["appearances"] == [{"claim": ref, "quote": "Said here.", "seen_on": "2024-07-01"}]
    assert body["cited_by"] == [{"claim": ref, "note": "Backs it."}]


def test_claim_review_feed_matches_page_markup(client, published):
    verdict = published(slug="feed-claim")
    make_verdict(Verdict.Status.IN_REVIEW)
    claim = (
        Claim.objects.select_related("claimant", "verdict__rating")
        .prefetch_related("appearances__source__publisher")
        .get(pk=verdict.claim_id)
    )
    expected = claim_review(claim, bounds=rating_bounds())
    feed = results(client, "/api/v1/claim-reviews/")
    assert feed == [_jsonish(expected)]
    assert feed[0]["@type"] == "ClaimReview"
    assert feed[0]["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }


def _jsonish(data):
    return json.loads(json.dumps(data))


def test_claim_review_feed_supports_updated_since(client, published):
    published(slug="old")
    published(slug="new")
    Claim.objects.filter(slug="old").update(updated_at=timezone.now() - datetime.timedelta(days=2))
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    feed = results(client, f"/api/v1/claim-reviews/?updated_since={since}")
    assert [item["url"] for item in feed] == ["http://127.0.0.1:8000/claims/new/"]


def test_tombstones_list_retracted_verdicts_since(client, published, reviewer_user):
    first = published(slug="first")
    second = published(slug="second")
    published(slug="kept")
    make_verdict(Verdict.Status.DRAFT, slug="draft")
    services.verdict_retract(verdict=first, note="Forged source.", by=reviewer_user)
    services.verdict_retract(verdict=second, note="Wrong person.", by=reviewer_user)
    Verdict.objects.filter(pk=first.pk).update(retracted_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    first.refresh_from_db()
    second.refresh_from_db()
    body = client.get("/api/v1/tombstones/").json()
    assert body == {
        "next": None,
        "previous": None,
        "next_cursor": None,
        "previous_cursor": None,
        "results": [
            {
                "slug": "first",
                "url": "http://127.0.0.1:8000/claims/first/",
                "published_at": first.published_at.isoformat(),
                "retracted_at": "2024-06-01T00:00:00+00:00",
                "note": "Forged source.",
            },
            {
                "slug": "second",
                "url": "http://127.0.0.1:8000/claims/second/",
                "published_at": second.published_at.isoformat(),
                "retracted_at": second.retracted_at.isoformat(),
                "note": "Wrong person.",
            },
        ],
    }
    assert [t["slug"] for t in results(client, "/api/v1/tombstones/?since=2024-06-02")] == ["second"]
    # A retracted claim leaves the claims list and the feed.
    assert [c["slug"] for c in results(client, "/api/v1/claims/")] == ["kept"]


def test_match_finds_paraphrases_best_first(client, published):
    published(
        slug="kremlin-talks",
        title="“The Kremlin is ready to start negotiations without delay”",
        text="The Kremlin is “ready to start negotiations without delay.”",
        claimant=ClaimantFactory(name="Vladimir Putin"),
    )
    published(
        slug="ceasefire-pledge",
        kind=Claim.Kind.PLEDGE,
        title="Putin pledges an immediate ceasefire if Kyiv withdraws from four regions",
        text="If Kyiv starts to withdraw its troops from the four regions and abandons its intention to join NATO, "
        "Russia will immediately order a ceasefire and start negotiations.",
    )
    published(slug="bread", title="Bread prices doubled", text="The price of bread doubled in a year in Germany.")

    def best(text):
        body = client.get("/api/v1/match/", {"text": text}).json()
        scores = [r["score"] for r in body["results"]]
        assert scores == sorted(scores, reverse=True)
        assert all(matching.MATCH_THRESHOLD == 0.6 <= s <= 1 for s in scores)
        return [r["claim"]["slug"] for r in body["results"]]

    assert best("Putin said Russia is prepared to begin talks without any delay")[0] == "kremlin-talks"
    assert best("Moscow is ready to open negotiations")[0] == "kremlin-talks"
    assert best("Russia will order a truce if Ukraine pulls its troops out of four regions")[0] == "ceasefire-pledge"
    assert best("bread price doubled")[0] == "bread"
    assert best("The price of milk fell in France last year") == []
    assert best("Unemployment fell to a record low") == []


def test_match_result_shape_and_unpublished_claims(client, published):
    verdict = published(slug="kremlin-talks", text="The Kremlin is ready to start negotiations without delay.")
    make_verdict(Verdict.Status.DRAFT, slug="draft", text="The Kremlin is ready to start negotiations without delay.")
    make_verdict(
        Verdict.Status.RETRACTED, slug="gone", text="The Kremlin is ready to start negotiations without delay."
    )
    body = client.get("/api/v1/match/", {"text": "The Kremlin is ready to start negotiations without delay"}).json()
    assert [r["claim"]["slug"] for r in body["results"]] == ["kremlin-talks"]
    assert body["results"][0]["score"] == 1.0
    assert body["results"][0]["claim"]["api_url"] == "http://testserver/api/v1/claims/kremlin-talks/"
    assert body["results"][0]["claim"]["rating"]["slug"] == claim_of(verdict).verdict.rating.slug


def test_match_limit(client, published):
    for i in range(3):
        published(text=f"Bread prices doubled in town {i}.")
    body = client.get("/api/v1/match/", {"text": "bread prices doubled", "limit": 2}).json()
    assert len(body["results"]) == 2


# About 200 characters: the part of a text that matching reads (claims.search.MAX_QUERY_LENGTH).
CLAIM_RU = (
    "Правительство заявило, что цены на хлеб в столице удвоились за один год, а зарплаты учителей "
    "и врачей за то же время почти не выросли, поэтому семьи тратят на продукты больше половины дохода."
)


def _long_cyrillic_text():
    """1,000 characters of Cyrillic that begin with the claim: some 5,600 bytes once percent-encoded,
    more than the 4,094-byte request line gunicorn allows by default."""
    filler = " Подробности этой истории журналисты уточняют в министерстве финансов."
    text = (CLAIM_RU + filler * 20)[:1000]
    assert len(urlencode({"text": text})) > 4094
    return text


def test_match_by_post_answers_as_get_does_for_a_long_text(client, published):
    published(slug="khleb", title="Цены на хлеб удвоились", text=CLAIM_RU)
    published(slug="bread", title="Bread prices doubled", text="The price of bread doubled in a year.")
    text = _long_cyrillic_text()
    by_get = client.get("/api/v1/match/", {"text": text, "limit": 5})
    by_json = client.post("/api/v1/match/", {"text": text, "limit": 5}, content_type="application/json")
    by_form = client.post(
        "/api/v1/match/", urlencode({"text": text, "limit": 5}), content_type="application/x-www-form-urlencoded"
    )
    assert by_get.status_code == by_json.status_code == by_form.status_code == 200
    assert by_json.json() == by_form.json() == by_get.json()
    assert [r["claim"]["slug"] for r in by_json.json()["results"]] == ["khleb"]
    assert by_json["Content-Type"] == "application/json"


def test_match_by_post_applies_the_limit(client, published):
    for i in range(3):
        published(text=f"Bread prices doubled in town {i}.")
    body = client.post("/api/v1/match/", {"text": "bread prices doubled", "limit": 2}, content_type="application/json")
    assert len(body.json()["results"]) == 2
    default = client.post("/api/v1/match/", {"text": "bread prices doubled"}, content_type="application/json")
    assert len(default.json()["results"]) == 3


def test_match_by_post_needs_no_csrf_token_even_with_a_session(published, editor):
    # The API authenticates by key only (no session), and matching changes nothing: no CSRF applies.
    published(slug="bread", title="Bread prices doubled", text="The price of bread doubled in a year.")
    anonymous, signed_in = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    signed_in.force_login(editor)
    for client in (anonymous, signed_in):
        response = client.post("/api/v1/match/", {"text": "bread price doubled"}, content_type="application/json")
        assert response.status_code == 200
        assert [r["claim"]["slug"] for r in response.json()["results"]] == ["bread"]


def test_match_by_post_is_throttled_like_get(client, db):
    with rates("2/minute", "5/minute"):
        codes = [
            client.post("/api/v1/match/", {"text": "bread"}, content_type="application/json").status_code,
            client.get("/api/v1/match/", {"text": "bread"}).status_code,
        ]
        response = client.post("/api/v1/match/", {"text": "bread"}, content_type="application/json")
    assert codes == [200, 200]
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Request was throttled.")


def test_rating_vocabulary_is_public_even_when_unused(client, db):
    assert Rating.objects.filter(verdicts__isnull=False).count() == 0
    assert len(client.get("/api/v1/ratings/").json()) == 14


@pytest.mark.parametrize("endpoint", ["claimants", "topics", "sources", "ratings"])
def test_every_detail_answers_conditional_get(client, published, endpoint):
    verdict = published()
    verdict.claim.topics.add(TopicFactory(slug="economy"))
    slug = {
        "claimants": verdict.claim.claimant.slug,
        "topics": "economy",
        "sources": verdict.evidence.get().source.slug,
        "ratings": "false",
    }[endpoint]
    etag = client.get(f"/api/v1/{endpoint}/{slug}/")["ETag"]
    again = client.get(f"/api/v1/{endpoint}/{slug}/", HTTP_IF_NONE_MATCH=f'"other", {etag}')
    assert (again.status_code, again["ETag"]) == (304, etag)
    assert client.get(f"/api/v1/{endpoint}/{slug}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
