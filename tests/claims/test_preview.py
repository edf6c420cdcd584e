"""The staff preview: the claim page exactly as readers will see it (the same template and context),
from a draft or from a proposed change, behind the admin's login, never indexed or cached, never in
sitemaps or feeds."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from claims import services
from claims.models import Verdict
from tests.factories import ClaimFactory, make_verdict

pytestmark = pytest.mark.django_db

BANNER_DRAFT = '<p class="preview-banner__title">Preview — not published</p>'


def _preview_url(claim):
    return f"/admin/claims/claim/{claim.pk}/preview/"


@pytest.fixture
def draft():
    verdict = make_verdict(Verdict.Status.DRAFT, title="Unemployment halved", slug="unemployment-halved")
    verdict.conclusion = "Unemployment fell by a tenth, not by half."
    services.verdict_save(verdict=verdict, by=verdict.author)
    return verdict


def test_staff_see_the_drafts_page_with_its_conclusion_under_a_banner(editor_client, draft):
    response = editor_client.get(_preview_url(draft.claim))
    assert response.status_code == 200
    assertTemplateUsed(response, "claims/claim_detail.html")  # the readers' template, extended
    assertContains(response, BANNER_DRAFT, html=True)
    assertContains(
        response,
        '<p class="preview-banner__note">This is how the page will look once it is published. Readers cannot '
        "see it yet (Draft).</p>",
        html=True,
    )
    assertContains(
        response,
        '<p class="verdict-box__conclusion" dir="auto">Unemployment fell by a tenth, not by half.</p>',
        html=True,
    )
    assertContains(response, '<h1 class="claim-head__title" dir="auto">Unemployment halved</h1>', html=True)
    assertContains(response, '<meta name="robots" content="noindex">', html=True)
    assertContains(response, '<link rel="canonical" href="http://127.0.0.1:8000/claims/unemployment-halved/">')
    assertNotContains(response, "application/ld+json")  # no ClaimReview of an unapproved draft
    assert response["X-Robots-Tag"] == "noindex"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_the_drafts_public_address_is_still_a_404(client, draft):
    assert client.get("/claims/unemployment-halved/").status_code == 404


def test_preview_links_back_to_the_claim_and_the_verdict(editor_client, draft):
    response = editor_client.get(_preview_url(draft.claim))
    assertContains(
        response,
        f'<p class="preview-banner__links"><a href="/admin/claims/claim/{draft.claim_id}/change/">Back to the '
        f'claim</a><a href="/admin/claims/verdict/{draft.pk}/change/">Back to the verdict</a></p>',
        html=True,
    )


def test_a_claim_without_a_verdict_can_be_previewed(editor_client):
    claim = ClaimFactory(title="Not written yet")
    response = editor_client.get(_preview_url(claim))
    assertContains(response, '<h1 class="claim-head__title" dir="auto">Not written yet</h1>', html=True)
    assertContains(response, "Readers cannot see it yet (No verdict yet).")


def test_a_published_claim_previews_as_published(reviewer_client, reviewer):
    verdict = make_verdict(reviewer=reviewer, slug="public-one")
    response = reviewer_client.get(_preview_url(verdict.claim))
    assertContains(response, '<p class="preview-banner__title">Preview — as published</p>', html=True)
    assertContains(response, '<a href="/claims/public-one/">The public page</a>', html=True)


def test_anonymous_is_sent_to_the_login(client, draft):
    response = client.get(_preview_url(draft.claim))
    assertRedirects(
        response, f"/admin/login/?next=/admin/claims/claim/{draft.claim_id}/preview/", fetch_redirect_response=False
    )


def test_a_reader_without_staff_rights_is_sent_to_the_login(client, reader, draft):
    client.force_login(reader)
    response = client.get(_preview_url(draft.claim))
    assertRedirects(
        response, f"/admin/login/?next=/admin/claims/claim/{draft.claim_id}/preview/", fetch_redirect_response=False
    )
    assertNotContains(response, "Unemployment fell by a tenth", status_code=302)


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_a_bad_claim_id_is_404(editor_client, object_id):
    assert editor_client.get(f"/admin/claims/claim/{object_id}/preview/").status_code == 404


def test_the_page_cache_never_stores_a_preview(settings, client, editor, draft):
    settings.PUBLIC_CACHE = True
    assert client.get(_preview_url(draft.claim)).status_code == 302  # anonymous: the login redirect
    client.force_login(editor)
    assertContains(client.get(_preview_url(draft.claim)), "Unemployment fell by a tenth, not by half.")
    draft.refresh_from_db()
    draft.conclusion = "Unemployment fell by an eighth."
    services.verdict_save(verdict=draft, by=editor)
    response = client.get(_preview_url(draft.claim))
    assertContains(
        response, '<p class="verdict-box__conclusion" dir="auto">Unemployment fell by an eighth.</p>', html=True
    )
    client.logout()
    assert client.get(_preview_url(draft.claim)).status_code == 302  # nothing cached for the next visitor


def test_claim_verdict_and_proposal_pages_link_to_their_preview(reviewer_client, reviewer, draft, editor):
    claim_page = reviewer_client.get(f"/admin/claims/claim/{draft.claim_id}/change/")
    link = f'<li><a href="/admin/claims/claim/{draft.claim_id}/preview/" class="previewlink">Preview</a></li>'
    assertContains(claim_page, link, html=True)
    assertContains(reviewer_client.get(f"/admin/claims/verdict/{draft.pk}/change/"), link, html=True)
    published = make_verdict(reviewer=reviewer, title="Public")
    change = services.verdict_correct(verdict=published, by=editor, note="Better figure.", conclusion="Newer.")
    response = reviewer_client.get(f"/admin/claims/pendingchange/{change.pk}/change/")
    assertContains(
        response,
        f'<li><a href="/admin/claims/pendingchange/{change.pk}/preview/" class="previewlink">Preview</a></li>',
        html=True,
    )


def test_a_proposed_change_previews_as_it_would_be_published(client, reviewer, editor):
    verdict = make_verdict(reviewer=reviewer, slug="growth", title="Growth doubled")
    change = services.verdict_correct(
        verdict=verdict, by=editor, note="We used the revised series.", conclusion="Growth rose by a third."
    )
    client.force_login(reviewer)
    response = client.get(f"/admin/claims/pendingchange/{change.pk}/preview/")
    assertContains(response, '<p class="preview-banner__title">Preview of the proposed change</p>', html=True)
    assertContains(response, '<p class="verdict-box__conclusion" dir="auto">Growth rose by a third.</p>', html=True)
    # The correction its approval adds, at the end of the page's history.
    assertContains(response, '<p dir="auto">We used the revised series.</p>', html=True)
    assertContains(
        response,
        '<p class="muted">Previous conclusion: <q dir="auto">The statement is not accurate.</q></p>',
        html=True,
    )
    assert response["X-Robots-Tag"] == "noindex"
    # Readers still see the published revision.
    public = client.get("/claims/growth/")
    assertContains(
        public, '<p class="verdict-box__conclusion" dir="auto">The statement is not accurate.</p>', html=True
    )
    assertNotContains(public, "Growth rose by a third.")


def test_a_proposed_change_of_claim_and_appearances_previews_its_unit(reviewer_client, reviewer, editor):
    verdict = make_verdict(reviewer=reviewer, title="Old title")
    unit = services.revisions.unit_of(verdict.claim_id)
    unit["claim"]["title"] = "New title"
    unit["appearances"][0]["quote"] = "the corrected quote"
    change = services.change_propose(claim=verdict.claim, unit=unit, note="Quote corrected.", by=editor)
    response = reviewer_client.get(f"/admin/claims/pendingchange/{change.pk}/preview/")
    assertContains(response, '<h1 class="claim-head__title" dir="auto">New title</h1>', html=True)
    assertContains(
        response, '<blockquote class="appearance__quote" dir="auto"><p>the corrected quote</p></blockquote>', html=True
    )


def test_previews_are_in_no_sitemap_or_feed(client, reviewer, draft):
    make_verdict(reviewer=reviewer, slug="published-one")
    for url in ["/sitemap.xml", "/sitemap-claims.xml", "/feeds/verdicts.rss", "/feeds/verdicts.atom"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assertNotContains(response, "preview", msg_prefix=url)
        assertNotContains(response, "unemployment-halved", msg_prefix=url)
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode()
