"""The API in the language asked for: ?language= first, then Accept-Language; each claim lists its
published translations; /api/v1/match/ finds an English check by its Ukrainian translation."""

import orjson
import pytest

from claims.models import Claim, Rating, Verdict
from tests.factories import ClaimantFactory, TopicFactory, make_verdict
from tests.translations.conftest import UK, publish, translate

pytestmark = pytest.mark.django_db


def links(settings, slug):
    return [
        {
            "language": "uk",
            "url": f"{settings.SITE_URL}/uk/claims/{slug}/",
            "api_url": f"http://testserver/api/v1/claims/{slug}/?language=uk",
        }
    ]


def test_language_parameter_answers_in_ukrainian(client, translated, settings):
    response = client.get("/api/v1/claims/unemployment/", {"language": "uk"})
    body = response.json()
    assert (body["language"], body["original_language"]) == ("uk", "en")
    assert (body["title"], body["text"], body["conclusion"]) == (UK["title"], UK["text"], UK["conclusion"])
    assert body["analysis"] == UK["analysis"]
    assert [e["note"] for e in body["evidence"]] == ["Показує цифру."]
    assert body["rating"]["slug"] == "false"
    assert body["translations"] == links(settings, "unemployment")
    assert response["Content-Language"] == "uk"
    assert "Accept-Language" in response["Vary"]


def test_accept_language_answers_in_ukrainian_and_the_parameter_wins(client, translated):
    body = client.get("/api/v1/claims/unemployment/", HTTP_ACCEPT_LANGUAGE="uk,en;q=0.5").json()
    assert (body["language"], body["title"]) == ("uk", UK["title"])
    response = client.get("/api/v1/claims/unemployment/", {"language": "en"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert (response.json()["language"], response.json()["title"]) == ("en", "Unemployment halved")
    assert response["Content-Language"] == "en"


def test_a_check_not_published_in_the_language_asked_answers_in_its_original(client, checked):
    response = client.get("/api/v1/claims/unemployment/", HTTP_ACCEPT_LANGUAGE="uk")
    body = response.json()
    assert (body["language"], body["title"], body["translations"]) == ("en", "Unemployment halved", [])
    assert response["Content-Language"] == "en"


def test_the_list_filters_by_language_and_answers_in_it(client, translated, settings):
    make_verdict(slug="only-english", title="Only in English")
    body = client.get("/api/v1/claims/", {"language": "uk"}).json()
    assert [(c["slug"], c["language"], c["title"]) for c in body["results"]] == [("unemployment", "uk", UK["title"])]
    response = client.get("/api/v1/claims/", HTTP_ACCEPT_LANGUAGE="uk")
    assert sorted((c["slug"], c["language"]) for c in response.json()["results"]) == [
        ("only-english", "en"),
        ("unemployment", "uk"),
    ]
    assert response["Content-Language"] in ("en, uk", "uk, en")
    english = {c["slug"]: c for c in client.get("/api/v1/claims/").json()["results"]}
    assert english["unemployment"]["translations"] == links(settings, "unemployment")
    assert english["only-english"]["translations"] == []


def test_q_finds_a_check_by_its_translation(client, translated):
    body = client.get("/api/v1/claims/", {"q": "безробіття"}).json()
    assert [c["slug"] for c in body["results"]] == ["unemployment"]


@pytest.mark.parametrize("size", [1, 20])
def test_the_ukrainian_list_query_count_is_constant(client, translator, reviewer, size, django_assert_num_queries):
    for i in range(size):
        verdict = make_verdict(slug=f"c-{i:02}")
        publish(translate(verdict.claim, by=translator), translator=translator, reviewer=reviewer)
    # the page (with its cursor), its topics, its translations
    with django_assert_num_queries(3):
        body = client.get("/api/v1/claims/", {"language": "uk", "page_size": 50}).json()
    assert [c["language"] for c in body["results"]] == ["uk"] * size


def test_match_finds_the_english_check_for_a_ukrainian_text_once(client, translated):
    body = client.get("/api/v1/match/", {"text": "Безробіття за рік скоротилося вдвічі"}).json()
    assert [(r["claim"]["slug"], r["score"]) for r in body["results"]] == [("unemployment", 1.0)]
    english = client.get("/api/v1/match/", {"text": "Unemployment halved in a year"}).json()
    assert [r["claim"]["slug"] for r in english["results"]] == ["unemployment"]


def test_match_answers_in_the_language_asked(client, translated):
    body = client.get("/api/v1/match/", {"text": "безробіття скоротилося вдвічі", "language": "uk"}).json()
    assert body["results"][0]["claim"]["title"] == UK["title"]


def test_match_ignores_an_unpublished_translation(client, checked, translator):
    translate(checked.claim, by=translator)
    body = client.get("/api/v1/match/", {"text": "Безробіття за рік скоротилося вдвічі"}).json()
    assert body["results"] == []


def test_the_api_offers_no_way_to_publish(client, checked, translator, reviewer):
    # The API is read-only: nothing a caller sends publishes a translation.
    translation = translate(checked.claim, by=translator)
    client.force_login(translator)
    response = client.post("/api/v1/claims/unemployment/", {"language": "uk", "status": "published"})
    assert response.status_code == 405
    translation.refresh_from_db()
    assert translation.status == "draft"


def test_the_claimreview_feed_links_each_review_with_its_translations(client, translated, settings):
    (original,) = client.get("/api/v1/claim-reviews/").json()["results"]
    assert original["inLanguage"] == "en"
    assert original["workTranslation"] == [
        {"@type": "ClaimReview", "url": f"{settings.SITE_URL}/uk/claims/unemployment/", "inLanguage": "uk"}
    ]
    (ukrainian,) = client.get("/api/v1/claim-reviews/", {"language": "uk"}).json()["results"]
    assert (ukrainian["inLanguage"], ukrainian["url"]) == ("uk", f"{settings.SITE_URL}/uk/claims/unemployment/")
    assert ukrainian["claimReviewed"] == UK["title"]
    assert ukrainian["translationOfWork"] == {
        "@type": "ClaimReview",
        "url": f"{settings.SITE_URL}/claims/unemployment/",
        "inLanguage": "en",
    }


def test_a_check_answered_in_its_original_links_the_original_page(client, checked, settings):
    body = client.get("/api/v1/claims/unemployment/", HTTP_ACCEPT_LANGUAGE="uk").json()
    assert body["url"] == f"{settings.SITE_URL}/claims/unemployment/"
    (review,) = client.get("/api/v1/claim-reviews/", {"language": "uk"}).json()["results"]
    assert (review["url"], review["inLanguage"]) == (f"{settings.SITE_URL}/claims/unemployment/", "en")
    assert "translationOfWork" not in review and "workTranslation" not in review


def expected_summary(slug, settings, *, translations=(), page="", **words):
    """A claim's list item written out from its rows, independently of the API's builders; `words`
    replace the original's (a translation's title, text, conclusion and language)."""
    claim = Claim.objects.select_related("claimant", "verdict__rating").get(slug=slug)
    verdict, claimant, rating = claim.verdict, claim.claimant, claim.verdict.rating
    item = {
        "slug": slug,
        "title": claim.title,
        "text": claim.text,
        "kind": claim.kind,
        "language": claim.language,
        "original_language": claim.language,
        "translations": [
            {
                "language": code,
                "url": f"{settings.SITE_URL}/{code}/claims/{slug}/",
                "api_url": f"http://testserver/api/v1/claims/{slug}/?language={code}",
            }
            for code in translations
        ],
        "made_on": claim.made_on and claim.made_on.isoformat(),
        "made_at": claim.made_at,
        "claimant": claimant
        and {"slug": claimant.slug, "name": claimant.name, "kind": claimant.kind, "role": claimant.role},
        "topics": [{"slug": t.slug, "name": t.name} for t in claim.topics.order_by("name")],
        "rating": rating
        and {"slug": rating.slug, "label": rating.label, "scale": rating.scale, "ordinal": rating.ordinal},
        "conclusion": verdict.conclusion,
        "published_at": verdict.published_at.isoformat(),
        "verdict_updated_at": verdict.updated_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
        "url": f"{settings.SITE_URL}{page}/claims/{slug}/",
        "api_url": f"http://testserver/api/v1/claims/{slug}/",
    }
    return {**item, **words}


def test_list_items_are_exactly_the_claims_in_the_language_asked(client, translated, settings):
    # The list builds its items from plain rows, the detail from model instances: both must say,
    # byte for byte, what the claims' rows say, with or without claimant, topics, rating (or its
    # ordinal) and translation, in each claim's language or its translation's.
    wages = make_verdict(slug="wages", claimant=ClaimantFactory(name="Olena Bondar", slug="olena", role=""))
    wages.claim.topics.add(TopicFactory(name="Wages", slug="wages"), TopicFactory(name="Economy", slug="economy"))
    make_verdict(
        slug="pledge",
        claimant=None,
        unattributed=True,
        kind=Claim.Kind.PLEDGE,
        language="uk",
        made_on=None,
        made_at="",
        rating=Rating.objects.get(slug="not-yet-rated"),  # off the scale: ordinal null
    )
    unrated = make_verdict(slug="unrated", language="de")  # no pages in German: linked in the default language
    Verdict.objects.filter(pk=unrated.pk).update(rating=None)
    ukrainian = {"language": "uk", "original_language": "en", "title": UK["title"], "text": UK["text"]}
    answers = {
        "en": [
            expected_summary("unrated", settings),
            expected_summary("pledge", settings, page="/uk"),
            expected_summary("wages", settings),
            expected_summary("unemployment", settings, translations=["uk"]),
        ],
        "uk": [
            expected_summary("unrated", settings),
            expected_summary("pledge", settings, page="/uk"),
            expected_summary("wages", settings),
            expected_summary(
                "unemployment", settings, translations=["uk"], page="/uk", conclusion=UK["conclusion"], **ukrainian
            ),
        ],
    }
    for language, items in answers.items():
        response = client.get("/api/v1/claims/", HTTP_ACCEPT_LANGUAGE=language)
        page = {"next": None, "previous": None, "next_cursor": None, "previous_cursor": None, "results": items}
        assert response.content == orjson.dumps(page)
        for item in items:
            detail = client.get(f"/api/v1/claims/{item['slug']}/", HTTP_ACCEPT_LANGUAGE=language).json()
            assert orjson.dumps({key: detail[key] for key in item}) == orjson.dumps(item)
    assert [item["rating"] and item["rating"]["slug"] for item in answers["en"]] == [
        None,
        "not-yet-rated",
        "false",
        "false",
    ]
