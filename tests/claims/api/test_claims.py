import datetime

import pytest
from django.utils import timezone

from claims.models import Claim, Rating, Verdict
from tests.claims.api.conftest import claim_of
from tests.factories import ClaimantFactory, TopicFactory, correct, make_verdict

pytestmark = pytest.mark.django_db

LIST_KEYS = [
    "slug",
    "title",
    "text",
    "kind",
    "language",
    "original_language",
    "translations",
    "made_on",
    "made_at",
    "claimant",
    "topics",
    "rating",
    "conclusion",
    "published_at",
    "verdict_updated_at",
    "updated_at",
    "url",
    "api_url",
]


def iso(dt):
    return dt.isoformat()


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_claim_list_shows_summary_of_published_claim(client, published):
    verdict = published(slug="wage-claim", title="Wages doubled", text="Wages doubled in a year.", made_at="a rally")
    topic = TopicFactory(name="Economy", slug="economy")
    verdict.claim.topics.add(topic)
    claim = claim_of(verdict)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["next"], body["previous"]) == (None, None)
    assert body["results"] == [
        {
            "slug": "wage-claim",
            "title": "Wages doubled",
            "text": "Wages doubled in a year.",
            "kind": "statement",
            "language": "en",
            "original_language": "en",
            "translations": [],
            "made_on": "2024-06-14",
            "made_at": "a rally",
            "claimant": {
                "slug": claim.claimant.slug,
                "name": claim.claimant.name,
                "kind": "person",
                "role": "Minister",
            },
            "topics": [{"slug": "economy", "name": "Economy"}],
            "rating": {"slug": "false", "label": "False", "scale": "veracity", "ordinal": 1},
            "conclusion": "The statement is not accurate.",
            "published_at": iso(claim.verdict.published_at),
            "verdict_updated_at": iso(claim.verdict.updated_at),
            "updated_at": iso(claim.updated_at),
            "url": "http://127.0.0.1:8000/claims/wage-claim/",
            "api_url": "http://testserver/api/v1/claims/wage-claim/",
        }
    ]
    assert list(body["results"][0]) == LIST_KEYS


def test_claim_detail_adds_analysis_appearances_evidence_and_corrections(client, published, reviewer_user):
    verdict = published(slug="detail-claim", claimant=None, unattributed=True)
    source = verdict.evidence.get().source
    source.capture("Captured words.", at=datetime.datetime(2024, 6, 16, 9, 0, tzinfo=datetime.UTC))
    source.save()
    correct(
        verdict=verdict,
        note="New data.",
        by=reviewer_user,
        rating=Rating.objects.get(slug="half-true"),
        conclusion="Partly accurate.",
    )
    claim = claim_of(verdict)
    appearance = claim.appearances.select_related("source__publisher").get()
    correction = claim.verdict.corrections.get()
    response = client.get("/api/v1/claims/detail-claim/")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [*LIST_KEYS, "analysis", "appearances", "evidence", "corrections"]
    assert body["claimant"] is None
    assert body["rating"] == {"slug": "half-true", "label": "Half true", "scale": "veracity", "ordinal": 3}
    assert body["conclusion"] == "Partly accurate."
    assert body["analysis"] == "The **evidence** shows otherwise."
    app_source = appearance.source
    assert body["appearances"] == [
        {
            "source": {
                "slug": app_source.slug,
                "title": app_source.title,
                "kind": "news_article",
                "url": app_source.url,
                "archive_url": "",
                "publisher": {
                    "slug": app_source.publisher.slug,
                    "name": app_source.publisher.name,
                    "domain": app_source.publisher.domain,
                },
                "author": "",
                "published_on": "2024-06-14",
                "language": "en",
                "snapshot_sha256": "",
                "captured_at": None,
            },
            "quote": "the words as quoted",
            "seen_on": "2024-06-14",
            "is_first": True,
        }
    ]
    assert len(body["evidence"]) == 1
    assert body["evidence"][0]["note"] == "Shows the figure."
    assert body["evidence"][0]["source"]["slug"] == source.slug
    assert body["evidence"][0]["source"]["snapshot_sha256"] == source.snapshot_sha256
    assert len(source.snapshot_sha256) == 64
    assert body["evidence"][0]["source"]["captured_at"] == "2024-06-16T09:00:00+00:00"
    assert body["corrections"] == [
        {
            "kind": "rating_change",
            "note": "New data.",
            "created_at": iso(correction.created_at),
            "old_rating": {"slug": "false", "label": "False", "scale": "veracity", "ordinal": 1},
            "new_rating": {"slug": "half-true", "label": "Half true", "scale": "veracity", "ordinal": 3},
            "old_conclusion": "The statement is not accurate.",
        }
    ]


@pytest.mark.parametrize("status", [Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW, Verdict.Status.RETRACTED])
def test_unpublished_claims_are_nowhere_in_claims_endpoints(client, published, status):
    published(slug="visible")
    make_verdict(status, slug="hidden", title="Hidden headline", text="Hidden words")
    assert slugs(client.get("/api/v1/claims/")) == ["visible"]
    assert slugs(client.get("/api/v1/claims/?q=Hidden")) == []
    response = client.get("/api/v1/claims/hidden/")
    assert (response.status_code, response.json()) == (404, {"detail": "There is no published claim with this slug."})
    feed = client.get("/api/v1/claim-reviews/").json()["results"]
    assert [item["url"] for item in feed] == ["http://127.0.0.1:8000/claims/visible/"]


def test_claim_without_verdict_is_not_listed(client, published):
    from tests.factories import ClaimFactory

    ClaimFactory(slug="no-verdict")
    published(slug="visible")
    assert slugs(client.get("/api/v1/claims/")) == ["visible"]


def test_filters_by_rating_claimant_topic_kind_language_and_dates(client, published):
    alice = ClaimantFactory(slug="alice")
    economy = TopicFactory(slug="economy")
    a = published(slug="a", claimant=alice, made_on=datetime.date(2024, 1, 10), language="fr")
    a.claim.topics.add(economy)
    published(slug="b", made_on=datetime.date(2024, 3, 1), rating=Rating.objects.get(slug="true"))
    published(slug="c", kind=Claim.Kind.PLEDGE, made_on=datetime.date(2024, 5, 1))
    get = lambda query: sorted(slugs(client.get(f"/api/v1/claims/?{query}")))  # noqa: E731
    assert get("rating=true") == ["b"]
    assert get("rating=kept") == ["c"]
    assert get("claimant=alice") == ["a"]
    assert get("topic=economy") == ["a"]
    assert get("kind=pledge") == ["c"]
    assert get("kind=statement") == ["a", "b"]
    assert get("language=fr") == ["a"]
    assert get("made_after=2024-03-01") == ["b", "c"]
    assert get("made_before=2024-03-01") == ["a", "b"]
    assert get("made_after=2024-02-01&made_before=2024-04-01") == ["b"]


def test_published_date_filters(client, published):
    old = published(slug="old")
    Verdict.objects.filter(pk=old.pk).update(published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    published(slug="new")
    assert slugs(client.get("/api/v1/claims/?published_after=2024-06-01")) == ["new"]
    assert slugs(client.get("/api/v1/claims/?published_before=2024-01-01T00:00:01Z")) == ["old"]


def test_full_text_filter(client, published):
    published(slug="bread", title="Bread prices doubled", text="The price of bread doubled in a year.")
    published(slug="wages", title="Wages fell", text="Wages fell sharply.")
    assert slugs(client.get("/api/v1/claims/?q=bread")) == ["bread"]
    assert slugs(client.get("/api/v1/claims/?q=wages")) == ["wages"]
    assert slugs(client.get("/api/v1/claims/?q=nothing-like-this")) == []


def test_claimant_and_topic_filters_do_not_confirm_unpublished_ones(client, published):
    secret = ClaimantFactory(slug="secret-person")
    make_verdict(Verdict.Status.DRAFT, claimant=secret)
    response = client.get("/api/v1/claims/?claimant=secret-person")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some parameters are not valid.",
        "errors": {"claimant": ["There is no claimant with this slug. The list is at /api/v1/claimants/."]},
    }


def test_default_order_is_newest_verdict_first_and_ordering_is_whitelisted(client, published):
    first = published(slug="first")
    second = published(slug="second")
    Verdict.objects.filter(pk=first.pk).update(published_at=timezone.now() + datetime.timedelta(hours=1))
    Claim.objects.filter(pk=second.claim_id).update(updated_at=timezone.now() + datetime.timedelta(hours=2))
    assert slugs(client.get("/api/v1/claims/")) == ["first", "second"]
    assert slugs(client.get("/api/v1/claims/?ordering=published_at")) == ["second", "first"]
    assert slugs(client.get("/api/v1/claims/?ordering=-updated_at")) == ["second", "first"]
    assert slugs(client.get("/api/v1/claims/?ordering=updated_at")) == ["first", "second"]
    response = client.get("/api/v1/claims/?ordering=text")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ordering": ["Order by one of: published_at, -published_at, updated_at, -updated_at."]
    }


def test_ties_are_broken_by_id_so_pages_never_skip_or_repeat(client, published):
    verdicts = [published(slug=f"c{i}") for i in range(5)]
    same = timezone.now()
    Verdict.objects.filter(pk__in=[v.pk for v in verdicts]).update(published_at=same)
    seen, url = [], "/api/v1/claims/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    assert seen == ["c4", "c3", "c2", "c1", "c0"]


def test_cursor_pages_forward_and_back(client, published):
    for i in range(5):
        published(slug=f"c{i}")
    page1 = client.get("/api/v1/claims/?page_size=2").json()
    assert ([i["slug"] for i in page1["results"]], page1["previous"]) == (["c4", "c3"], None)
    assert page1["next"].startswith("http://testserver/api/v1/claims/?cursor=")
    assert "page_size=2" in page1["next"]
    page2 = client.get(page1["next"]).json()
    assert [i["slug"] for i in page2["results"]] == ["c2", "c1"]
    page3 = client.get(page2["next"]).json()
    assert ([i["slug"] for i in page3["results"]], page3["next"]) == (["c0"], None)
    back = client.get(page3["previous"]).json()
    assert [i["slug"] for i in back["results"]] == ["c2", "c1"]


def test_page_size_default_and_cap(client, published):
    for i in range(21):
        published(slug=f"c{i:02}")
    assert len(client.get("/api/v1/claims/").json()["results"]) == 20
    assert len(client.get("/api/v1/claims/?page_size=100").json()["results"]) == 21
    for bad in ("101", "0", "-1", "ten"):
        response = client.get(f"/api/v1/claims/?page_size={bad}")
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Some parameters are not valid.",
            "errors": {"page_size": ["Enter a whole number from 1 to 100."]},
        }


def test_incremental_sync_returns_changes_since_in_update_order(client, published, reviewer_user):
    a = published(slug="a")
    b = published(slug="b")
    published(slug="c")
    base = timezone.now() - datetime.timedelta(hours=1)
    Claim.objects.filter(slug="a").update(updated_at=base - datetime.timedelta(days=1))
    Claim.objects.filter(slug="b").update(updated_at=base + datetime.timedelta(seconds=1))
    Claim.objects.filter(slug="c").update(updated_at=base + datetime.timedelta(seconds=2))
    since = base.isoformat().replace("+00:00", "Z")
    body = client.get(f"/api/v1/claims/?updated_since={since}").json()
    assert [item["slug"] for item in body["results"]] == ["b", "c"]
    # A correction of `a` touches its updated_at: the next sync from the last seen time picks it up.
    last_seen = body["results"][-1]["updated_at"]
    correct(verdict=a, note="Clarified.", by=reviewer_user, kind="clarification")
    body = client.get("/api/v1/claims/", {"updated_since": last_seen}).json()
    assert [item["slug"] for item in body["results"]] == ["c", "a"]
    assert b.claim.slug not in [item["slug"] for item in body["results"]]


def test_updated_since_accepts_a_date_and_an_unencoded_offset(client, published):
    published(slug="a")
    Claim.objects.filter(slug="a").update(updated_at=datetime.datetime(2024, 6, 14, 12, tzinfo=datetime.UTC))
    assert slugs(client.get("/api/v1/claims/?updated_since=2024-06-14")) == ["a"]
    assert slugs(client.get("/api/v1/claims/?updated_since=2024-06-15")) == []
    assert slugs(client.get("/api/v1/claims/?updated_since=2024-06-14T13:00:00+02:00")) == ["a"]
    assert slugs(client.get("/api/v1/claims/?updated_since=2024-06-14T13:00:00%2B00:00")) == []


def test_detail_answers_conditional_get(client, published, reviewer_user):
    verdict = published(slug="etag-claim")
    first = client.get("/api/v1/claims/etag-claim/")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 42
    again = client.get("/api/v1/claims/etag-claim/", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    correct(verdict=verdict, note="Clarified.", by=reviewer_user, kind="clarification")
    changed = client.get("/api/v1/claims/etag-claim/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["corrections"][0]["note"] == "Clarified."
