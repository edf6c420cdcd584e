"""Every public URL answers, for anonymous readers, in the site's design, with a descriptive title."""

import re

import pytest

from claims.models import Claim, Verdict
from tests.factories import TopicFactory, make_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site_data(reviewer):
    topic = TopicFactory(slug="nato", name="NATO", featured=True)
    verdict = make_verdict(slug="pub", title="Published", reviewer=reviewer, kind=Claim.Kind.PLEDGE)
    verdict.claim.topics.add(topic)
    make_verdict(Verdict.Status.RETRACTED, slug="gone", title="Gone", reviewer=reviewer)
    return verdict


PAGES = {
    "/": "Factcheck Desk — Independent fact-checks of public claims",
    "/claims/": "All fact-checks — Factcheck Desk",
    "/claims/?q=published": "Search results for “published” — Factcheck Desk",
    "/claims/pub/": "Kept: Published — Factcheck Desk",
    "/claims/gone/": "Retracted: Gone — Factcheck Desk",
    "/topics/nato/": "NATO: fact-checks — Factcheck Desk",
    "/ratings/": "How we rate claims — Factcheck Desk",
    "/corrections/": "Corrections — Factcheck Desk",
    "/about/": "About Factcheck Desk",
    "/contact/": "Report an error or suggest a claim — Factcheck Desk",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_every_public_page_answers_with_its_title(client, site_data, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1) == title
    assert '<a class="skip-link" href="#main">Skip to content</a>' in response.content.decode()
    assert '<main id="main"' in response.content.decode()


def test_claimant_page_answers(client, site_data):
    response = client.get(site_data.claim.claimant.get_absolute_url())
    assert response.status_code == 200
    assert (
        f"<title>{site_data.claim.claimant.name}: fact-check record — Factcheck Desk</title>"
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feeds/verdicts.rss", "application/rss+xml; charset=utf-8"),
        ("/feeds/verdicts.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/corrections.rss", "application/rss+xml; charset=utf-8"),
        ("/feeds/corrections.atom", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/ratings.css", "text/css; charset=utf-8"),
    ],
)
def test_machine_readable_urls_answer(client, site_data, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_public_pages_refuse_writes(client, site_data):
    assert client.post("/claims/").status_code == 405
    assert client.post("/claims/pub/").status_code == 405
