"""The API in the language asked for: ?language= first, then Accept-Language; each claim lists its
published translations; /api/v1/match/ finds an English check by its Ukrainian translation."""

import pytest

from tests.factories import make_verdict
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
