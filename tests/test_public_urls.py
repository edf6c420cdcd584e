"""Every public URL answers, for anonymous readers, in the site's design, with a descriptive title."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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


# --- Methods --------------------------------------------------------------------------------------

READ_ONLY = [
    "/",
    "/claims/",
    "/claims/pub/",
    "/claims/gone/",
    "/topics/nato/",
    "/ratings/",
    "/corrections/",
    "/about/",
    "/contact/",
    "/ratings.css",
    "/feeds/verdicts.rss",
    "/feeds/verdicts.atom",
    "/feeds/corrections.rss",
    "/feeds/corrections.atom",
    "/sitemap.xml",
    "/sitemap-claims.xml",
    "/robots.txt",
]


def _readers_urls(site_data):
    return [*READ_ONLY, site_data.claim.claimant.get_absolute_url()]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_to_readers_pages_are_405_with_allow_not_a_csrf_failure(site_data, method):
    # A browser's POST carries no CSRF token here: the 405 must come before the CSRF check's 403.
    client = Client(enforce_csrf_checks=True)
    for url in _readers_urls(site_data):
        response = getattr(client, method)(url, "x=1", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 405, (url, response.status_code)
        assert response["Allow"] == "GET, HEAD, OPTIONS", url
        assert response.content == b"", url


def test_options_on_readers_pages_answers_allow_with_an_empty_body(client, site_data):
    for url in _readers_urls(site_data):
        response = client.options(url)
        assert response.status_code == 200, url
        assert response["Allow"] == "GET, HEAD, OPTIONS", url
        assert (response.content, response["Content-Length"]) == (b"", "0"), url
        assert "Cache-Control" not in response, url


def test_head_on_readers_pages_still_answers(client, site_data):
    for url in ["/", "/claims/pub/", "/feeds/verdicts.rss", "/sitemap.xml"]:
        assert client.head(url).status_code == 200, url


def _named_routes(resolver=None, namespace=""):
    """(name, URL kwargs) of every named route outside the admin and the API."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) in ("admin/", "api/v1/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in ("healthz", "readyz"):
            yield f"{namespace}{pattern.name}", dict.fromkeys(pattern.pattern.converters, "any-slug")


# Public routes whose page takes a form that writes, and so keeps the CSRF check.
WRITABLE_ROUTES = {"desk:tip_new", "set_language"}


def test_every_public_route_refuses_a_tokenless_post_with_405(db):
    # Catches a page added later without the read-only guard (claims.views.read_only); a page with
    # a form that writes goes in WRITABLE_ROUTES instead.
    client = Client(enforce_csrf_checks=True)
    routes = [(name, kwargs) for name, kwargs in _named_routes() if name not in WRITABLE_ROUTES]
    assert len(routes) >= 17
    for name, kwargs in routes:
        response = client.post(reverse(name, kwargs=kwargs or None))
        message = f"{name}: wrap the view in claims.views.read_only, or list it in WRITABLE_ROUTES if it takes a form"
        assert (response.status_code, response.get("Allow")) == (405, "GET, HEAD, OPTIONS"), message


@pytest.mark.parametrize("slug", ["%C3%A9t%C3%A9", "%EF%BC%A1", "%E2%80%AE", "%ED%A0%80", "%FF"])
@pytest.mark.parametrize("prefix", ["claims", "claimants", "topics"])
def test_a_page_slug_of_odd_unicode_is_the_404_page(client, site_data, prefix, slug):
    response = client.get(f"/{prefix}/{slug}/")
    assert response.status_code == 404
    assert "<title>Page not found — Factcheck Desk</title>" in response.content.decode()
