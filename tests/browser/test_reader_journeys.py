"""A reader's journeys in a real browser (Debian's chromium through Playwright), at desktop and
phone widths: home, search, filter, a claim, a claimant. Screenshots go to tests/screenshots/
(git-ignored) for a person to look at.

Setup: `apt-get install -y chromium` (Debian's package; Playwright's own browser download is not
used). Without it these tests skip, except under CI=true, where they fail."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Rating
from tests.factories import UserFactory, make_verdict

# Playwright's sync API runs an event loop in this thread; the live server's database calls are
# still plain synchronous Django in another thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _require_chromium():
    if Path(CHROMIUM).exists():
        return
    message = f"Browser tests need Debian's chromium at {CHROMIUM}: run `apt-get install -y chromium`."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " CI must not pass without them.")
    pytest.skip(message)


@pytest.fixture(scope="module")
def _serialized_db(django_db_setup, django_db_blocker):
    """The migrated data (ratings, groups) as Django serialised it for serialized_rollback, read
    before Playwright starts: its event loop gives the test thread another database connection
    object, which lacks the copy, so a flushed database would otherwise stay empty."""
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture(scope="module")
def browser(_serialized_db):
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.errors = []
    # A failed stylesheet or image shows as a response below; the page's own status is asserted
    # by each test, so the console's generic "Failed to load resource" line is left out.
    page.on(
        "console",
        lambda msg: (
            msg.type == "error" and not msg.text.startswith("Failed to load resource") and page.errors.append(msg.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and r.request.resource_type != "document" and page.errors.append(f"{r.status} {r.url}")
        ),
    )
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.width_name = request.param
    yield page
    context.close()


@pytest.fixture
def site(live_server, settings, _serialized_db):
    from django.db import connections

    connection = connections["default"]
    if _serialized_db and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = _serialized_db
        if not Rating.objects.exists():
            connection.creation.deserialize_db_from_string(_serialized_db)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_reviewer = UserFactory(username="browser-seed-reviewer", group="Reviewers")
    call_command("loadseeds", "--reviewer", seed_reviewer.username, verbosity=0)
    make_verdict(
        slug="grain-exports",
        title="Grain exports doubled last year",
        text="Our grain exports doubled.",
        rating=Rating.objects.get(slug="mostly-false"),
    )
    return live_server.url


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{page.width_name}.png"), full_page=True)


def check_layout(page):
    """Nothing wider than the viewport (no sideways scrolling on a phone), no browser errors (a CSP
    violation from an inline script or style would show here)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
    assert page.errors == []


def test_home_page(page, site):
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "What was said, what the evidence shows."
    assert page.locator(".home-latest .card").count() == 3
    assert page.get_by_role("heading", name="How our verdicts are spread").is_visible()
    assert page.locator(".chart__row").filter(has_text="Needs context").inner_text().split() == [
        "Needs",
        "context",
        "1",
        "check",
    ]
    assert page.get_by_role("link", name="Russia–Ukraine war").is_visible()
    assert "Putin demands" not in page.content()  # in review
    check_layout(page)
    shoot(page, "home")


def test_search_from_the_home_page(page, site):
    page.goto(site + "/")
    page.get_by_label("Search the fact-checks").fill("ceasefire")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/claims/\?q=ceasefire"))
    assert page.locator("h1").inner_text() == "Search results for “ceasefire”"
    titles = page.locator(".card__title").all_inner_texts()
    pledge = (
        "Putin pledges an “immediate” ceasefire and talks if Kyiv withdraws from four regions and drops its NATO bid"
    )
    # The Kremlin check is filed under the ceasefire topic (topics are searched); PostgreSQL ranks the
    # pledge, whose title says it, first.
    assert set(titles) == {pledge, "“The Kremlin is ready to start negotiations without delay”"}
    if connection.vendor == "postgresql":
        assert titles[0] == pledge
    assert page.locator(".card mark").first.inner_text().lower() == "ceasefire"
    check_layout(page)
    shoot(page, "search")


def test_filter_the_claims_list(page, site):
    page.goto(site + "/claims/")
    assert page.locator(".results__count").inner_text() == "3 fact-checks"
    page.get_by_label("Rating").select_option("needs-context")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"rating=needs-context"))
    assert page.locator(".results__count").inner_text() == "1 fact-check"
    assert page.locator(".card__title").all_inner_texts() == [
        "“The Kremlin is ready to start negotiations without delay”"
    ]
    assert page.locator(".active-filters").inner_text() == "Rating: Needs context (veracity)"
    check_layout(page)
    shoot(page, "filtered")
    page.goto(site + "/claims/?date_from=yesterday")
    assert "“From” must be a date written as YYYY-MM-DD." in page.get_by_role("alert").inner_text()


def test_open_a_claim_and_its_claimant(page, site):
    page.goto(site + "/claims/")
    page.get_by_role("link", name="“The Kremlin is ready to start negotiations without delay”").click()
    page.wait_for_url(re.compile(r"/claims/kremlin-ready-to-negotiate-without-delay/$"))
    assert page.locator("h1").inner_text() == "“The Kremlin is ready to start negotiations without delay”"
    assert " ".join(page.locator(".verdict-box .badge").text_content().split()) == "Rating: Needs context"
    assert page.get_by_role("heading", name="History of this verdict").is_visible()
    assert "Rating change" in page.locator(".timeline").inner_text()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    badge_colours = page.locator(".verdict-box .badge").evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    assert badge_colours == ["rgb(9, 105, 218)", "rgb(255, 255, 255)"]
    check_layout(page)
    shoot(page, "claim")
    page.locator(".statement__who a").click()
    page.wait_for_url(re.compile(r"/claimants/vladimir-putin/$"))
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    assert page.get_by_role("heading", name="Pledge tracker").is_visible()
    assert "Based on 1 published check." in page.locator(".panel").first.inner_text()
    check_layout(page)
    shoot(page, "claimant")


def test_unknown_page_is_a_designed_404(page, site):
    response = page.goto(site + "/claims/putin-did-not-make-any-fresh-demands/")  # a draft
    assert response.status == 404
    assert page.locator("h1").inner_text() == "We could not find that page"
    check_layout(page)
