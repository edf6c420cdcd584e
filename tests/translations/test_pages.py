"""Readers' pages in the language of the URL: a check's published translation under /uk/, its
hreflang and ClaimReview links, the notice where there is none, lists, search, feed and sitemap."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.db import connection

from claims.models import Verdict
from tests.factories import UserFactory, make_verdict
from tests.translations.conftest import UK, publish, translate
from translations import services
from translations.models import ClaimTranslation

pytestmark = pytest.mark.django_db


def jsonld(body):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, flags=re.S)
    return [json.loads(block) for block in blocks]


def alternates(body):
    """{hreflang: href} of the page's <link rel="alternate" hreflang> tags."""
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
    assert len(found) == len(dict(found)), "each language once"
    return dict(found)


def canonical(body):
    return re.search(r'<link rel="canonical" href="([^"]+)">', body).group(1)


def test_the_ukrainian_page_shows_the_published_translation(client, translated, checked, settings):
    response = client.get("/uk/claims/unemployment/")
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf"<title>[^<]+: {UK['title']} — {settings.SITE_NAME}</title>", body)
    assert f'<meta name="description" content="{UK["conclusion"]}">' in body
    assert f'<h1 class="claim-head__title" dir="auto">{UK["title"]}</h1>' in body
    assert f'<p class="verdict-box__conclusion" dir="auto">{UK["conclusion"]}</p>' in body
    assert "<p><strong>Дані</strong> свідчать про інше.</p>" in body
    assert '<p class="source__note" dir="auto">Показує цифру.</p>' in body
    assert (
        '<blockquote class="statement__text" lang="uk" dir="auto"><p>Безробіття за рік скоротилося вдвічі.</p>' in body
    )
    assert "Переклад: Tara Translator · Рецензент перекладу: Test" in body
    assert canonical(body) == f"{settings.SITE_URL}/uk/claims/unemployment/"
    # The rating stays the original's.
    assert '<span class="badge rating--false badge--lg">' in body


def test_the_english_page_stays_english(client, translated, checked):
    body = client.get("/claims/unemployment/").content.decode()
    assert '<h1 class="claim-head__title" dir="auto">Unemployment halved</h1>' in body
    assert UK["title"] not in body.split("<main")[1]
    assert "Translated by" not in body


def test_hreflang_links_are_reciprocal_absolute_with_x_default(client, translated, settings):
    english = alternates(client.get("/claims/unemployment/").content.decode())
    ukrainian = alternates(client.get("/uk/claims/unemployment/").content.decode())
    expected = {
        "en": f"{settings.SITE_URL}/claims/unemployment/",
        "uk": f"{settings.SITE_URL}/uk/claims/unemployment/",
        "x-default": f"{settings.SITE_URL}/claims/unemployment/",
    }
    assert english == ukrainian == expected
    for href in expected.values():
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc) == tuple(urlsplit(settings.SITE_URL)[:2])
        # Each alternate is a page that lists the same alternates (reciprocal).
        assert alternates(client.get(parts.path).content.decode()) == expected


def test_claimreview_links_the_original_and_its_translation_both_ways(client, translated, settings):
    (original,) = jsonld(client.get("/claims/unemployment/").content.decode())
    (ukrainian,) = jsonld(client.get("/uk/claims/unemployment/").content.decode())
    english_url = f"{settings.SITE_URL}/claims/unemployment/"
    ukrainian_url = f"{settings.SITE_URL}/uk/claims/unemployment/"
    assert (original["url"], original["inLanguage"]) == (english_url, "en")
    assert original["workTranslation"] == [{"@type": "ClaimReview", "url": ukrainian_url, "inLanguage": "uk"}]
    assert "translationOfWork" not in original
    assert (ukrainian["url"], ukrainian["inLanguage"]) == (ukrainian_url, "uk")
    assert ukrainian["translationOfWork"] == {"@type": "ClaimReview", "url": english_url, "inLanguage": "en"}
    assert "workTranslation" not in ukrainian
    assert ukrainian["claimReviewed"] == UK["title"]
    assert ukrainian["itemReviewed"]["text"] == UK["text"]
    assert ukrainian["reviewBody"] == UK["conclusion"]
    assert ukrainian["reviewRating"] == original["reviewRating"]
    assert ukrainian["itemReviewed"]["author"] == original["itemReviewed"]["author"]


def test_a_check_not_yet_in_ukrainian_says_so_and_points_to_the_original(client, checked, settings):
    body = client.get("/uk/claims/unemployment/").content.decode()
    assert "Цієї перевірки ще немає в перекладі: " in body
    assert '<a href="/claims/unemployment/">Відкрити сторінку оригіналу</a>' in body
    assert canonical(body) == f"{settings.SITE_URL}/claims/unemployment/"
    assert '<h1 class="claim-head__title" lang="en" dir="auto">Unemployment halved</h1>' in body
    # Only the language the check is published in (the switcher offers no Ukrainian page of it).
    assert alternates(body) == {
        "en": f"{settings.SITE_URL}/claims/unemployment/",
        "x-default": f"{settings.SITE_URL}/claims/unemployment/",
    }
    assert 'hreflang="uk"' not in body
    assert jsonld(body) == []  # the English page carries the review
    (review,) = jsonld(client.get("/claims/unemployment/").content.decode())
    assert "workTranslation" not in review


def test_readers_never_see_an_unpublished_translation(client, checked, translator):
    translation = translate(checked.claim, by=translator)
    services.translation_submit(translation=translation, by=translator)
    body = client.get("/uk/claims/unemployment/").content.decode()
    assert UK["title"] not in body
    assert "Цієї перевірки ще немає в перекладі: " in body


def test_an_edit_of_a_published_translation_waits_for_review(client, translated, checked, reviewer):
    translation = ClaimTranslation.objects.get(claim=checked.claim)
    translation.title = "Неперевірений заголовок"
    services.translation_save(translation=translation, by=reviewer, expected_version=translation.version)
    body = client.get("/uk/claims/unemployment/").content.decode()
    assert UK["title"] in body
    assert "Неперевірений заголовок" not in body


def test_publishing_a_correction_refreshes_the_cached_page(client, translated, checked, settings):
    settings.PUBLIC_CACHE = True
    assert UK["conclusion"] in client.get("/uk/claims/unemployment/").content.decode()
    translation = ClaimTranslation.objects.get(claim=checked.claim)
    translation.conclusion = "Виправлений висновок."
    editor = UserFactory(username="fixer", group="Editors")
    services.translation_save(translation=translation, by=editor, expected_version=translation.version)
    services.translation_submit(translation=translation, by=editor)
    other = UserFactory(username="approver", group="Reviewers")
    services.translation_publish(translation=translation, by=other, expected_version=translation.version)
    body = client.get("/uk/claims/unemployment/").content.decode()
    assert "Виправлений висновок." in body
    api = client.get("/api/v1/claims/unemployment/?language=uk").json()
    assert api["conclusion"] == "Виправлений висновок."


def _catalogue(size, translator, reviewer):
    for i in range(size):
        verdict = make_verdict(slug=f"c-{i:02}", title=f"English title {i}")
        publish(
            translate(verdict.claim, by=translator, title=f"Український заголовок {i}"),
            translator=translator,
            reviewer=reviewer,
        )


@pytest.mark.parametrize("size", [1, 20])
def test_the_ukrainian_list_shows_translated_titles_in_a_constant_number_of_queries(
    client, translator, reviewer, size, django_assert_num_queries
):
    _catalogue(size, translator, reviewer)
    # content version, the ratings, the filters' aggregates (languages, topics, claimants, counts),
    # the page, and one for the page's translations
    with django_assert_num_queries(8):
        body = client.get("/uk/claims/").content.decode()
    assert body.count("Український заголовок") == size
    assert "English title" not in body
    assert 'href="/uk/claims/c-00/"' in body


@pytest.mark.parametrize("size", [1, 20])
def test_the_ukrainian_home_page_shows_translated_titles(client, translator, reviewer, size, django_assert_num_queries):
    _catalogue(size, translator, reviewer)
    with django_assert_num_queries(7):
        body = client.get("/uk/").content.decode()
    assert body.count("Український заголовок") == min(size, 6)


def test_an_english_list_of_english_checks_reads_no_translation(client, translated, django_assert_num_queries):
    with django_assert_num_queries(7):
        body = client.get("/claims/").content.decode()
    assert "Unemployment halved" in body
    assert UK["title"] not in body


def test_a_translated_claim_page_takes_a_fixed_number_of_queries(client, translated, django_assert_num_queries):
    # The claim with all it shows (one query on PostgreSQL, claims.pageload; six elsewhere), its
    # published translations, the names of the translation's translator and reviewer (only a page
    # that shows a translation reads them), the related claims and the rating bounds.
    page = 1 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(page + 4):
        body = client.get("/uk/claims/unemployment/").content.decode()
    assert UK["title"] in body and "Переклад: Tara Translator" in body
    with django_assert_num_queries(page + 1):
        body = client.get("/claims/unemployment/").content.decode()
    assert "Translated by" not in body


def test_a_ukrainian_query_finds_a_check_by_its_translation(client, translated, checked):
    body = client.get("/uk/claims/", {"q": "безробіття скоротилося"}).content.decode()
    assert f'<a href="/uk/claims/unemployment/">{UK["title"]}</a>' in body
    # On the English page too: search matches across a check's translations.
    body = client.get("/claims/", {"q": "безробіття"}).content.decode()
    assert 'href="/claims/unemployment/"' in body


def test_an_inflected_ukrainian_word_still_finds_the_check(client, translated):
    # скоротилося / скоротилось: PostgreSQL's trigram similarity, SQLite's crude stem.
    body = client.get("/uk/claims/", {"q": "скоротилось"}).content.decode()
    assert 'href="/uk/claims/unemployment/"' in body


def test_an_english_query_finds_the_check_on_the_ukrainian_page(client, translated):
    body = client.get("/uk/claims/", {"q": "unemployment halved"}).content.decode()
    assert f'<a href="/uk/claims/unemployment/">{UK["title"]}</a>' in body


def test_a_query_matching_nothing_in_any_language_finds_nothing(client, translated):
    body = client.get("/uk/claims/", {"q": "гречка"}).content.decode()
    assert 'href="/uk/claims/unemployment/"' not in body


def test_the_ukrainian_feed_has_an_entry_per_translation(client, translated, checked, settings):
    make_verdict(slug="only-english", title="Only in English")
    root = ET.fromstring(client.get("/uk/feeds/verdicts.rss").content)  # noqa: S314 - our own output
    items = {item.findtext("title"): (item.findtext("link"), item.findtext("guid")) for item in root.iter("item")}
    assert items[f"False: {UK['title']}"] == (
        "http://testserver/uk/claims/unemployment/",
        f"{settings.SITE_URL}/uk/claims/unemployment/",
    )
    assert items["False: Only in English"][0] == "http://testserver/claims/only-english/"
    english = ET.fromstring(client.get("/feeds/verdicts.rss").content)  # noqa: S314 - our own output
    assert {item.findtext("link") for item in english.iter("item")} == {
        "http://testserver/claims/unemployment/",
        "http://testserver/claims/only-english/",
    }


def test_the_sitemap_lists_a_translation_with_its_alternates_only_where_it_exists(client, translated):
    make_verdict(slug="only-english")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(client.get("/sitemap-claims.xml").content)  # noqa: S314 - our own output
    urls = {
        url.findtext("s:loc", namespaces=ns): sorted(
            (link.get("hreflang"), link.get("href")) for link in url.findall("x:link", ns)
        )
        for url in root.findall("s:url", ns)
    }
    both = [
        ("en", "http://testserver/claims/unemployment/"),
        ("uk", "http://testserver/uk/claims/unemployment/"),
        ("x-default", "http://testserver/claims/unemployment/"),
    ]
    assert urls == {
        "http://testserver/claims/unemployment/": both,
        "http://testserver/uk/claims/unemployment/": both,
        "http://testserver/claims/only-english/": [
            ("en", "http://testserver/claims/only-english/"),
            ("x-default", "http://testserver/claims/only-english/"),
        ],
    }


def test_a_retracted_check_keeps_its_translated_page_with_the_notice(client, translated, checked, reviewer):
    from claims.services import verdict_retract

    verdict_retract(verdict=Verdict.objects.get(pk=checked.pk), note="The source was forged.", by=reviewer)
    body = client.get("/uk/claims/unemployment/").content.decode()
    assert UK["title"] in body
    assert "The source was forged." in body
    assert UK["conclusion"] not in body
    assert jsonld(body) == []
