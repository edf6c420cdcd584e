"""Search on the claims page (?q=): PostgreSQL full text or the SQLite fallback, same behaviour."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from claims import search as search_module
from claims import selectors, services
from claims.models import Verdict
from claims.search import search
from tests.factories import ClaimantFactory, TopicFactory, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def titles(client, query):
    body = client.get("/claims/", {"q": query}).content.decode()
    return re.findall(r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>', body)


def test_search_finds_words_in_the_statement_and_highlights_them(client):
    make_verdict(slug="c", title="Ceasefire offer", text="Russia will order a ceasefire immediately.")
    make_verdict(slug="o", title="Other", text="Grain exports doubled.")
    response = client.get("/claims/", {"q": "ceasefire"})
    assert titles(client, "ceasefire") == ["Ceasefire offer"]
    body = response.content.decode()
    assert "<mark>ceasefire</mark>" in body
    assert "Search results for “ceasefire”" in body
    assert "1 fact-check" in body


def test_search_covers_title_claimant_name_and_conclusion(client):
    person = ClaimantFactory(name="Zelensky Volodymyr", slug="zelensky")
    make_verdict(slug="by-name", title="Grain", text="Exports rose.", claimant=person)
    make_verdict(slug="by-title", title="Referendum outcome", text="It passed.")
    conclusion = make_verdict(slug="by-conclusion", title="Budget", text="Spending fell.")
    Verdict.objects.filter(pk=conclusion.pk).update(conclusion="Spending actually increased sharply.")
    from claims.services import _refresh_claim

    _refresh_claim(conclusion.claim_id)
    assert titles(client, "zelensky") == ["Grain"]
    assert titles(client, "referendum") == ["Referendum outcome"]
    assert titles(client, "sharply") == ["Budget"]


def test_search_never_returns_unpublished_claims(client):
    make_verdict(Verdict.Status.DRAFT, slug="d", title="Draft ceasefire", text="A ceasefire draft.")
    make_verdict(Verdict.Status.IN_REVIEW, slug="r", title="Review ceasefire", text="A ceasefire in review.")
    make_verdict(Verdict.Status.RETRACTED, slug="x", title="Retracted ceasefire", text="A ceasefire retracted.")
    make_verdict(slug="p", title="Published ceasefire", text="A ceasefire published.")
    assert titles(client, "ceasefire") == ["Published ceasefire"]


def test_search_combines_with_filters(client):
    make_verdict(slug="p", title="Ceasefire pledge", text="We will cease fire.", kind="pledge")
    make_verdict(slug="s", title="Ceasefire statement", text="The ceasefire held.")
    body = client.get("/claims/", {"q": "ceasefire", "kind": "pledge"}).content.decode()
    assert re.findall(r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>', body) == ["Ceasefire pledge"]


def test_relevance_is_the_default_order_when_searching_and_newest_can_be_chosen(client):
    make_verdict(slug="a", title="Ceasefire ceasefire", text="A ceasefire, the ceasefire, ceasefire now.")
    make_verdict(slug="b", title="Prices", text="Ceasefire mentioned once among many other words about prices.")
    body = client.get("/claims/", {"q": "ceasefire"}).content.decode()
    assert '<option value="relevance" selected>' in body or 'value="relevance"' in body
    assert titles(client, "ceasefire")[0] == "Ceasefire ceasefire"
    newest = re.findall(
        r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>',
        client.get("/claims/", {"q": "ceasefire", "sort": "newest"}).content.decode(),
    )
    assert newest == ["Prices", "Ceasefire ceasefire"]


def test_search_text_is_escaped_in_snippets_and_headings(client):
    make_verdict(slug="h", title="Hostile", text="<script>alert(1)</script> ceasefire & more")
    body = client.get("/claims/", {"q": "ceasefire <script>"}).content.decode()
    assert "<script>alert" not in body
    assert "Search results for “ceasefire &lt;script&gt;”" in body


def test_a_search_that_matches_nothing_says_so(client):
    make_verdict(slug="x", text="Something else entirely.")
    body = client.get("/claims/", {"q": "unicorns"}).content.decode()
    assert "No published fact-check matches “unicorns”." in body
    assert "0 fact-checks" in body


# --- Ranking (PostgreSQL, the production database) -------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranks with PostgreSQL full-text search; SQLite only filters"
)


def ranked_slugs(query):
    return list(search(selectors.published_claims(), query).values_list("slug", flat=True))


def with_verdict_text(verdict, *, conclusion="", analysis="", topics=()):
    Verdict.objects.filter(pk=verdict.pk).update(conclusion=conclusion, analysis=analysis)
    verdict.claim.topics.set([TopicFactory(name=name) for name in topics])
    services._refresh_claim(verdict.claim_id)
    return verdict


@postgres_only
def test_title_ranks_above_statement_above_conclusion_above_analysis():
    # Created strongest first, so that newest-first ties would give the opposite order.
    with_verdict_text(make_verdict(slug="in-title", title="Grain ceasefire", text="About grain."))
    with_verdict_text(make_verdict(slug="in-text", title="Grain", text="A ceasefire about grain."))
    with_verdict_text(make_verdict(slug="in-conclusion", title="Grain", text="Grain."), conclusion="No ceasefire.")
    with_verdict_text(make_verdict(slug="in-analysis", title="Grain", text="Grain."), analysis="The ceasefire.")
    assert ranked_slugs("ceasefire") == ["in-title", "in-text", "in-conclusion", "in-analysis"]


@postgres_only
def test_a_topic_name_counts_as_much_as_the_title():
    with_verdict_text(make_verdict(slug="in-text", title="Exports", text="Grain exports and the ceasefire."))
    with_verdict_text(make_verdict(slug="by-topic", title="Exports", text="Grain exports."), topics=["Ceasefire"])
    assert ranked_slugs("ceasefire") == ["by-topic", "in-text"]


@postgres_only
def test_words_together_and_in_order_rank_first_then_the_closer_ones():
    make_verdict(slug="phrase", title="Budget", text="Inflation doubled in two years, the minister said.")
    make_verdict(
        slug="far", title="Budget", text="Inflation stayed flat for years while, in the end, the debt doubled."
    )
    make_verdict(slug="near", title="Budget", text="The debt doubled; inflation stayed flat in two years.")
    assert ranked_slugs("inflation doubled") == ["phrase", "near", "far"]


@postgres_only
def test_a_quoted_phrase_matches_only_the_words_together():
    make_verdict(slug="together", title="Talks", text="They agreed to start negotiations without delay.")
    make_verdict(slug="apart", title="Talks", text="Negotiations started after a long delay, without result.")
    assert ranked_slugs('"negotiations without delay"') == ["together"]
    assert ranked_slugs("negotiations without delay") == ["together", "apart"]


@postgres_only
@pytest.mark.parametrize("typed", ["cea", "ceasef", "ceasefir", "ceasefire", "Ceasefire"])
def test_the_last_word_typed_matches_as_a_prefix(typed):
    make_verdict(slug="truce", title="Putin offers a ceasefire", text="An offer.")
    make_verdict(slug="other", title="Grain exports", text="Exports rose.")
    assert ranked_slugs(f"putin {typed}") == ["truce"]


@postgres_only
def test_a_prefix_longer_than_the_stem_matches_the_word_as_written():
    # "inflation" is stored as its stem "inflat"; "inflatio" is a prefix of the word, not of the stem.
    make_verdict(slug="prices", title="Inflation doubled", text="Prices doubled.")
    assert ranked_slugs("inflatio") == ["prices"]
    assert ranked_slugs("doubled inflatio") == ["prices"]


@postgres_only
def test_only_the_last_word_is_a_prefix():
    make_verdict(slug="cease", title="Ceasefire talks", text="Talks.")
    assert ranked_slugs("cease talks") == []
    assert ranked_slugs("talks cease") == ["cease"]


@postgres_only
def test_equal_ranks_go_to_the_newest_verdict():
    old, new = (
        make_verdict(slug="older", title="Ceasefire", text="Same."),
        make_verdict(slug="newer", title="Ceasefire", text="Same."),
    )
    Verdict.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=2))
    Verdict.objects.filter(pk=new.pk).update(published_at=timezone.now() - datetime.timedelta(days=1))
    assert ranked_slugs("ceasefire") == ["newer", "older"]
    Verdict.objects.filter(pk=old.pk).update(published_at=timezone.now())
    assert ranked_slugs("ceasefire") == ["older", "newer"]


@postgres_only
def test_a_topic_rename_and_a_corrected_analysis_reach_the_search(reviewer):
    verdict = with_verdict_text(make_verdict(slug="t", title="Grain", text="Exports."), topics=["Harvest"])
    topic = verdict.claim.topics.get()
    topic.name = "Truce"
    services.reference_save(obj=topic, by=reviewer)
    assert ranked_slugs("truce") == ["t"]
    assert ranked_slugs("harvest") == []


# --- Snippets ---------------------------------------------------------------------------------------


def test_the_snippet_starts_at_the_sentence_that_matches(client):
    text = (
        "The minister spoke for an hour about many things that are not relevant here at all. "
        "He then said the ceasefire would hold. Nobody believed it, least of all the other side."
    )
    make_verdict(slug="s", title="Speech", text=text)
    body = client.get("/claims/", {"q": "ceasefire"}).content.decode()
    assert (
        "…He then said the <mark>ceasefire</mark> would hold. Nobody believed it, least of all the other side." in body
    )


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("x" * 201, 400, "The search is too long: at most 200 characters."),
        ("ceasefire\x00", 400, "The address contains a NUL character (code 0), which no page or parameter accepts."),
        ("?!…,;:--", 200, "No published fact-check matches “?!…,;:--”."),
        ('"ceasefire', 200, "1 fact-check"),
        ('ceasefire" or "', 200, "1 fact-check"),
        ("-ceasefire", 200, "No published fact-check matches “-ceasefire”."),
        ("ceasefire & | ! <-> :* ( )", 200, "1 fact-check"),
        ("the", 200, "No published fact-check matches “the”."),
    ],
)
def test_bad_search_input_gets_a_clear_answer(client, query, status, message):
    make_verdict(slug="c", title="Ceasefire offer", text="Russia will order a ceasefire.")
    response = client.get("/claims/", {"q": query})
    assert response.status_code == status
    assert message in " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        ("x" * 201, 400, {"q": ["Ensure this value has at most 200 characters (it has 201)."]}),
        ("ceasefire\x00", 400, {}),
        ("?!…,;:--", 200, []),
        ('"ceasefire', 200, ["c"]),
        ("ceasefire & | ! <-> :* ( )", 200, ["c"]),
    ],
)
def test_bad_search_input_in_the_api_gets_a_clear_answer(client, query, status, body):
    make_verdict(slug="c", title="Ceasefire offer", text="Russia will order a ceasefire.")
    response = client.get("/api/v1/claims/", {"q": query})
    assert response.status_code == status
    data = response.json()
    if status == 200:
        assert [c["slug"] for c in data["results"]] == body
    elif body:
        assert data == {"detail": "Some parameters are not valid.", "errors": body}
    else:
        assert data == {
            "detail": "The address contains a NUL character (code 0), which no page or parameter accepts. Remove it "
            "and try again."
        }


# --- Query counts -----------------------------------------------------------------------------------


# PostgreSQL asks whether the query as typed finds anything before taking its last word as a prefix.
PREFIX_CHECK = 1 if connection.vendor == "postgresql" else 0


def search_many(n):
    return [make_verdict(slug=f"truce-{i}", title=f"Ceasefire claim {i}", text="A ceasefire.") for i in range(n)]


@pytest.mark.parametrize("size", [1, 20])
def test_search_page_query_count_is_the_same_for_1_and_20_results(client, django_assert_num_queries, size):
    search_many(size)
    # content version, ratings, the page's rows (on PostgreSQL, whether the query as typed finds
    # anything); once per content version the topic counts, the languages, the claimant suggestions
    # and this search's count
    with django_assert_num_queries(7 + PREFIX_CHECK):
        client.get("/claims/", {"q": "ceasefire"})
    with django_assert_num_queries(3 + PREFIX_CHECK):
        response = client.get("/claims/", {"q": "ceasefire"})
    assert len(re.findall(r'class="card__title"', response.content.decode())) == size


@pytest.mark.parametrize("size", [1, 20])
def test_api_search_query_count_is_the_same_for_1_and_20_results(client, django_assert_num_queries, size):
    search_many(size)
    # the page, its topics and its published translations (and on PostgreSQL, whether the query as
    # typed finds anything)
    with django_assert_num_queries(3 + PREFIX_CHECK):
        response = client.get("/api/v1/claims/", {"q": "ceasefire", "page_size": 20})
    assert len(response.json()["results"]) == size


@postgres_only
def test_a_ranked_search_that_stops_at_its_window_says_so_and_date_order_lists_every_match(client, monkeypatch):
    monkeypatch.setattr(search_module, "RANK_WINDOW", 2)
    oldest = make_verdict(slug="oldest", title="Ceasefire best", text="Ceasefire, ceasefire.")
    search_many(2)
    body = client.get("/claims/", {"q": "ceasefire"}).content.decode()
    assert "2 fact-checks" in body
    assert "Ranked among the 2 newest that match; older ones may match too." in body
    assert "Ceasefire best" not in body
    body = client.get("/claims/", {"q": "ceasefire", "sort": "oldest"}).content.decode()
    assert "3 fact-checks" in body
    assert "Ranked among" not in body
    assert titles_in(body)[0] == oldest.claim.title


def titles_in(body):
    return re.findall(r'class="card__title" dir="auto"><a href="[^"]+">([^<]+)</a>', body)


@postgres_only
@pytest.mark.parametrize(("recent", "window", "found"), [(1, 500, ["a", "c", "b"]), (1, 2, ["c", "b"]), (2, 1, ["c"])])
def test_the_window_takes_the_newest_matches_from_the_recent_claims_first_then_the_older(
    monkeypatch, recent, window, found
):
    monkeypatch.setattr(search_module, "RECENT_SLICE", recent)
    monkeypatch.setattr(search_module, "RANK_WINDOW", window)
    make_verdict(slug="a", title="Ceasefire ceasefire", text="A ceasefire.")
    make_verdict(slug="b", title="Grain", text="A ceasefire.")
    make_verdict(slug="unrelated", title="Grain", text="Exports.")
    make_verdict(slug="c", title="Ceasefire", text="Grain.")
    assert ranked_slugs("ceasefire") == found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_search_is_planned_for_its_own_words_while_pages_use_prepared_statements(client):
    """Server-side binding (settings.DATABASE_SERVER_SIDE_BINDING) makes psycopg prepare a statement
    run five times; a prepared search would get one generic plan for every word and id bound
    (claims.search.planned_for_its_words), so searches are never prepared."""
    verdict = make_verdict(title="Inflation doubled in a year", slug="inflation")
    for _ in range(7):
        assert client.get("/claims/?q=inflation").status_code == 200
        assert client.get(f"/claims/{verdict.claim.slug}/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not [sql for sql in prepared if "search_vector" in sql]
    # The claim page's query was prepared: the test would see a search's too.
    assert [sql for sql in prepared if "json_build_object" in sql]
    assert connection.connection.prepare_threshold == 5
