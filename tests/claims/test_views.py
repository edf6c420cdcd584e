"""The readers' pages: what a reader sees, what they never see, and how much each page costs."""

import datetime
import io
import re

import pytest
from django import forms
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.colours import contrast_ratio
from claims.forms import FastSelect
from claims.models import Claim, Correction, Rating, Topic, Verdict
from tests.factories import (
    AppearanceFactory,
    ClaimantFactory,
    EvidenceFactory,
    SourceFactory,
    TopicFactory,
    correct,
    make_verdict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The factories give every user a password; PBKDF2 at full strength would make most of this
    # module's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def text_of(response):
    """The page's visible text with whitespace collapsed, for exact assertions on what readers read."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def publish_many(n, **kwargs):
    return [make_verdict(slug=f"many-{i}", title=f"Checked claim {i}", **kwargs) for i in range(n)]


@pytest.fixture
def putin(db):
    return ClaimantFactory(
        name="Vladimir Putin", slug="vladimir-putin", role="President of Russia", country="Russia", wikidata_id="Q7747"
    )


@pytest.fixture
def hidden(db, putin):
    """A draft and a claim in review by the same claimant: they must appear nowhere."""
    draft = make_verdict(Verdict.Status.DRAFT, slug="secret-draft", title="Secret draft claim", claimant=putin)
    review = make_verdict(Verdict.Status.IN_REVIEW, slug="secret-review", title="Secret review claim", claimant=putin)
    return draft, review


# --- home -----------------------------------------------------------------------------------------


def test_home_shows_latest_verdicts_spread_search_and_featured_topics(client, putin, hidden):
    topic = TopicFactory(name="Ceasefire talks", slug="ceasefire-talks", featured=True)
    TopicFactory(name="Not featured", slug="not-featured")
    verdict = make_verdict(title="Ceasefire is immediate", slug="ceasefire", claimant=putin)
    verdict.claim.topics.add(topic)
    response = client.get("/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Latest fact-checks" in text
    checked = verdict.published_at.strftime("%-d %B %Y")
    assert (
        f"Rating: False Ceasefire is immediate Vladimir Putin · said on 14 June 2024 · checked on {checked} "
        "The statement is not accurate."
    ) in text
    assert "False 1 check" in text
    assert "True 0 checks" in text
    assert "Based on 1 published check." in text
    assert "Featured topics Ceasefire talks 1 check" in text
    assert "Not featured" not in text
    assert 'action="/claims/"' in response.content.decode()
    assert "Secret" not in text


def test_home_query_count_is_constant(client, django_assert_num_queries):
    make_verdict()
    # content version, ratings, latest, featured topics; the rating and topic counts once per
    # content version (cached until the next publish)
    with django_assert_num_queries(6):
        client.get("/")
    with django_assert_num_queries(4):
        client.get("/")
    publish_many(20)
    with django_assert_num_queries(6):
        client.get("/")
    with django_assert_num_queries(4):
        response = client.get("/")
    assert response.content.decode().count('class="card"') == 6


def test_home_counts_follow_each_publish_despite_their_cache(client, reviewer):
    topic = TopicFactory(name="Ceasefire talks", slug="ceasefire-talks", featured=True)
    make_verdict(slug="one").claim.topics.add(topic)
    assert "False 1 check" in text_of(client.get("/"))
    second = make_verdict(Verdict.Status.IN_REVIEW, slug="two")
    second.claim.topics.add(topic)
    text = text_of(client.get("/"))
    assert "False 1 check" in text
    assert "Ceasefire talks 1 check" in text
    services.verdict_publish(verdict=second, by=reviewer, revision=services.claim_revision(second.claim))
    text = text_of(client.get("/"))
    assert "False 2 checks" in text
    assert "Based on 2 published checks." in text
    assert "Ceasefire talks 2 checks" in text


# --- claim list, filters, search, pagination --------------------------------------------------------


def test_claim_list_shows_published_claims_only(client, hidden):
    make_verdict(title="Visible claim", slug="visible")
    text = text_of(client.get("/claims/"))
    assert "1 fact-check" in text
    assert "Visible claim" in text
    assert "Secret" not in text


def test_claim_list_filters_by_rating_claimant_topic_kind_language_and_dates(client, putin):
    topic = TopicFactory(name="NATO", slug="nato")
    pledge = make_verdict(title="A pledge", slug="a-pledge", kind=Claim.Kind.PLEDGE, claimant=putin)
    pledge.claim.topics.add(topic)
    make_verdict(title="Old statement", slug="old", made_on=datetime.date(2020, 1, 5))
    make_verdict(title="Russian statement", slug="ru", language="ru", rating=Rating.objects.get(slug="true"))

    def titles(query):
        return re.findall(
            r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>',
            client.get(f"/claims/?{query}").content.decode(),
        )

    assert titles("rating=kept") == ["A pledge"]
    assert titles("rating=true") == ["Russian statement"]
    assert titles("claimant=vladimir-putin") == ["A pledge"]
    assert titles("topic=nato") == ["A pledge"]
    assert titles("kind=pledge") == ["A pledge"]
    assert sorted(titles("kind=statement")) == ["Old statement", "Russian statement"]
    assert titles("language=ru") == ["Russian statement"]
    assert titles("date_to=2021-01-01") == ["Old statement"]
    assert sorted(titles("date_from=2024-01-01")) == ["A pledge", "Russian statement"]
    assert titles("date_from=2020-01-01&date_to=2020-12-31&kind=statement") == ["Old statement"]


def test_claim_list_shows_the_filters_in_force(client, putin):
    make_verdict(claimant=putin, kind=Claim.Kind.PLEDGE)
    text = text_of(client.get("/claims/?claimant=vladimir-putin&kind=pledge"))
    assert "Claimant: Vladimir Putin" in text
    assert "Kind: Pledge" in text


def test_claimant_filter_takes_a_name_in_any_case_and_suggests_the_busiest(client, putin, hidden):
    make_verdict(title="A pledge", slug="a-pledge", claimant=putin)
    make_verdict(title="By someone else", slug="else", claimant=ClaimantFactory(name="Olaf Scholz", slug="scholz"))
    ClaimantFactory(name="Never checked", slug="never")
    response = client.get("/claims/?claimant=vladimir+PUTIN")
    text = text_of(response)
    assert "1 fact-check" in text
    assert "Claimant: Vladimir Putin" in text
    assert "By someone else" not in text
    body = response.content.decode()
    assert (
        '<datalist id="claimant-suggestions"><option value="Olaf Scholz"></option>'
        '<option value="Vladimir Putin"></option></datalist>'
    ) in body
    assert 'list="claimant-suggestions"' in body
    assert 'aria-describedby="id_claimant_helptext"' in body
    assert "A person&#x27;s or organisation&#x27;s name.</p>" in body
    response = client.get("/claims/?claimant=Never+checked")
    assert response.status_code == 400
    assert "There is no claimant with published checks “Never checked”, so that filter was ignored." in text_of(
        response
    )


def test_language_filter_names_the_language(client):
    make_verdict(language="ru")
    response = client.get("/claims/?language=ru")
    assert "Language: Russian" in text_of(response)
    assert '<option value="ru" selected>Russian</option>' in response.content.decode()


def test_claim_list_sorts_newest_and_oldest_by_publication(client):
    first, second = publish_many(2)
    body = client.get("/claims/?sort=oldest").content.decode()
    assert body.index("Checked claim 0") < body.index("Checked claim 1")
    body = client.get("/claims/").content.decode()
    assert body.index("Checked claim 1") < body.index("Checked claim 0")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("rating=nonsense", "There is no rating “nonsense”, so that filter was ignored."),
        ("claimant=nobody", "There is no claimant with published checks “nobody”, so that filter was ignored."),
        ("date_from=14/06/2024", "“From” must be a date written as YYYY-MM-DD."),
        ("date_from=2024-02-01&date_to=2024-01-01", "“To” is before “From”, so the date range was ignored."),
        ("page=abc", "The page must be a whole number."),
        ("page=0", "The page must be 1 or more."),
        ("page=99", "There is no page 99; the last page is 1."),
        ("sort=sideways", "There is no sort order “sideways”, so that filter was ignored."),
        ("q=" + "x" * 300, "The search is too long: at most 200 characters."),
    ],
)
def test_bad_parameters_give_the_page_with_a_clear_message(client, query, message):
    make_verdict(title="Still listed", slug="still-listed")
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "Some of the address could not be used:" in text
    assert message in text
    assert "Still listed" in text


def test_a_bad_filter_is_ignored_while_the_good_ones_apply(client):
    make_verdict(title="A pledge", slug="a-pledge", kind=Claim.Kind.PLEDGE)
    make_verdict(title="A statement", slug="a-statement")
    text = text_of(client.get("/claims/?kind=pledge&rating=nonsense"))
    assert "A pledge" in text
    assert "A statement" not in text


def test_claim_list_paginates_with_shareable_links(client):
    publish_many(25)
    first = client.get("/claims/?kind=statement")
    assert "25 fact-checks" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert 'href="?kind=statement&amp;page=2"' in first.content.decode()
    second = client.get("/claims/?kind=statement&page=2")
    assert second.content.decode().count('class="card"') == 5
    assert 'href="?kind=statement&amp;page=1"' in second.content.decode()


def test_lists_stop_numbering_at_the_deepest_page_with_a_message(client, monkeypatch):
    monkeypatch.setattr("claims.views.DEEPEST_FILTERED_PAGE", 2)
    topic = TopicFactory(name="NATO", slug="nato")
    for verdict in publish_many(45):
        verdict.claim.topics.add(topic)
    second = client.get("/claims/?kind=statement&page=2")
    assert second.status_code == 200
    assert "Page 2 of 3" in text_of(second)
    # A list sorted by date goes on with date-keyed pages (tests/claims/test_deep_pages.py).
    assert "page=3" not in second.content.decode()
    assert 'rel="next" href="?kind=statement&amp;before=' in second.content.decode()
    for url in ("/claims/?kind=statement&page=3", "/claims/?page=3"):
        response = client.get(url)
        assert (
            "Only the first 2 pages of this list are numbered; this is page 2. Follow “Next” from here to go "
            "further back, or sort it oldest first to start from the other end."
        ) in text_of(response), url
        assert response.content.decode().count('class="card"') == 20, url
    # A topic's page has no date-keyed pages: it stops there.
    response = client.get("/topics/nato/?page=3")
    assert (
        "Only the first 2 pages of this list are shown; this is page 2. Narrow it with the filters of the "
        "fact-checks page, or sort it oldest first, to reach the others."
    ) in text_of(response)
    assert response.content.decode().count('class="card"') == 20
    assert "Next →" not in text_of(response)


def test_claim_list_query_count_is_constant(client, django_assert_num_queries):
    make_verdict()
    # content version, ratings, page; once per content version the topic counts, the languages,
    # the claimant suggestions and the count for these filters (the topics' names too once a
    # topic has claims)
    with django_assert_num_queries(7):
        client.get("/claims/?kind=statement&rating=false")
    with django_assert_num_queries(3):
        client.get("/claims/?kind=statement&rating=false")
    publish_many(20)
    with django_assert_num_queries(7):
        client.get("/claims/?kind=statement&rating=false")
    with django_assert_num_queries(3):
        response = client.get("/claims/?kind=statement&rating=false")
    assert response.content.decode().count('class="card"') == 20


def test_unfiltered_claim_list_counts_from_the_cached_rating_counts(client, django_assert_num_queries):
    publish_many(3)
    client.get("/claims/")
    # content version, ratings, page: no COUNT(*) over the table
    with django_assert_num_queries(3):
        assert "3 fact-checks" in text_of(client.get("/claims/"))
    with django_assert_num_queries(3):
        assert "3 fact-checks" in text_of(client.get("/claims/?rating=false"))
    make_verdict(slug="fourth", rating=Rating.objects.get(slug="true"))
    assert "4 fact-checks" in text_of(client.get("/claims/"))
    assert "1 fact-check" in text_of(client.get("/claims/?rating=true"))


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_deep_pages_of_the_whole_list_match_the_offset_pages(client, sort, django_assert_num_queries):
    publish_many(45)
    client.get("/claims/")

    def titles(query):
        return re.findall(
            r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>', client.get(query).content.decode()
        )

    keyset = [titles(f"/claims/?sort={sort}&page={n}") for n in (1, 2, 3)]
    # The same pages through a filter that every claim passes, which pages with OFFSET.
    offset = [titles(f"/claims/?sort={sort}&kind=statement&page={n}") for n in (1, 2, 3)]
    assert keyset == offset
    assert [len(page) for page in keyset] == [20, 20, 5]
    assert len(set(sum(keyset, []))) == 45
    # content version, ratings, the boundary (index only), page
    with django_assert_num_queries(4):
        client.get(f"/claims/?sort={sort}&page=2")


def test_search_query_count_is_constant(client, django_assert_num_queries):
    make_verdict(text="The ceasefire starts today.")
    # content version, ratings, page (on PostgreSQL also the search's survey: claims.search.survey),
    # and once per content version the aggregates as above
    survey = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(7 + survey):
        client.get("/claims/?q=ceasefire")
    with django_assert_num_queries(3 + survey):
        client.get("/claims/?q=ceasefire")
    for i in range(20):
        make_verdict(slug=f"c-{i}", text=f"Another ceasefire claim {i}.")
    with django_assert_num_queries(7 + survey):
        client.get("/claims/?q=ceasefire")
    with django_assert_num_queries(3 + survey):
        response = client.get("/claims/?q=ceasefire")
    assert response.content.decode().count('class="card"') == 20


# --- claim page ---------------------------------------------------------------------------------------


@pytest.fixture
def full_claim(putin, reviewer):
    topic = TopicFactory(name="Ceasefire talks", slug="ceasefire-talks")
    verdict = make_verdict(
        title="Talks without delay",
        slug="talks",
        claimant=putin,
        text="We are ready to negotiate without delay.",
        made_at="address at the Foreign Ministry",
        reviewer=reviewer,
        rating=Rating.objects.get(slug="unproven"),
    )
    claim = verdict.claim
    claim.topics.add(topic)
    repeat = SourceFactory(title="The repeat interview", url="https://tv.example/interview")
    AppearanceFactory(
        claim=claim, source=repeat, is_first=False, seen_on=datetime.date(2024, 6, 20), quote="said it again"
    )
    source = verdict.evidence.get().source
    source.archive_url = "https://archive.example/abc"
    source.capture("The captured article text.", at=datetime.datetime(2024, 6, 15, 9, 30, tzinfo=datetime.UTC))
    source.save()
    correct(
        verdict=verdict,
        by=reviewer,
        note="The offer had conditions.",
        rating=Rating.objects.get(slug="needs-context"),
        conclusion="It depends on conditions.",
    )
    return claim


def test_claim_page_shows_everything_a_reader_needs(client, full_claim):
    make_verdict(title="Related by claimant", slug="related", claimant=full_claim.claimant)
    response = client.get("/claims/talks/")
    text = text_of(response)
    source = full_claim.verdict.evidence.get().source
    assert "Talks without delay" in text
    assert "We are ready to negotiate without delay." in text
    assert "Vladimir Putin , President of Russia — 14 June 2024 , address at the Foreign Ministry" in text
    assert "Our verdict Rating: Needs context It depends on conditions." in text
    assert "The evidence shows otherwise." in text
    assert "<strong>evidence</strong>" in response.content.decode()
    assert (
        f"{source.title} {source.publisher.name} · 14 June 2024 · News article Shows the figure. Original Archived copy"
        in text
    )
    assert "We captured its text on 15 June 2024, 09:30 UTC" in text
    assert source.snapshot_sha256 in text
    assert "We have recorded it in 2 places: first seen, then repeated." in text
    assert "First appearance 14 June 2024" in text
    assert "Repeated 20 June 2024 — The repeat interview" in text
    assert "Rating change Rating: Unproven → changed to Rating: Needs context The offer had conditions." in text
    assert "Previous conclusion: The statement is not accurate." in text
    assert "Related fact-checks" in text
    assert "Related by claimant" in text
    assert 'href="/contact/?claim=talks"' in response.content.decode()
    assert "Ceasefire talks" in text


def test_claim_page_head_has_title_canonical_open_graph_and_twitter(client, full_claim, settings):
    body = client.get("/claims/talks/").content.decode()
    assert "<title>Needs context: Talks without delay — Factcheck Desk</title>" in body
    assert f'<link rel="canonical" href="{settings.SITE_URL}/claims/talks/">' in body
    assert '<meta property="og:type" content="article">' in body
    assert '<meta property="og:title" content="Needs context: Talks without delay">' in body
    assert '<meta property="og:description" content="It depends on conditions.">' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    assert body.count('<script type="application/ld+json">') == 1


def test_claim_page_query_count_is_constant(client, full_claim, django_assert_num_queries):
    # PostgreSQL: the claim with everything its page shows and the stamp's values, in one query
    # (claims.pageload); elsewhere the stamp (with the content version), claim, topics, appearances,
    # evidence, corrections. Then the languages it is published in (translations); the related
    # claims once per change to the claimant's and topics' lists, the rating bounds once per change
    # to the ratings.
    page = 1 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(page + 3):
        client.get("/claims/talks/")
    with django_assert_num_queries(page + 1):
        client.get("/claims/talks/")
    for i in range(20):
        AppearanceFactory(claim=full_claim, is_first=False)
        make_verdict(slug=f"rel-{i}", claimant=full_claim.claimant)
    EvidenceFactory.create_batch(5, verdict=full_claim.verdict)
    with django_assert_num_queries(page + 3):
        response = client.get("/claims/talks/")
    with django_assert_num_queries(page + 1):
        client.get("/claims/talks/")
    assert "We have recorded it in 22 places" in text_of(response)


def test_related_claims_follow_each_publish_despite_their_cache(client, full_claim, reviewer):
    assert "Related fact-checks" not in text_of(client.get("/claims/talks/"))
    waiting = make_verdict(Verdict.Status.IN_REVIEW, slug="later", title="Later by Putin", claimant=full_claim.claimant)
    assert "Later by Putin" not in text_of(client.get("/claims/talks/"))
    services.verdict_publish(verdict=waiting, by=reviewer, revision=services.claim_revision(waiting.claim))
    text = text_of(client.get("/claims/talks/"))
    assert "Related fact-checks" in text
    assert "Later by Putin" in text


def test_claim_page_answers_conditional_gets_and_sends_cdn_headers(client, full_claim, reviewer):
    response = client.get("/claims/talks/")
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=300"
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get("/claims/talks/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/claims/talks/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    correct(verdict=full_claim.verdict, by=reviewer, note="Clarified the wording.", kind="clarification")
    changed = client.get("/claims/talks/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_logged_in_staff_get_a_private_uncached_page(client, full_claim, editor):
    client.force_login(editor)
    response = client.get("/claims/talks/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_retracted_verdict_page_says_it_was_retracted_when_and_why(client):
    verdict = make_verdict(Verdict.Status.RETRACTED, title="Withdrawn claim", slug="withdrawn")
    response = client.get("/claims/withdrawn/")
    text = text_of(response)
    date = verdict.retracted_at.strftime("%-d %B %Y")
    assert (
        f"We retracted this verdict on {date}. Retracted: the source was a forgery. The withdrawn verdict — its "
        "rating, conclusion, analysis and evidence — is no longer shown; do not rely on it. Its record stays: when "
        "it was published, each correction as it was made and this retraction are listed below under History of "
        "this verdict ."
    ) in text
    assert "kept below for the record" not in text
    published = verdict.published_at.strftime("%-d %B %Y")
    assert (
        f"History of this verdict {published} Written by Test ; published after review by a second editor, Test . "
        f"{date} · Retraction Retracted: the source was a forgery. Spotted a mistake?"
    ) in text
    assert '<a href="#history">History of this verdict</a>' in response.content.decode()
    assert "<title>Retracted: Withdrawn claim" in response.content.decode()
    # The withdrawn verdict itself is unpublished: no rating, conclusion, analysis or evidence.
    assert "The statement is not accurate." not in text
    assert "The evidence shows otherwise." not in text
    assert "Shows the figure." not in text
    assert 'class="badge' not in response.content.decode()
    assert "application/ld+json" not in response.content.decode()
    assert "Withdrawn claim" not in text_of(client.get("/claims/"))


@pytest.mark.parametrize("status", [Verdict.Status.DRAFT, Verdict.Status.IN_REVIEW])
def test_unpublished_claims_give_the_designed_404(client, status):
    make_verdict(status, slug="not-yet", title="Not yet public")
    response = client.get("/claims/not-yet/")
    assert response.status_code == 404
    text = text_of(response)
    assert "We could not find that page" in text
    assert "Not yet public" not in text
    assert 'href="/static/css/site.css"' in response.content.decode()


def test_unknown_slugs_give_404(client):
    for url in ("/claims/nope/", "/claimants/nope/", "/topics/nope/", "/no-such-page/"):
        assert client.get(url).status_code == 404


def test_analysis_markdown_is_sanitised(client):
    verdict = make_verdict(slug="md")
    verdict.analysis = (
        "Plain **bold** and [a link](https://example.org).\n\n<script>alert(1)</script>\n\n"
        "[bad](javascript:alert(1)) <img src=x onerror=alert(1)> <iframe src=//evil></iframe>"
    )
    Verdict.objects.filter(pk=verdict.pk).update(analysis=verdict.analysis)
    body = client.get("/claims/md/").content.decode()
    assert "<strong>bold</strong>" in body
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">a link</a>' in body
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert "onerror" not in body
    assert "<iframe" not in body


def test_hostile_text_is_escaped_in_every_field_shown(client, reviewer):
    claimant = ClaimantFactory(
        name=f"Name {HOSTILE}", role=f"Role {HOSTILE}", slug="hostile-person", description=f"About {HOSTILE}"
    )
    topic = TopicFactory(name=f"Topic {HOSTILE}", slug="hostile-topic", featured=True, description=HOSTILE)
    verdict = make_verdict(
        slug="hostile",
        title=f"Title {HOSTILE}",
        text=f"Text {HOSTILE}",
        claimant=claimant,
        made_at=f"Place {HOSTILE}",
        reviewer=reviewer,
    )
    verdict.claim.topics.add(topic)
    Verdict.objects.filter(pk=verdict.pk).update(conclusion=f"Conclusion {HOSTILE}")
    source = verdict.evidence.get().source
    source.title = f"Source {HOSTILE}"
    source.save()
    verdict.evidence.update(note=f"Note {HOSTILE}")
    verdict.claim.appearances.update(quote=f"Quote {HOSTILE}")
    correct(verdict=verdict, by=reviewer, note=f"Correction {HOSTILE}")
    for url in (
        "/",
        "/claims/",
        "/claims/?q=title",
        "/claims/hostile/",
        "/claimants/hostile-person/",
        "/topics/hostile-topic/",
        "/corrections/",
        "/contact/?claim=hostile",
    ):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body, url


def test_jsonld_cannot_be_broken_out_of(client):
    make_verdict(slug="breakout", text="Ends </script><script>alert(1)</script> <!-- here")
    body = client.get("/claims/breakout/").content.decode()
    script = body.split('<script type="application/ld+json">', 1)[1]
    assert script.index("</script>") > script.index("\\u003c/script\\u003e")
    assert "<!--" not in script.split("</script>", 1)[0]


# --- claimant, topic, ratings, corrections, about, contact -------------------------------------------


def test_claimant_page_shows_who_record_claims_and_pledge_tracker(client, putin, hidden):
    make_verdict(title="A false statement", slug="s1", claimant=putin)
    make_verdict(title="A kept pledge", slug="p1", claimant=putin, kind=Claim.Kind.PLEDGE)
    make_verdict(title="Somebody else", slug="other")
    response = client.get("/claimants/vladimir-putin/")
    text = text_of(response)
    assert "Person Vladimir Putin President of Russia · Russia" in text
    assert "Record on statements" in text
    assert "False 1 check" in text
    assert "Based on 1 published check." in text
    assert "Pledge tracker" in text
    assert "Kept 1 check" in text
    assert "Pledge status: Kept A kept pledge" in text
    assert "Fact-checks of Vladimir Putin" in text
    assert "A false statement" in text
    assert "Somebody else" not in text
    assert "Secret" not in text
    assert "<title>Vladimir Putin: fact-check record — Factcheck Desk</title>" in response.content.decode()
    assert "style=" not in response.content.decode()


def test_claimant_counts_ignore_unpublished_verdicts(client, putin, hidden):
    make_verdict(slug="s1", claimant=putin)
    text = text_of(client.get("/claimants/vladimir-putin/"))
    assert "Based on 1 published check." in text
    assert "False 1 check" in text


def test_claimant_with_only_unpublished_claims_is_not_found(client, putin, hidden):
    assert client.get("/claimants/vladimir-putin/").status_code == 404


def test_claimant_page_query_count_is_constant(client, putin, django_assert_num_queries):
    make_verdict(slug="s0", claimant=putin)
    # content version, claimant, ratings, claims page, pledges; their rating counts (which give
    # the number of claims too) once per content version
    with django_assert_num_queries(6):
        client.get("/claimants/vladimir-putin/")
    with django_assert_num_queries(5):
        client.get("/claimants/vladimir-putin/")
    for i in range(20):
        make_verdict(slug=f"s{i + 1}", claimant=putin, kind=Claim.Kind.PLEDGE if i % 2 else Claim.Kind.STATEMENT)
    with django_assert_num_queries(6):
        response = client.get("/claimants/vladimir-putin/")
    assert "Based on 11 published checks." in text_of(response)


def test_topic_page_lists_its_published_claims(client, hidden, django_assert_num_queries):
    topic = TopicFactory(name="NATO", slug="nato", description="The alliance.")
    make_verdict(slug="n1", title="About NATO").claim.topics.add(topic)
    hidden[0].claim.topics.add(topic)
    make_verdict(slug="elsewhere", title="Elsewhere")
    # content version, topic, ratings, claims page; its rating counts (which give the number of
    # claims too) once per content version
    with django_assert_num_queries(5):
        text = text_of(client.get("/topics/nato/"))
    assert "Topics NATO The alliance." in text
    assert "1 fact-check" in text
    assert "About NATO" in text
    assert "Elsewhere" not in text
    assert "Secret" not in text
    with django_assert_num_queries(4):
        client.get("/topics/nato/")
    for i in range(20):
        make_verdict(slug=f"t{i}").claim.topics.add(topic)
    with django_assert_num_queries(5):
        assert "21 fact-checks" in text_of(client.get("/topics/nato/"))


def test_ratings_page_is_generated_from_rating_rows(client, django_assert_num_queries):
    Rating.objects.filter(slug="false").update(description="Wrong, plainly.")
    make_verdict()
    # content version, ratings, the methodology text, the rating counts (cached until the next publish)
    with django_assert_num_queries(4):
        response = client.get("/ratings/")
    text = text_of(response)
    assert "Rating: False Wrong, plainly. 1 published check" in text
    assert "Rating: True The statement is accurate and nothing significant is missing. 0 published checks" in text
    assert "Pledge status: Kept The pledge was kept as made." in text
    assert 'id="rating-needs-context"' in response.content.decode()


def test_corrections_log_lists_public_corrections_newest_first(client, reviewer, django_assert_num_queries):
    first = make_verdict(slug="one", title="First corrected", reviewer=reviewer)
    correct(verdict=first, by=reviewer, note="First note.")
    second = make_verdict(slug="two", title="Second corrected", reviewer=reviewer)
    correct(verdict=second, by=reviewer, note="Second note.", rating=Rating.objects.get(slug="true"))
    make_verdict(Verdict.Status.RETRACTED, slug="three", title="Retracted one", reviewer=reviewer)
    # content version, count, page
    with django_assert_num_queries(3):
        response = client.get("/corrections/")
    text = text_of(response)
    assert text.index("Retracted one") < text.index("Second corrected") < text.index("First corrected")
    assert "Rating change Second corrected" in text
    assert "Rating: False → changed to Rating: True Second note." in text
    assert "Retraction Retracted one" in text
    for i in range(20):
        correct(verdict=first, by=reviewer, note=f"More {i}.")
    with django_assert_num_queries(3):
        client.get("/corrections/")


def test_about_page_states_who_we_are_and_the_corrections_policy(client, settings):
    text = text_of(client.get("/about/"))
    assert "Who we are" in text
    assert "International Fact-Checking Network" in text
    assert "Corrections policy" in text
    assert "How to report an error" in text
    assert settings.SITE_CONTACT_EMAIL in text


def test_contact_page_names_the_claim_being_reported(client, settings):
    make_verdict(slug="talks", title="Talks without delay")
    response = client.get("/contact/?claim=talks")
    text = text_of(response)
    assert "You are reporting an error in: Talks without delay" in text
    assert f"mailto:{settings.SITE_CONTACT_EMAIL}?subject=Error%20report%3A%20Talks%20without%20delay" in (
        response.content.decode()
    )
    make_verdict(Verdict.Status.DRAFT, slug="draft", title="Draft title")
    assert "Draft title" not in text_of(client.get("/contact/?claim=draft"))


# --- headers, assets, styles -------------------------------------------------------------------------


def test_public_pages_send_cdn_cache_headers(client):
    make_verdict()
    for url in ("/", "/claims/", "/ratings/", "/corrections/", "/about/"):
        assert client.get(url)["Cache-Control"] == "public, max-age=60, s-maxage=300", url


def test_pages_have_no_inline_style_or_script_and_no_external_assets(client, full_claim):
    for url in (
        "/",
        "/claims/",
        "/claims/talks/",
        "/claimants/vladimir-putin/",
        "/ratings/",
        "/corrections/",
        "/about/",
        "/contact/",
        "/topics/ceasefire-talks/",
    ):
        body = client.get(url).content.decode()
        assert " style=" not in body, url
        assert "<style" not in body, url
        scripts = re.findall(r"<script([^>]*)>", body)
        assert all('type="application/ld+json"' in attrs for attrs in scripts), url
        assert not re.search(r'(src|href)="(https?:)?//[^"]+\.(css|js|woff2?)"', body), url


def test_rating_stylesheet_gives_each_rating_a_readable_badge(client):
    response = client.get("/ratings.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "public" in response["Cache-Control"]
    css = response.content.decode()
    for rating in Rating.objects.all():
        match = re.search(rf"\.rating--{rating.slug}\{{background-color:{rating.colour};color:(#[0-9a-f]{{6}});", css)
        assert match, rating.slug
        assert contrast_ratio(rating.colour, match.group(1)) >= 4.5, rating.slug
    assert client.get("/ratings.css", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_badge_text_colour_follows_contrast_for_light_colours(client):
    Rating.objects.filter(slug="true").update(colour="#ffee55")
    css = client.get("/ratings.css").content.decode()
    assert ".rating--true{background-color:#ffee55;color:#000000;" in css


def test_claim_page_dates_are_shown_in_utc_and_iso(client):
    verdict = make_verdict(slug="dated")
    Verdict.objects.filter(pk=verdict.pk).update(published_at=datetime.datetime(2024, 7, 1, 8, 0, tzinfo=datetime.UTC))
    body = client.get("/claims/dated/").content.decode()
    assert 'Published <time datetime="2024-07-01T08:00:00+00:00">1 July 2024</time>' in body
    assert timezone.is_aware(Verdict.objects.get(pk=verdict.pk).published_at)


def test_reverse_names_used_by_models_exist():
    assert reverse("claims:claim_detail", kwargs={"slug": "x"}) == "/claims/x/"
    assert reverse("claims:claimant_detail", kwargs={"slug": "x"}) == "/claimants/x/"
    assert reverse("claims:topic_detail", kwargs={"slug": "x"}) == "/topics/x/"


@pytest.mark.parametrize("value", ["", "b", "<x>"])
def test_fast_select_renders_exactly_what_djangos_select_renders(value):
    choices = [("", "Any"), ("b", "B & <b>"), ("<x>", 'Quote " here'), (3, "Three")]
    attrs = {"id": "id_f", "aria-invalid": "true", "required": True, "disabled": False}
    fast = FastSelect(choices=choices).render("f", value, attrs=attrs)
    stock = forms.Select(choices=choices).render("f", value, attrs=attrs)
    assert fast == stock
    assert "&lt;b&gt;" in fast


@pytest.fixture
def corrected_then_retracted(reviewer):
    """A verdict publicly corrected (a rating change, as stored) and later retracted."""
    verdict = make_verdict(title="Later withdrawn", slug="later-withdrawn", reviewer=reviewer)
    correction = Correction.objects.create(
        verdict=verdict,
        kind=Correction.Kind.RATING_CHANGE,
        note="Rating changed on new data.",
        old_rating=Rating.objects.get(slug="false"),
        new_rating=Rating.objects.get(slug="half-true"),
        created_at=timezone.now(),
        created_by=reviewer,
    )
    services.verdict_retract(verdict=verdict, note="The data set was fabricated.", by=reviewer)
    verdict.refresh_from_db()
    return verdict, correction


def test_a_retraction_keeps_the_earlier_corrections_on_the_claim_page(client, corrected_then_retracted):
    verdict, correction = corrected_then_retracted
    retraction = verdict.corrections.get(kind=Correction.Kind.RETRACTION)
    response = client.get("/claims/later-withdrawn/")
    text = text_of(response)
    published, retracted = (d.strftime("%-d %B %Y") for d in (verdict.published_at, verdict.retracted_at))
    assert (
        f"History of this verdict {published} Written by Test ; published after review by a second editor, Test . "
        f"{correction.created_at:%-d %B %Y} · Rating change Rating: False → changed to Rating: Half true "
        f"Rating changed on new data. {retracted} · Retraction The data set was fabricated. Spotted a mistake?"
    ) in text
    body = response.content.decode()
    assert f'id="correction-{correction.pk}"' in body
    assert f'id="correction-{retraction.pk}"' in body
    # Still not the withdrawn verdict itself: its conclusion, analysis and evidence stay off the page.
    assert "The statement is not accurate." not in text
    assert "The evidence shows otherwise." not in text
    assert "Shows the figure." not in text


def test_corrections_log_keeps_a_retracted_verdicts_earlier_corrections(client, corrected_then_retracted):
    verdict, correction = corrected_then_retracted
    who, day = verdict.claim.claimant.name, f"{correction.created_at:%-d %B %Y}"
    assert (
        f"{day} · Retraction Later withdrawn — {who} The data set was fabricated. "
        f"{day} · Rating change Later withdrawn — {who} Rating: False → changed to Rating: Half true "
        "Rating changed on new data."
    ) in text_of(client.get("/corrections/"))


def test_featured_topic_without_published_claims_is_not_on_the_home_page(client):
    from tests.factories import TopicFactory

    TopicFactory(name="Coming soon", slug="coming-soon", featured=True)
    make_verdict(Verdict.Status.IN_REVIEW).claim.topics.add(Topic.objects.get(slug="coming-soon"))
    shown = TopicFactory(name="Energy prices", slug="energy-prices", featured=True)
    make_verdict(slug="published-energy").claim.topics.add(shown)
    text = text_of(client.get("/"))
    assert "Energy prices" in text
    assert "Coming soon" not in text


# --- Trust: bylines, transparency, navigation, standards (issue 14) ---------------------------------


def profile_for(user, **fields):
    from organisation.models import StaffProfile

    defaults = {"display_name": f"Public {user.username}", "slug": f"p-{user.username}", "public_page": True}
    return StaffProfile.objects.create(user=user, **{**defaults, **fields})


def test_verdict_names_its_author_and_reviewer_by_public_name(client, reviewer):
    verdict = make_verdict(slug="signed", reviewer=reviewer)
    profile_for(verdict.author, display_name="Ana Lyst", slug="ana-lyst")
    profile_for(reviewer, display_name="Rev Iewer", slug="rev", public_page=False)
    body = client.get("/claims/signed/").content.decode()
    assert (
        '<p class="verdict-box__byline">By <a href="/team/ana-lyst/"><bdi>Ana Lyst</bdi></a> · '
        "Reviewed by <bdi>Rev Iewer</bdi></p>"
    ) in body
    assert "factory-author" not in body and reviewer.username not in body


def test_a_byline_without_a_profile_uses_the_full_name_never_the_username(client):
    verdict = make_verdict(slug="plain")
    verdict.author.first_name, verdict.author.last_name = "", ""
    verdict.author.save()
    body = client.get("/claims/plain/").content.decode()
    assert "By <bdi>a Factcheck Desk editor</bdi> · Reviewed by <bdi>Test</bdi>" in body
    assert "factory-author" not in body


def test_staff_page_exists_only_while_its_owner_opts_in(client, reviewer, django_assert_num_queries):
    verdict = make_verdict(slug="by-ana", title="Checked by Ana", reviewer=reviewer)
    profile = profile_for(verdict.author, display_name="Ana Lyst", slug="ana-lyst", job_title="Fact-checker")
    # content version, profile, count, page
    with django_assert_num_queries(4):
        response = client.get("/team/ana-lyst/")
    assert "<title>Ana Lyst, Fact-checker — Factcheck Desk</title>" in response.content.decode()
    assert "Our team Ana Lyst Fact-checker 1 fact-check written or reviewed" in text_of(response)
    for i in range(20):
        make_verdict(slug=f"ana-{i}", reviewer=reviewer)  # the same factory author
    with django_assert_num_queries(4):
        response = client.get("/team/ana-lyst/")
    assert "21 fact-checks written or reviewed" in text_of(response)
    profile.public_page = False
    profile.save()
    assert client.get("/team/ana-lyst/").status_code == 404
    assert 'href="/team/ana-lyst/"' not in client.get("/claims/by-ana/").content.decode()


def test_about_page_shows_ownership_funding_by_year_and_team_from_the_admin(client, django_assert_num_queries):
    from organisation.models import FundingSource, OrganisationText

    OrganisationText.objects.filter(kind="ownership").update(body="Owned by its **members**.")
    FundingSource.objects.create(year=2024, funder="Reader donations", kind="donations", amount=48200, currency="EUR")
    FundingSource.objects.create(year=2024, funder="A foundation", kind="grant", amount=1250.5, currency="EUR")
    FundingSource.objects.create(year=2023, funder="Reader donations", kind="donations", amount=900, currency="EUR")
    verdict = make_verdict()
    profile_for(verdict.author, display_name="Ana Lyst", slug="ana-lyst", job_title="Fact-checker")
    # content version, texts, funding, team
    with django_assert_num_queries(4):
        response = client.get("/about/")
    body, text = response.content.decode(), text_of(response)
    assert "<p>Owned by its <strong>members</strong>.</p>" in body
    assert (
        '<td class="funding__amount">48,200 EUR</td>' in body and '<td class="funding__amount">1,251 EUR</td>' in body
    )
    assert "Income in 2024 Funder Kind Amount Reader donations Reader donations 48,200 EUR" in text
    assert "A foundation Grant 1,251 EUR Total 49,451 EUR Income in 2023" in text
    assert '<a href="/team/ana-lyst/" dir="auto">Ana Lyst</a>' in body
    assert "corrections@factcheck.test" in text


def test_about_page_leaves_out_an_empty_ownership_text(client):
    body = client.get("/about/").content.decode()
    assert 'id="ownership"' not in body
    assert "We have not published our funding figures yet." in body


def test_methodology_text_is_maintained_in_the_admin(client):
    from organisation.models import OrganisationText

    OrganisationText.objects.filter(kind="methodology").update(body="1. We *record* the claim.")
    body = client.get("/ratings/").content.decode()
    assert "<ol>\n<li>We <em>record</em> the claim.</li>\n</ol>" in body


def test_cards_link_the_claimant_and_show_the_date_the_list_is_sorted_by(client, putin):
    verdict = make_verdict(slug="dated-card", claimant=putin)
    Verdict.objects.filter(pk=verdict.pk).update(
        published_at=datetime.datetime(2024, 7, 1, 8, 0, 0, 123456, tzinfo=datetime.UTC)
    )
    body = client.get("/claims/").content.decode()
    assert (
        '<a class="card__who" href="/claimants/vladimir-putin/"><bdi>Vladimir Putin</bdi></a>'
        '\n      <span aria-hidden="true"> · </span><span>said on <time datetime="2024-06-14">14 June 2024</time></span>'
        '\n      <span aria-hidden="true"> · </span><span>checked on <time datetime="2024-07-01T08:00:00+00:00">'
        "1 July 2024</time></span>"
    ) in body


def test_times_carry_no_microseconds(client, reviewer):
    verdict = make_verdict(slug="micro", reviewer=reviewer)
    at = datetime.datetime(2024, 7, 1, 8, 0, 0, 654321, tzinfo=datetime.UTC)
    Verdict.objects.filter(pk=verdict.pk).update(published_at=at, updated_at=at)
    correction = correct(verdict=verdict, by=reviewer, note="Fixed.")
    Correction.objects.filter(pk=correction.pk).update(created_at=at)
    for url in ("/claims/micro/", "/corrections/", "/claims/"):
        body = client.get(url).content.decode()
        assert not re.search(r'datetime="[^"]*\.\d', body), url
        assert '<time datetime="2024-07-01T08:00:00+00:00">' in body, url
    assert (
        '<meta property="article:published_time" content="2024-07-01T08:00:00+00:00">'
        in client.get("/claims/micro/").content.decode()
    )


def test_counts_have_thousands_separators_and_the_pager_numbers_its_pages(client, monkeypatch):
    publish_many(2)
    monkeypatch.setattr("claims.views.known_count", lambda *args: 2002)
    response = client.get("/claims/?page=50")
    body, text = response.content.decode(), text_of(response)
    assert "2,002 fact-checks" in text
    assert '<p class="pagination__status">Page 50 of 101</p>' in body
    assert re.findall(r'class="pagination__(?:number|step)"[^>]*>(.*?)</a>', body) == [
        "← Previous",
        '<span class="visually-hidden">First page, </span>1',
        '<span class="visually-hidden">Page </span>48',
        '<span class="visually-hidden">Page </span>49',
        '<span class="visually-hidden">Page </span>50',
        '<span class="visually-hidden">Page </span>51',
        '<span class="visually-hidden">Page </span>52',
        '<span class="visually-hidden">Last page, </span>100',  # the last numbered page (DEEPEST_FILTERED_PAGE)
        "Next →",
    ]
    assert '<a class="pagination__number" aria-current="page" href="?page=50">' in body
    assert body.count('<li class="pagination__gap" aria-hidden="true">…</li>') == 2


@pytest.mark.parametrize(
    ("number", "last", "links"),
    [
        (1, 1, [1]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 101, [1, 2, 3, None, 101]),
        (5, 101, [1, 2, 3, 4, 5, 6, 7, None, 101]),
        (50, 101, [1, None, 48, 49, 50, 51, 52, None, 101]),
        (101, 101, [1, None, 99, 100, 101]),
    ],
)
def test_page_links_show_first_last_and_neighbours(number, last, links):
    from claims.views import page_links

    assert page_links(number, last) == links


def test_a_capped_list_links_no_page_past_the_deepest(client, monkeypatch):
    monkeypatch.setattr("claims.views.DEEPEST_FILTERED_PAGE", 2)
    publish_many(45)
    body = client.get("/claims/?kind=statement&page=2").content.decode()
    assert "page=3" not in body
    assert '<p class="pagination__status">Page 2 of 3</p>' in body


def test_topic_index_lists_topics_with_published_checks(client, hidden, django_assert_num_queries):
    nato = TopicFactory(name="NATO", slug="nato", description="The alliance.")
    TopicFactory(name="Unused", slug="unused")
    hidden[0].claim.topics.add(TopicFactory(name="Only drafts", slug="only-drafts"))
    make_verdict(slug="n1").claim.topics.add(nato)
    # content version, topics; the topic counts once per content version
    with django_assert_num_queries(3):
        response = client.get("/topics/")
    assert "Topics 1 topic with published fact-checks, A to Z." in text_of(response)
    assert '<h2 class="index-item__name" dir="auto"><a href="/topics/nato/">NATO</a></h2>' in response.content.decode()
    assert "Unused" not in text_of(response) and "Only drafts" not in text_of(response)
    for i in range(20):
        make_verdict(slug=f"t{i}").claim.topics.add(TopicFactory(name=f"Topic {i:02d}", slug=f"tt-{i}"))
    with django_assert_num_queries(3):
        response = client.get("/topics/")
    assert "21 topics with published fact-checks" in text_of(response)


def test_claimant_index_is_a_to_z_with_counts_letters_and_search(client, putin, hidden, django_assert_num_queries):
    make_verdict(slug="p1", claimant=putin)
    make_verdict(slug="p2", claimant=putin)
    make_verdict(slug="e1", claimant=ClaimantFactory(name="Émilie Zola", slug="emilie", role="Writer"))
    make_verdict(slug="d1", claimant=ClaimantFactory(name="42 Group", slug="forty-two", role="Lobby"))
    ClaimantFactory(name="Never checked", slug="never")
    # content version; the index once per content version
    with django_assert_num_queries(2):
        response = client.get("/claimants/")
    with django_assert_num_queries(1):
        client.get("/claimants/")
    names = re.findall(r'class="claimant-list__name"[^>]*>([^<]+)</a>', response.content.decode())
    assert names == ["Émilie Zola", "Vladimir Putin", "42 Group"]
    assert "Vladimir Putin President of Russia 2 checks" in text_of(response)
    body = response.content.decode()
    assert '<li><a href="?letter=E">E</a></li>' in body
    assert '<li><span class="alphabet__empty">A</span></li>' in body
    assert re.findall(
        r'class="claimant-list__name"[^>]*>([^<]+)</a>', client.get("/claimants/?letter=e").content.decode()
    ) == ["Émilie Zola"]
    found = client.get("/claimants/?q=emilie")
    assert re.findall(r'class="claimant-list__name"[^>]*>([^<]+)</a>', found.content.decode()) == ["Émilie Zola"]
    assert client.get("/claimants/?q=writer").content.decode().count('class="claimant-list__item"') == 1
    bad = client.get("/claimants/?letter=Q")
    assert bad.status_code == 400
    assert "No claimant is filed under “Q”; showing all of them." in text_of(bad)
    for i in range(20):
        make_verdict(slug=f"m{i}", claimant=ClaimantFactory(name=f"Many {i:02d}", slug=f"many-{i}"))
    with django_assert_num_queries(2):
        response = client.get("/claimants/")
    assert "23 claimants" in text_of(response)


def test_rating_colours_are_distinct_across_scales_and_white_text_reaches_aa():
    from claims.colours import DISTINCT_DELTA_E, WHITE, badge_text, delta_e

    ratings = list(Rating.objects.all())
    assert len(ratings) == 14
    for rating in ratings:
        assert badge_text(rating.colour) == WHITE, rating.slug
        assert contrast_ratio(rating.colour, WHITE) >= 4.5, rating.slug
    for i, a in enumerate(ratings):
        for b in ratings[i + 1 :]:
            assert delta_e(a.colour, b.colour) >= DISTINCT_DELTA_E, (a.slug, b.slug)


def test_a_rating_colour_close_to_another_is_refused():
    from django.core.exceptions import ValidationError

    kept = Rating.objects.get(slug="kept")
    kept.colour = "#1a7f38"  # True's green, nearly
    with pytest.raises(ValidationError) as refused:
        kept.full_clean()
    assert refused.value.message_dict["colour"] == [
        "This colour is too close to the colour of “True (Veracity)”; choose one readers can tell apart."
    ]


def test_search_snippets_start_at_a_sentence(client):
    make_verdict(
        slug="long",
        text="The talks were long. After hours of talks the minister said a ceasefire would start at once. Others disagreed.",
    )
    body = client.get("/claims/?q=ceasefire").content.decode()
    assert (
        '<p class="card__snippet" dir="auto">…After hours of talks the minister said a <mark>ceasefire</mark> '
        "would start at once. Others disagreed.</p>"
    ) in body


def test_claim_page_shares_its_own_image(client, reviewer, django_assert_num_queries):
    from PIL import Image

    make_verdict(slug="shared", title="A shared claim", reviewer=reviewer)
    body = client.get("/claims/shared/").content.decode()
    assert '<meta property="og:image" content="http://127.0.0.1:8000/claims/shared/share.png">' in body
    assert '<meta property="og:image:alt" content="False: A shared claim">' in body
    # stamp, claim (then drawn and kept under the page's version)
    with django_assert_num_queries(2):
        response = client.get("/claims/shared/share.png")
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    with django_assert_num_queries(1):
        again = client.get("/claims/shared/share.png")
    assert again.content == response.content
    assert client.get("/claims/shared/share.png", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/claims/nope/share.png").status_code == 404


def test_share_image_survives_hostile_text(client):
    # The longest title and name the fields hold, unbroken, and a right-to-left override.
    make_verdict(
        slug="hostile-image", title="x" * 200, text="\u202eevil", claimant=ClaimantFactory(name="\u202e" + "K" * 199)
    )
    assert client.get("/claims/hostile-image/share.png").status_code == 200


def test_user_text_is_isolated_for_bidirectional_layout(client, reviewer):
    rlo = ClaimantFactory(name="\u202eEvil name", slug="rlo", role="\u202eRole")
    make_verdict(slug="rlo-claim", claimant=rlo, made_at="\u202eplace", reviewer=reviewer)
    claim_page = client.get("/claims/rlo-claim/").content.decode()
    assert '<a href="/claimants/rlo/"><bdi>\u202eEvil name</bdi></a>, <bdi>\u202eRole</bdi>' in claim_page
    assert '<time datetime="2024-06-14">14 June 2024</time>, <bdi>\u202eplace</bdi>' in claim_page
    assert (
        '<a class="card__who" href="/claimants/rlo/"><bdi>\u202eEvil name</bdi></a>'
        in client.get("/claims/").content.decode()
    )


def test_pages_and_feeds_answer_if_modified_since(client):
    make_verdict()
    for url in (
        "/",
        "/claims/",
        "/about/",
        "/topics/",
        "/claimants/",
        "/feeds/verdicts.rss",
        "/feeds/corrections.atom",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        modified = response["Last-Modified"]
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304, url
    stale = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get("/claims/", HTTP_IF_MODIFIED_SINCE=stale).status_code == 200


def test_a_publish_makes_if_modified_since_stale(client, reviewer):
    make_verdict(slug="first")
    modified = client.get("/claims/")["Last-Modified"]
    waiting = make_verdict(Verdict.Status.IN_REVIEW, slug="second")
    services.content_version_bump()  # a second later in real life; the version's time moves on
    from claims.models import ContentVersion

    ContentVersion.objects.filter(pk=1).update(changed_at=timezone.now() + datetime.timedelta(seconds=5))
    assert client.get("/claims/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    assert waiting


def test_pages_do_not_vary_on_accept_language_with_one_language(client):
    make_verdict(slug="v")
    for url in ("/", "/claims/", "/claims/v/"):
        assert "Accept-Language" not in client.get(url).get("Vary", ""), url


def test_a_cited_source_has_a_page_with_its_captured_text(client, reviewer, django_assert_num_queries):
    verdict = make_verdict(slug="cites", title="Cites it", reviewer=reviewer)
    source = verdict.evidence.get().source
    source.url = ""
    source.capture(
        "The article's text.\n\nSecond paragraph.", at=datetime.datetime(2024, 6, 15, 9, 30, tzinfo=datetime.UTC)
    )
    source.save()
    claim_page = client.get("/claims/cites/").content.decode()
    assert f'<a href="/sources/{source.slug}/">{source.title}</a>' in claim_page
    assert f'<li><a href="/sources/{source.slug}/">The text we captured</a></li>' in claim_page
    # content version, source, citing claims
    with django_assert_num_queries(3):
        response = client.get(f"/sources/{source.slug}/")
    body = response.content.decode()
    assert "<p>The article&#x27;s text.</p>\n\n<p>Second paragraph.</p>" in body
    assert f'<code class="hash">{source.snapshot_sha256}</code>' in body
    assert "Cites it" in text_of(response)
    draft_source = make_verdict(Verdict.Status.DRAFT, slug="draft-cites").evidence.get().source
    assert client.get(f"/sources/{draft_source.slug}/").status_code == 404
