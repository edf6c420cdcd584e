"""The same seeded check read in English and in Ukrainian in a real browser, at 1280 and 390 px,
following the language switcher both ways. Screenshots go to tests/screenshots/ (setup: see
test_reader_journeys.py)."""

import json
import re

import pytest

from tests.browser.test_reader_journeys import (  # noqa: F401 - fixtures
    _serialized_db,
    browser,
    check_layout,
    shoot,
    site,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SLUG = "kremlin-ready-to-negotiate-without-delay"
ENGLISH_TITLE = "“The Kremlin is ready to start negotiations without delay”"
UKRAINIAN_TITLE = "«Кремль готовий розпочати переговори без зволікань»"


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser):  # noqa: F811 - the module's own viewports
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and r.request.resource_type != "document" and page.errors.append(f"{r.status} {r.url}")
        ),
    )
    page.width_name = request.param
    yield page
    context.close()


def claimreview(page):
    return json.loads(page.locator('script[type="application/ld+json"]').text_content())


def test_read_a_check_in_english_then_in_ukrainian_and_back(page, site):  # noqa: F811
    page.goto(f"{site}/claims/{SLUG}/")
    assert page.locator("h1").inner_text() == ENGLISH_TITLE
    assert page.locator("html").get_attribute("lang") == "en"
    assert claimreview(page)["workTranslation"][0]["inLanguage"] == "uk"
    check_layout(page)
    shoot(page, "translation-en")

    page.locator(".language-switcher").get_by_role("link", name="Українська").click()
    page.wait_for_url(re.compile(rf"/uk/claims/{SLUG}/$"))
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text() == UKRAINIAN_TITLE
    conclusion = page.locator(".verdict-box__conclusion").inner_text()
    assert conclusion.startswith("Готовність до переговорів «без зволікань» умовна")
    assert "Olena Koval" in page.locator(".translation-credit").inner_text()
    assert "Кремль «готовий розпочати переговори без зволікань»." in page.locator(".statement__text").inner_text()
    # The rating is the original's, in its colour.
    assert page.locator(".verdict-box .badge").evaluate("el => getComputedStyle(el).backgroundColor") == (
        "rgb(9, 105, 218)"
    )
    review = claimreview(page)
    assert (review["inLanguage"], review["translationOfWork"]["url"].endswith(f"/claims/{SLUG}/")) == ("uk", True)
    check_layout(page)
    shoot(page, "translation-uk")

    page.locator(".language-switcher").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(rf"/claims/{SLUG}/$"))
    assert "/uk/" not in page.url
    assert page.locator("h1").inner_text() == ENGLISH_TITLE


def test_a_check_without_a_ukrainian_version_says_so(page, site):  # noqa: F811
    page.goto(f"{site}/uk/claims/grain-exports/")
    assert page.locator("h1").inner_text() == "Grain exports doubled last year"
    notice = page.locator(".notice--language")
    assert notice.is_visible()
    assert page.locator(".language-switcher").count() == 0  # one language only: nothing to switch to
    check_layout(page)
    shoot(page, "translation-missing")
    notice.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/claims/grain-exports/$"))
    assert "/uk/" not in page.url


def test_the_ukrainian_list_and_search(page, site):  # noqa: F811
    page.goto(f"{site}/uk/claims/?q=переговорів")
    titles = page.locator(".card__title").all_inner_texts()
    assert UKRAINIAN_TITLE in titles
    check_layout(page)
    shoot(page, "translation-search")
