"""Search on the claims page (?q=): PostgreSQL full text or the SQLite fallback, same behaviour."""

import re

import pytest

from claims.models import Verdict
from tests.factories import ClaimantFactory, make_verdict

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
