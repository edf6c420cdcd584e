"""The same fact-check read in English and in Ukrainian, at phone and desktop widths, following the
language switcher there and back (README "Languages"). Screenshots go to tests/screenshots/.

The check's own words are data (translated fact-checks are content, not interface): what is asserted
here is that the interface around them (navigation, headings, rating labels of the page, dates) is
Ukrainian under /uk/ and English at the address it always had."""

import re

import pytest

from tests.browser.test_reader_journeys import _serialized_db, browser, check_layout, shoot, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The widths the issue names: a phone and a laptop.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CLAIM = "/claims/kremlin-ready-to-negotiate-without-delay/"
UKRAINIAN_DATE = re.compile(
    r"\b\d{1,2} (січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня) \d{4}\b"
)


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.width_name = request.param
    yield page
    context.close()


def headings(page):
    return [" ".join(text.split()) for text in page.locator("main h2").all_text_contents()]


def test_read_a_check_in_both_languages_through_the_switcher(page, site):  # noqa: F811
    page.goto(site + CLAIM)
    assert page.locator("html").get_attribute("lang") == "en"
    title = page.locator("h1").inner_text()
    assert title == "“The Kremlin is ready to start negotiations without delay”"
    assert "Our verdict" in headings(page)
    assert page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts() == [
        "Fact-checks",
        "How we rate",
        "Corrections",
        "About",
    ]
    english_badge = " ".join(page.locator(".verdict-box .badge").text_content().split())
    assert english_badge.startswith("Rating: ")
    assert "14 June 2024" in page.locator(".statement").inner_text()
    check_layout(page)
    shoot(page, "language-en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Українська").click()
    page.wait_for_url(re.compile(re.escape("/uk" + CLAIM) + "$"))
    assert page.locator("html").get_attribute("lang") == "uk"
    # The seeds publish this check in Ukrainian too (tests/translations): its words change with the interface.
    assert page.locator("h1").inner_text() == "«Кремль готовий розпочати переговори без зволікань»"
    assert {"Наш вердикт", "Наш аналіз", "Докази", "Де з'явилася заява", "Історія цього вердикту"} <= set(
        headings(page)
    )
    assert page.get_by_role("navigation", name="Головне меню").get_by_role("link").all_inner_texts() == [
        "Фактчеки",
        "Як ми оцінюємо",
        "Виправлення",
        "Про нас",
    ]
    badge = " ".join(page.locator(".verdict-box .badge").text_content().split())
    assert badge == english_badge.replace("Rating: ", "Оцінка: ")
    assert UKRAINIAN_DATE.search(page.locator(".statement").inner_text())
    assert UKRAINIAN_DATE.search(page.locator(".verdict-box").inner_text())
    assert page.get_by_role("link", name="Повідомити про помилку в цьому фактчеку").is_visible()
    alternates = page.locator('link[rel="alternate"][hreflang]').evaluate_all(
        "links => links.map(l => [l.hreflang, new URL(l.href).pathname])"
    )
    assert alternates == [["en", CLAIM], ["x-default", CLAIM], ["uk", "/uk" + CLAIM]]
    check_layout(page)
    shoot(page, "language-uk")

    page.get_by_role("navigation", name="Мова").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(re.escape(site + CLAIM) + "$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Our verdict" in headings(page)


def test_the_list_keeps_its_search_across_languages(page, site):  # noqa: F811
    page.goto(site + "/uk/claims/?q=ceasefire")
    assert page.locator("h1").inner_text() == "Результати пошуку за запитом «ceasefire»"
    # The pledge, and the Kremlin check filed under the ceasefire topic (topics are searched).
    assert page.locator(".results__count").inner_text() == "2 фактчеки"
    check_layout(page)
    shoot(page, "language-uk-search")
    page.get_by_role("navigation", name="Мова").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/claims/\?q=ceasefire$"))
    assert page.locator("h1").inner_text() == "Search results for “ceasefire”"
