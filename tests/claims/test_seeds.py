"""`loadseeds` loads the ceasefire article and the claims built from it, and a second run changes nothing."""

import hashlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Appearance, Claim, Claimant, Correction, Verdict
from sources.models import Source

pytestmark = pytest.mark.django_db

ARTICLE = (settings.BASE_DIR / "seeds" / "putin-ceasefire-offer-article.txt").read_text(encoding="utf-8")


def _row_counts():
    """Rows in every table, history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def seeded(reviewer):
    call_command("loadseeds", "--reviewer", reviewer.username, stdout=None)


def test_loading_twice_changes_nothing(seeded, capsys):
    before = _row_counts()
    updated = dict(Claim.objects.values_list("slug", "updated_at"))
    call_command("loadseeds", "--reviewer", "rafael-reviewer")
    assert capsys.readouterr().out.endswith("Seeds loaded: 0 new claim(s).\n")
    assert _row_counts() == before
    assert dict(Claim.objects.values_list("slug", "updated_at")) == updated


def test_seed_article_is_a_captured_source_without_url(seeded):
    source = Source.objects.get()
    assert (source.slug, source.title, source.kind, source.url, source.normalized_url) == (
        "putin-offers-ceasefire-if-kyiv-removes-troops",
        "Putin Offers To Maintain Ceasefire In Ukraine Should Kyiv Remove Troops And Abandon NATO Bid",
        "news_article",
        "",
        "",
    )
    assert source.snapshot_text == ARTICLE
    assert source.snapshot_sha256 == hashlib.sha256(ARTICLE.encode("utf-8")).hexdigest()
    assert source.captured_at is not None


def test_seed_claimant_is_vladimir_putin(seeded):
    putin = Claimant.objects.get()
    assert (putin.name, putin.slug, putin.kind, putin.role, putin.wikidata_id) == (
        "Vladimir Putin",
        "vladimir-putin",
        "person",
        "President of Russia",
        "Q7747",
    )


def test_seed_claims_cover_the_whole_life_cycle(seeded):
    rows = Verdict.objects.order_by("claim__slug").values_list(
        "claim__slug", "claim__kind", "claim__claimant__slug", "status", "rating__slug"
    )
    assert list(rows) == [
        ("kremlin-ready-to-negotiate-without-delay", "statement", "vladimir-putin", "published", "needs-context"),
        (
            "putin-demands-kyiv-leave-four-regions-within-administrative-borders",
            "statement",
            "vladimir-putin",
            "in_review",
            "misleading",
        ),
        ("putin-did-not-make-any-fresh-demands", "statement", None, "draft", "half-true"),
        (
            "putin-pledges-immediate-ceasefire-if-kyiv-withdraws",
            "pledge",
            "vladimir-putin",
            "published",
            "not-yet-rated",
        ),
    ]
    assert Claim.objects.get(slug="putin-did-not-make-any-fresh-demands").unattributed is True
    correction = Correction.objects.get()
    assert (correction.verdict.claim.slug, correction.kind, correction.old_rating.slug, correction.new_rating.slug) == (
        "kremlin-ready-to-negotiate-without-delay",
        "rating_change",
        "unproven",
        "needs-context",
    )
    assert correction.note.strip() != ""
    published = Verdict.objects.filter(status="published")
    assert all(v.reviewer_id and v.reviewer_id != v.author_id for v in published)


def test_every_appearance_quotes_the_article(seeded):
    appearances = Appearance.objects.select_related("source")
    assert appearances.count() == 4
    assert sorted(a.claim.slug for a in appearances if a.is_first) == sorted(
        Claim.objects.values_list("slug", flat=True)
    )
    for appearance in appearances:
        # An ellipsis marks words left out; every quoted passage is the article's text verbatim.
        for passage in appearance.quote.split(" … "):
            assert passage in ARTICLE, passage
    assert (
        "immediately" in Appearance.objects.get(claim__slug="putin-pledges-immediate-ceasefire-if-kyiv-withdraws").quote
    )
    assert (
        "ready to start negotiations without delay"
        in Appearance.objects.get(claim__slug="kremlin-ready-to-negotiate-without-delay").quote
    )
    assert (
        "did not make any fresh demands"
        in Appearance.objects.get(claim__slug="putin-did-not-make-any-fresh-demands").quote
    )


def test_seed_verdicts_cite_only_the_article(seeded):
    article = Source.objects.get()
    assert set(Verdict.objects.values_list("evidence__source", flat=True)) == {article.pk}
    assert "http" not in " ".join(Verdict.objects.values_list("analysis", flat=True))


def test_published_seed_claims_are_the_public_ones(seeded):
    assert sorted(Claim.objects.published().values_list("slug", flat=True)) == [
        "kremlin-ready-to-negotiate-without-delay",
        "putin-pledges-immediate-ceasefire-if-kyiv-withdraws",
    ]


def test_unreadable_seed_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read seed file"):
        call_command("loadseeds", file=str(tmp_path / "missing.json"))
    assert not Claim.objects.exists()


PUBLIC_PAGES = ["/", "/claims/", "/about/", "/ratings/", "/corrections/", "/topics/", "/claimants/"]


def test_the_word_seed_never_reaches_readers(seeded, client):
    urls = PUBLIC_PAGES + [c.get_absolute_url() for c in Claim.objects.public()] + ["/team/dana-writer/"]
    urls += ["/feeds/verdicts.atom", "/api/v1/claims/?page_size=10"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "seed" not in response.content.decode().lower(), url


def test_seed_evidence_links_to_the_text_we_captured(seeded, client):
    source = Source.objects.get()
    body = client.get("/claims/kremlin-ready-to-negotiate-without-delay/").content.decode()
    assert f'<li><a href="/sources/{source.slug}/">The text we captured</a></li>' in body
    page = client.get(f"/sources/{source.slug}/")
    assert page.status_code == 200
    assert f'<code class="hash">{source.snapshot_sha256}</code>' in page.content.decode()


def test_seeds_bring_a_byline_ownership_and_funding(seeded, client):
    body = client.get("/claims/kremlin-ready-to-negotiate-without-delay/").content.decode()
    assert '<p class="verdict-box__byline">By <a href="/team/dana-writer/"><bdi>Dana Writer</bdi></a> · ' in body
    about = client.get("/about/").content.decode()
    assert 'id="ownership"' in about
    assert '<td class="funding__amount">70,200 EUR</td>' in about
