"""The readers' site's trust details in a real browser at 1280 and 390 px: bylines and transparency,
the pager and the indexes, the charts and filters, share images, and hostile text that must not
break any page (no sideways scrolling, dates that read left to right, labels that never overlap).
Screenshots go to tests/screenshots/."""

import re

import pytest

from claims.models import Rating, Verdict
from tests.browser.test_reader_journeys import (  # noqa: F401, F811 - fixtures
    _serialized_db,
    browser,
    check_layout,
    page,
    shoot,
    site,
)
from tests.factories import ClaimantFactory, TopicFactory, make_verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RLO = "\u202e"
LONG = "x" * 10000  # in the text fields; names and titles get the longest their fields hold


# Whether an element's text is drawn in reading order, left to right: each character right of the one
# before it on the same line (a right-to-left override that leaked in would reverse them).
READS_LEFT_TO_RIGHT = """el => {
  const node = [...el.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const range = document.createRange(), boxes = [];
  for (let i = 0; i < node.textContent.length; i++) {
    range.setStart(node, i); range.setEnd(node, i + 1); boxes.push(range.getBoundingClientRect());
  }
  return boxes.every((box, i) => i === 0 || box.top > boxes[i - 1].top + 1 || box.left >= boxes[i - 1].left);
}"""


@pytest.fixture
def hostile(site):  # noqa: F811
    Rating.objects.filter(slug="mostly-false").update(label="Mostly false, with a long qualifier that wraps")
    claimant = ClaimantFactory(
        name=f"{RLO}Evil Claimant", slug="evil", role=f"{RLO}Minister of {LONG}"[:200], description=LONG
    )
    topic = TopicFactory(name=f"Topic {LONG}"[:100], slug="long-topic", featured=True, description=LONG)
    verdict = make_verdict(
        slug="hostile",
        title=f"A title {LONG}"[:200],
        text=f"{RLO}Reversed? {LONG}",
        claimant=claimant,
        made_at=f"{RLO}a place",
        rating=Rating.objects.get(slug="mostly-false"),
    )
    verdict.claim.topics.add(topic)
    Verdict.objects.filter(pk=verdict.pk).update(analysis=LONG)
    verdict.claim.appearances.update(quote=f"{RLO}{LONG}")
    return site


def test_hostile_text_breaks_no_page(page, hostile):  # noqa: F811
    for path in (
        "/",
        "/claims/",
        "/claims/hostile/",
        "/claimants/evil/",
        "/claimants/",
        "/topics/",
        "/topics/long-topic/",
    ):
        page.goto(hostile + path)
        check_layout(page)
    page.goto(hostile + "/claims/hostile/")
    assert page.locator(".statement__when time").evaluate(READS_LEFT_TO_RIGHT)
    assert page.locator(".statement__when time").inner_text() == "14 June 2024"
    shoot(page, "hostile-claim")
    page.goto(hostile + "/claims/")
    card = page.locator(".card").filter(has=page.locator('a[href="/claims/hostile/"]'))
    assert card.locator("time").first.evaluate(READS_LEFT_TO_RIGHT)
    badge, title = card.locator(".badge").bounding_box(), card.locator(".card__title").bounding_box()
    if page.width_name == "desktop":
        assert badge["x"] + badge["width"] <= title["x"], "the rating label runs under the title"
    else:
        assert badge["y"] + badge["height"] <= title["y"], "the rating label runs under the title"
    shoot(page, "hostile-list")


def test_bar_chart_tracks_have_one_length(page, site):  # noqa: F811
    for i in range(10):
        make_verdict(slug=f"many-{i}", rating=Rating.objects.get(slug="false"))
    page.goto(site + "/")
    widths = (
        page.locator(".chart")
        .first.locator(".chart__bar")
        .evaluate_all("bars => bars.map(b => Math.round(b.getBoundingClientRect().width))")
    )
    assert len(set(widths)) == 1, widths
    row = (
        page.locator(".chart")
        .first.locator(".chart__row")
        .filter(has=page.locator("bdi", has_text=re.compile("^False$")))
    )
    assert row.locator(".chart__count").inner_text() == "10 checks"
    check_layout(page)
    shoot(page, "home-chart")


def test_every_filter_shows_its_whole_choice(page, site):  # noqa: F811
    page.goto(site + "/claims/")
    cut = page.locator(".filters select").evaluate_all(
        """selects => selects.filter(s => {
             const style = getComputedStyle(s), canvas = document.createElement("canvas").getContext("2d");
             canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
             const text = canvas.measureText(s.options[s.selectedIndex].text).width;
             const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
             return text > room;
           }).map(s => s.name)"""
    )
    assert cut == []
    assert page.get_by_label("Kind").evaluate("s => s.options[s.selectedIndex].text") == "Statements and pledges"
    shoot(page, "filters")


def test_numbered_pages_and_the_indexes(page, site):  # noqa: F811
    for i in range(45):
        make_verdict(slug=f"page-{i}", title=f"Paged claim {i}", claimant=ClaimantFactory(name=f"Zed {i:02d}"))
    page.goto(site + "/claims/")
    pager = page.get_by_role("navigation", name="Pages")
    assert pager.locator(".pagination__status").inner_text() == "Page 1 of 3"
    pager.get_by_role("link", name="Last page, 3").click()
    page.wait_for_url(re.compile(r"page=3$"))
    assert page.locator(".card").count() == 8  # 45 and the seeds' 3
    check_layout(page)
    shoot(page, "pager")
    page.goto(site + "/claimants/")
    page.get_by_role("navigation", name="By letter").get_by_role("link", name="Z", exact=True).click()
    page.wait_for_url(re.compile(r"letter=Z"))
    assert page.locator(".claimant-list__item").count() == 45
    page.get_by_label("Find a claimant by name or role").fill("Zed 07")
    page.get_by_role("button", name="Find").click()
    assert page.locator(".claimant-list__name").all_inner_texts() == ["Zed 07"]
    check_layout(page)
    shoot(page, "claimants")
    page.goto(site + "/topics/")
    assert page.get_by_role("link", name="Russia–Ukraine war").is_visible()
    check_layout(page)
    shoot(page, "topics")


def test_bylines_transparency_and_share_card(page, site):  # noqa: F811
    page.goto(site + "/claims/kremlin-ready-to-negotiate-without-delay/")
    byline = page.locator(".verdict-box__byline")
    assert byline.inner_text().startswith("By Dana Writer · Reviewed by ")
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith("/claims/kremlin-ready-to-negotiate-without-delay/share.png")
    byline.get_by_role("link", name="Dana Writer").click()
    page.wait_for_url(re.compile(r"/team/dana-writer/$"))
    assert page.locator("h1").inner_text() == "Dana Writer"
    check_layout(page)
    shoot(page, "team-member")
    page.goto(site + "/about/")
    assert page.get_by_role("heading", name="Ownership and governance").is_visible()
    assert page.locator("table.funding").first.locator("tfoot").inner_text().split() == ["Total", "70,200", "EUR"]
    check_layout(page)
    shoot(page, "about")
    response = page.goto(site + "/claims/kremlin-ready-to-negotiate-without-delay/share.png")
    assert response.headers["content-type"] == "image/png"
    assert page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]") == [1200, 630]
    shoot(page, "share-card")
