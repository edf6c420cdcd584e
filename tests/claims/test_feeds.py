"""Feeds, sitemap and robots.txt: they parse, and only published material is in them."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim, Claimant, Correction, Rating, Verdict
from tests.factories import TopicFactory, correct, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published_and_hidden(reviewer):
    published = make_verdict(title="Published claim", slug="published", text="What was said.", reviewer=reviewer)
    make_verdict(Verdict.Status.DRAFT, title="Draft claim", slug="draft")
    make_verdict(Verdict.Status.IN_REVIEW, title="Review claim", slug="review")
    make_verdict(Verdict.Status.RETRACTED, title="Retracted claim", slug="retracted", reviewer=reviewer)
    return published


@pytest.mark.parametrize("url", ["/feeds/verdicts.rss", "/feeds/verdicts.atom"])
def test_verdict_feeds_parse_and_hold_published_verdicts_only(client, published_and_hidden, settings, url):
    response = client.get(url)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Latest fact-checks"
    assert [e.title for e in feed.entries] == ["False: Published claim"]
    entry = feed.entries[0]
    assert entry.link == "http://testserver/claims/published/"
    assert entry.id == f"{settings.SITE_URL}/claims/published/"
    claimant = published_and_hidden.claim.claimant.name
    assert entry.summary == f"{claimant}: “What was said.” — The statement is not accurate."
    assert [t.term for t in entry.tags] == ["False"]
    published_at = published_and_hidden.published_at
    assert entry.published_parsed[:6] == published_at.utctimetuple()[:6]


@pytest.mark.parametrize("url", ["/feeds/corrections.rss", "/feeds/corrections.atom"])
def test_corrections_feeds_parse_newest_first(client, published_and_hidden, reviewer, url):
    correct(
        verdict=published_and_hidden,
        by=reviewer,
        note="We fixed the date.",
        rating=Rating.objects.get(slug="mostly-false"),
    )
    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Corrections"
    assert [e.title for e in feed.entries] == ["Rating change: Published claim", "Retraction: Retracted claim"]
    assert feed.entries[0].summary == "Rating changed from False to Mostly false. We fixed the date."
    assert feed.entries[0].link.endswith(f"/claims/published/#correction-{published_and_hidden.corrections.get().pk}")


def add_correction(verdict, by, **fields):
    """A correction as stored: what the feeds read, whichever service wrote it."""
    return Correction.objects.create(verdict=verdict, created_at=timezone.now(), created_by=by, **fields)


@pytest.mark.parametrize("url", ["/feeds/corrections.rss", "/feeds/corrections.atom"])
def test_corrections_feeds_keep_a_retracted_verdicts_earlier_corrections(client, reviewer, url):
    verdict = make_verdict(title="Later withdrawn", slug="later-withdrawn", reviewer=reviewer)
    add_correction(verdict, reviewer, kind=Correction.Kind.CLARIFICATION, note="We clarified the period.")
    services.verdict_retract(verdict=verdict, note="The data set was fabricated.", by=reviewer)
    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [(e.title, e.summary) for e in feed.entries] == [
        ("Retraction: Later withdrawn", "The data set was fabricated."),
        ("Clarification: Later withdrawn", "We clarified the period."),
    ]


def test_corrections_feed_query_count_is_constant(client, reviewer, django_assert_num_queries):
    verdict = make_verdict(reviewer=reviewer)
    add_correction(verdict, reviewer, kind=Correction.Kind.UPDATE, note="Updated.")
    # content version, the items
    with django_assert_num_queries(2):
        client.get("/feeds/corrections.rss")
    for i in range(19):
        make_verdict(Verdict.Status.RETRACTED, slug=f"r-{i}", reviewer=reviewer)
    with django_assert_num_queries(2):
        feed = feedparser.parse(client.get("/feeds/corrections.atom").content)
    assert len(feed.entries) == 20


def test_feeds_query_count_is_constant(client, django_assert_num_queries):
    make_verdict()
    # content version, the items
    with django_assert_num_queries(2):
        client.get("/feeds/verdicts.rss")
    for i in range(20):
        make_verdict(slug=f"f-{i}")
    with django_assert_num_queries(2):
        feed = feedparser.parse(client.get("/feeds/verdicts.rss").content)
    assert len(feed.entries) == 21


def test_feeds_escape_hostile_text(client):
    make_verdict(slug="x", title='<script>alert("t")</script>', text="<b>bold</b> & more")
    raw = client.get("/feeds/verdicts.rss").content.decode()
    assert "<script>" not in raw
    feed = feedparser.parse(raw)
    assert feed.entries[0].title == 'False: <script>alert("t")</script>'


SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_sections(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    return [loc.text for loc in root.findall("s:sitemap/s:loc", SITEMAP_NS)]


def sitemap_urls(client):
    urls = []
    for section in sitemap_sections(client):
        root = ET.fromstring(client.get(section.removeprefix("http://testserver")).content)  # noqa: S314
        urls += [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    return urls


def test_sitemap_index_lists_each_section(client, published_and_hidden):
    assert sitemap_sections(client) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-claims.xml",
        "http://testserver/sitemap-claimants.xml",
        "http://testserver/sitemap-topics.xml",
    ]


def test_sitemap_lists_published_pages_only(client, published_and_hidden):
    urls = sitemap_urls(client)
    claimant = published_and_hidden.claim.claimant
    assert "http://testserver/claims/published/" in urls
    assert f"http://testserver/claimants/{claimant.slug}/" in urls
    assert "http://testserver/" in urls
    assert "http://testserver/ratings/" in urls
    assert not [u for u in urls if "draft" in u or "review" in u or "retracted" in u]
    hidden_claimants = [v.claim.claimant.slug for v in Verdict.objects.exclude(status="published")]
    assert not [u for u in urls if any(f"/claimants/{slug}/" in u for slug in hidden_claimants)]


def test_sitemap_query_count_is_constant(client, django_assert_num_queries):
    topic = TopicFactory()
    make_verdict().claim.topics.add(topic)
    with django_assert_num_queries(4 + 2 * 3 + 1):
        sitemap_urls(client)
    for i in range(20):
        make_verdict(slug=f"s-{i}").claim.topics.add(topic)
    with django_assert_num_queries(4 + 2 * 3 + 1):
        # every page once per language (README "Languages"), but each claim only in the languages it
        # is published in (one query more: the page's published translations)
        assert len(sitemap_urls(client)) == 2 * 6 + 21 + 2 * 21 + 2 * 1


def test_robots_txt_allows_the_site_and_points_to_the_sitemap(client, settings):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        f"User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: {settings.SITE_URL}/sitemap.xml\n"
    )


# Control characters that XML 1.0 cannot carry, as pasted from word processors and terminals:
# vertical tab (a line break), escape and backspace.
VT, ESC, BS = "\x0b", "\x1b", "\x08"


@pytest.fixture
def stored_control_characters(reviewer):
    """Published text holding control characters, stored past the input cleaning (update())."""
    verdict = make_verdict(slug="controls", reviewer=reviewer)
    correction = add_correction(
        verdict,
        reviewer,
        kind=Correction.Kind.RATING_CHANGE,
        note="Placeholder.",
        old_rating=Rating.objects.get(slug="false"),
        new_rating=Rating.objects.get(slug="mostly-false"),
    )
    Claim.objects.filter(pk=verdict.claim_id).update(
        title=f"Tax{VT}cuts{ESC}[1m for{BS} all", text=f"We{ESC} said{VT}it."
    )
    Claimant.objects.filter(pk=verdict.claim.claimant_id).update(name=f"Ann{BS}a{ESC} Example")
    Verdict.objects.filter(pk=verdict.pk).update(conclusion=f"Not{VT}so{BS}.{ESC}")
    Rating.objects.filter(slug="false").update(label=f"Fal{BS}se{ESC}")
    Rating.objects.filter(slug="mostly-false").update(label=f"Mostly{ESC} false")
    Correction.objects.filter(pk=correction.pk).update(note=f"Fixed{BS} the{VT}date{ESC}.")


@pytest.mark.parametrize("url", ["/feeds/verdicts.rss", "/feeds/verdicts.atom"])
def test_verdict_feeds_strip_stored_control_characters(client, stored_control_characters, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not {VT, ESC, BS} & set(response.content.decode())
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "False: Tax\ncuts[1m for all"
    assert [t.term for t in entry.tags] == ["False"]
    assert entry.summary == "Anna Example: “We said\nit.” — Not\nso."


@pytest.mark.parametrize("url", ["/feeds/corrections.rss", "/feeds/corrections.atom"])
def test_corrections_feeds_strip_stored_control_characters(client, stored_control_characters, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not {VT, ESC, BS} & set(response.content.decode())
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "Rating change: Tax\ncuts[1m for all"
    assert entry.summary == "Rating changed from False to Mostly false. Fixed the\ndate."


def test_corrections_atom_entries_have_updated(client, reviewer):
    verdict = make_verdict(reviewer=reviewer)
    correction = add_correction(verdict, reviewer, kind=Correction.Kind.UPDATE, note="Updated.")
    raw = client.get("/feeds/corrections.atom").content.decode()
    entry = raw.split("<entry>", 1)[1]
    assert f"<updated>{correction.created_at.isoformat()}</updated>" in entry


@pytest.mark.parametrize("url", ["/feeds/verdicts.atom", "/feeds/corrections.atom"])
def test_atom_summaries_are_plain_text(client, reviewer, url):
    verdict = make_verdict(slug="x", text="<b>bold</b> & more", reviewer=reviewer)
    add_correction(verdict, reviewer, kind=Correction.Kind.UPDATE, note="<i>not markup</i>")
    raw = client.get(url).content.decode()
    assert '<summary type="text">' in raw and 'type="html"' not in raw
    entry = feedparser.parse(raw).entries[0]
    assert entry.summary_detail.type == "text/plain"
    assert "<b>bold</b> & more" in entry.summary or entry.summary == "<i>not markup</i>"


def test_rss_descriptions_are_escaped_so_readers_show_the_text(client):
    make_verdict(slug="x", text="<b>bold</b> & more")
    raw = client.get("/feeds/verdicts.rss").content.decode()
    assert "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; &amp;amp; more" in raw
