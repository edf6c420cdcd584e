"""Hostile text saved through the admin is stored exactly and shown escaped everywhere it appears;
oversized requests are refused with a clear message."""

import contextlib
import json
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from claims import services
from claims.models import Claim, Claimant, Verdict
from sources.models import Source
from tests.factories import ClaimantFactory, make_verdict

SCRIPT = '<script>alert("x")</script>'
CLOSE_SCRIPT = "</script><script>alert(1)</script>"
QUOTES = '"quoted" \'single\' \\backslash {"json": "breaker"}'
SQL = "Robert'); DROP TABLE claims_claim;--"
UNICODE = "\u202eRTL override\u202c zero\u200bwidth\u200djoiner \ufeffBOM"
EMOJI = "emoji \U0001f9ea\U0001f525\U0001f469\U0001f3fd\u200d\u2696\ufe0f"
HOSTILE = " | ".join([SCRIPT, CLOSE_SCRIPT, QUOTES, SQL, UNICODE, EMOJI])
RAW_MARKUP = ['<script>alert("x")', "<script>alert(1)", "</script><script>"]


def _management(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _assert_escaped(content, value, where):
    for markup in RAW_MARKUP:
        assert markup not in content, where
    assert escape(value) in content, where


@pytest.fixture
def claimant(db):
    return ClaimantFactory(name="Hostile claimant", slug="hostile-claimant")


def test_claim_text_fields_are_stored_exactly_and_shown_escaped_in_the_admin(admin_client, claimant):
    data = {
        "title": HOSTILE[:200],
        "slug": "hostile-claim",
        "text": HOSTILE,
        "kind": "statement",
        "language": "en",
        "claimant": claimant.pk,
        "made_on": "2024-06-14",
        "made_at": HOSTILE[:300],
        **_management("appearances"),
    }
    response = admin_client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get(slug="hostile-claim")
    assert (claim.title, claim.text, claim.made_at) == (HOSTILE[:200], HOSTILE, HOSTILE[:300])
    content = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    _assert_escaped(content, HOSTILE, "claim change page")


def test_claimant_text_fields_are_stored_exactly_and_shown_escaped_in_the_admin(admin_client, db):
    data = {
        "kind": "person",
        "name": HOSTILE[:200],
        "slug": "hostile-person",
        "role": HOSTILE[:200],
        "affiliation": HOSTILE[:200],
        "country": "Nowhere",
        "description": HOSTILE,
    }
    response = admin_client.post(reverse("admin:claims_claimant_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Claimant.objects.get(slug="hostile-person")
    assert (person.name, person.role, person.affiliation, person.description) == (
        HOSTILE[:200],
        HOSTILE[:200],
        HOSTILE[:200],
        HOSTILE,
    )
    content = admin_client.get(reverse("admin:claims_claimant_change", args=[person.pk])).content.decode()
    _assert_escaped(content, HOSTILE, "claimant change page")


def test_a_one_megabyte_source_text_is_stored_exactly(admin_client, db):
    snapshot = "\n".join([HOSTILE] * (1024 * 1024 // len(HOSTILE)))
    assert len(snapshot) > 1_000_000
    data = {
        "title": HOSTILE,
        "slug": "hostile-source",
        "kind": "news_article",
        "url": "https://news.example/hostile",
        "author": HOSTILE[:300],
        "language": "en",
        "snapshot_text": snapshot,
    }
    response = admin_client.post(reverse("admin:sources_source_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(slug="hostile-source")
    assert (source.title, source.author, source.snapshot_text) == (HOSTILE, HOSTILE[:300], snapshot)
    assert len(source.snapshot_sha256) == 64
    content = admin_client.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()
    _assert_escaped(content, HOSTILE, "source change page")


@pytest.fixture
def hostile_published(db):
    claimant = ClaimantFactory(name=HOSTILE[:200], slug="hostile-speaker", description=HOSTILE)
    verdict = make_verdict(title=HOSTILE[:200], slug="hostile-published", text=HOSTILE, claimant=claimant)
    Verdict.objects.filter(pk=verdict.pk).update(conclusion=HOSTILE[:400], analysis=HOSTILE)
    services.content_version_bump()
    return verdict


def _json_strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value


def test_public_claim_page_and_its_json_ld_escape_hostile_text(client, hostile_published):
    content = client.get(hostile_published.claim.get_absolute_url()).content.decode()
    _assert_escaped(content, HOSTILE, "claim page")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, flags=re.S)
    assert len(blocks) == 1
    strings = list(_json_strings(json.loads(blocks[0])))
    assert HOSTILE in strings
    assert HOSTILE[:400] in strings


def test_public_lists_and_feeds_escape_hostile_text(client, hostile_published):
    paths = []
    for name in ["claims:home", "claims:claim_list", "claims:feed_verdicts_rss", "claims:feed_verdicts_atom"]:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name))
    for path in paths:
        content = client.get(path).content.decode()
        for markup in RAW_MARKUP:
            assert markup not in content, path


def test_the_api_returns_hostile_text_exactly(client, hostile_published):
    try:
        path = reverse("api:claim-detail", kwargs={"slug": hostile_published.claim.slug})
    except NoReverseMatch:
        pytest.skip("the partner API has no claim detail route")
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    strings = list(_json_strings(response.json()))
    assert HOSTILE in strings
    assert HOSTILE[:200] in strings


# --- Oversized requests --------------------------------------------------------------------------


def test_an_oversized_form_is_refused_with_a_clear_413(admin_client, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = admin_client.post(reverse("admin:sources_source_add"), {"snapshot_text": body})
    assert response.status_code == 413
    content = response.content.decode()
    assert "The request is too large: the limit is 5.0 MB." in content
    assert "<title>" in content
    assert not Source.objects.exists()


def test_an_oversized_api_request_is_refused_with_json(client, db, settings):
    body = json.dumps({"text": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    response = client.post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is too large: the limit is 5.0 MB. Shorten the text or split it into several saves."
    }


def test_too_many_form_fields_are_refused_with_a_clear_400(admin_client, settings):
    fields = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = admin_client.post(reverse("admin:sources_source_add"), fields)
    assert response.status_code == 400
    assert "The form sent too many fields (the limit is 2000)." in response.content.decode()
