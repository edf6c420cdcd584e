"""No list costs more because it is deep (issue 13, item 4): numbered pages stop at
claims.views.DEEPEST_FILTERED_PAGE, lists sorted by date go on with date-keyed pages (?before=,
?after=) that never use OFFSET, and the sitemap pages by ranges of ids."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim, Verdict
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>')
NEXT = re.compile(r'rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'rel="prev" href="([^"]+)"')


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr("claims.views.DEEPEST_FILTERED_PAGE", 2)


def publish_many(n):
    verdicts = [make_verdict(slug=f"deep-{i}", title=f"Deep claim {i}") for i in range(n)]
    # Three claims published in the same microsecond: the claim id breaks the tie.
    same = timezone.now() - datetime.timedelta(days=3)
    Verdict.objects.filter(pk__in=[v.pk for v in verdicts[10:13]]).update(published_at=same)
    return verdicts


def newest_first():
    return [c.title for c in Claim.objects.published().order_by("-verdict__published_at", "-pk")]


def titles(response):
    return CARD_TITLE.findall(response.content.decode())


def follow(client, url, link=NEXT):
    found = link.search(client.get(url).content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize(("sort", "query"), [("newest", ""), ("oldest", "&sort=oldest"), ("newest", "&kind=statement")])
def test_following_next_past_the_numbered_pages_walks_the_whole_list_once(client, cap, sort, query):
    publish_many(65)
    expected = newest_first() if sort == "newest" else newest_first()[::-1]
    seen, url, pages = [], f"/claims/?{query.lstrip('&')}", 0
    while url:
        response = client.get(url if url.startswith("/") else "/claims/" + url)
        assert response.status_code == 200
        seen += titles(response)
        pages += 1
        url = follow(client, url if url.startswith("/") else "/claims/" + url)
    assert seen == expected
    assert pages == 4  # pages 1 and 2 numbered, then two date-keyed pages (20 and 5)


def test_previous_from_a_date_keyed_page_returns_the_page_before_it(client, cap):
    publish_many(65)
    third = "/claims/" + follow(client, "/claims/?page=2")
    fourth = "/claims/" + follow(client, third)
    back = "/claims/" + follow(client, fourth, PREVIOUS)
    assert titles(client.get(back)) == titles(client.get(third)) == newest_first()[40:60]
    assert "First page" in client.get(back).content.decode()


def test_a_date_keyed_page_never_uses_offset_and_costs_the_same_at_any_depth(client, django_assert_num_queries):
    publish_many(45)
    client.get("/claims/")  # the aggregates, once per change
    rows = Claim.objects.published().order_by("-verdict__published_at", "-pk")
    for depth in (1, 40):
        anchor = rows[depth]
        at = anchor.verdict.published_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/claims/", {"before": f"{at},{anchor.pk}"})
        assert response.status_code == 200
        assert titles(response) == newest_first()[depth + 1 : depth + 21]
        assert not [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
        # content version, ratings, the page
        assert len(queries) == 3


def test_date_keyed_page_query_count_is_the_same_at_1_and_20_rows(client, django_assert_num_queries):
    make_verdict(slug="only", title="Only claim")
    client.get("/claims/")
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    with django_assert_num_queries(3):
        assert titles(client.get(f"/claims/?before={tomorrow}")) == ["Only claim"]
    publish_many(20)
    client.get("/claims/")
    with django_assert_num_queries(3):
        assert len(titles(client.get(f"/claims/?before={tomorrow}"))) == 20


def test_numbered_pages_never_skip_more_than_the_deepest_page(client, cap):
    publish_many(65)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/claims/?kind=statement&page=2")
    offsets = [int(n) for q in queries for n in re.findall(r"OFFSET (\d+)", q["sql"].upper())]
    assert offsets == [20]
    assert titles(response) == newest_first()[20:40]


def test_a_too_deep_page_number_answers_the_last_numbered_page_with_a_way_on(client, cap):
    publish_many(65)
    response = client.get("/claims/?page=25000")
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "Only the first 2 pages of this list are numbered; this is page 2. Follow “Next” from here to go further "
        "back, or sort it oldest first to start from the other end."
    ) in text
    assert titles(response) == newest_first()[20:40]
    assert "before=" in NEXT.search(text).group(1)


def test_a_date_jumps_to_the_checks_published_before_it(client):
    old = make_verdict(slug="old", title="Old claim")
    make_verdict(slug="new", title="New claim")
    Verdict.objects.filter(pk=old.pk).update(published_at=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC))
    assert titles(client.get("/claims/?before=2024-03-02")) == ["Old claim"]
    assert titles(client.get("/claims/?before=2024-03-01")) == []
    assert titles(client.get("/claims/?after=2024-03-01")) == ["New claim", "Old claim"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "before=yesterday",
            "“before” must be a date such as 2024-06-14, or come from a “Next” link; showing the first page.",
        ),
        (
            "after=2024-02-30",
            "“after” must be a date such as 2024-06-14, or come from a “Next” link; showing the first page.",
        ),
        (
            "before=2024-06-14T10:00:00Z,abc",
            "“before” must be a date such as 2024-06-14, or come from a “Next” link; showing the first page.",
        ),
        ("before=2024-06-14&after=2024-06-01", "Give either “before” or “after”, not both; showing the first page."),
        ("q=claim&before=2024-06-14", "“before” and “after” apply to lists sorted by date; showing the first page."),
    ],
)
def test_a_bad_position_is_a_clear_400_with_the_first_page(client, query, message):
    make_verdict(slug="one", title="Deep claim one", text="A claim about something.")
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert titles(response) == ["Deep claim one"]


@pytest.mark.parametrize("path", ["/claimants/claimant-x/?page=500", "/corrections/?page=500"])
def test_other_numbered_lists_stop_at_the_deepest_page(client, cap, path):
    from tests.factories import ClaimantFactory, correct

    claimant = ClaimantFactory(slug="claimant-x")
    for i in range(45):
        verdict = make_verdict(slug=f"c-{i}", title=f"Claim {i}", claimant=claimant)
        if path.startswith("/corrections/"):
            correct(verdict=verdict, by=verdict.author, note=f"Note {i}.", conclusion=f"Changed {i}.")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert "Only the first 2 pages of this list are shown; this is page 2." in response.content.decode()
    offsets = [int(n) for q in queries for n in re.findall(r"OFFSET (\d+)", q["sql"].upper())]
    assert max(offsets) == 20


def test_sitemap_pages_by_ranges_of_ids_without_offset(client, monkeypatch):
    monkeypatch.setattr("claims.sitemaps.ClaimSitemap.limit", 10)
    verdicts = [make_verdict(slug=f"s-{i}", title=f"Claim {i}") for i in range(25)]
    make_verdict(Verdict.Status.DRAFT, slug="s-draft")
    highest = Claim.objects.order_by("-pk").values_list("pk", flat=True).first()
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", ns) if "claims" in loc.text]
    assert len(pages) == -(-highest // 10)
    listed = []
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(page.replace("http://testserver", "")).content
        assert not [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
        listed += [loc.text for loc in ET.fromstring(body).findall("s:url/s:loc", ns)]  # noqa: S314
    # Each claim in the languages it is published in (here: English only, no translation).
    assert sorted(listed) == sorted(f"http://testserver/claims/{v.claim.slug}/" for v in verdicts)
