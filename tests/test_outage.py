"""When the database refuses connections, pages answer 503 with a short page and Retry-After, the
API answers 503 JSON, and the site recovers by itself once the database is back."""

import contextlib
import socket

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import make_verdict

OUTAGE_MESSAGE = "The site is temporarily unavailable. Please try again in a minute."


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_refusing_connections():
    """Swap the default connection for one to a database that cannot be reached: a closed port
    on PostgreSQL, a file in a missing directory on SQLite. The real connection comes back after."""
    original = connections["default"]
    settings_dict = dict(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        settings_dict["NAME"] = "/nonexistent-directory/factcheck.sqlite3"
    connections["default"] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original


def public_paths(slug):
    """Every public page that exists, resolved by name (the readers' site may grow more)."""
    paths = []
    for name, kwargs in [
        ("claims:home", {}),
        ("claims:claim_list", {}),
        ("claims:claim_detail", {"slug": slug}),
        ("claims:ratings", {}),
        ("claims:corrections", {}),
        ("claims:feed_verdicts_rss", {}),
    ]:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name, kwargs=kwargs))
    return paths


def api_paths():
    paths = []
    for name in ["api:claim-list", "api:claimant-list", "api:claim-review-list"]:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name))
    return paths


@pytest.fixture(params=[False, True], ids=["no-page-cache", "page-cache"])
def client(request, settings):
    """With the public page cache (the production default, which reads the content version from
    the database before any view) and without. The client returns what a browser would get
    rather than re-raising the error behind a 503."""
    settings.PUBLIC_CACHE = request.param
    return Client(raise_request_exception=False)


@pytest.fixture
def published(db):
    return make_verdict(slug="outage-claim", title="A claim readers can see").claim


def test_public_pages_answer_503_with_a_short_page_and_retry_after(client, published):
    paths = public_paths(published.slug)
    assert published.get_absolute_url() in paths
    with database_refusing_connections():
        responses = {path: client.get(path) for path in paths}
    for path, response in responses.items():
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30", path
        assert response["Cache-Control"] == "no-store", path
        assert response["Content-Type"] == "text/html; charset=utf-8", path
        content = response.content.decode()
        assert "<title>" in content and OUTAGE_MESSAGE in content, path
        assert "Traceback" not in content and "OperationalError" not in content, path


def test_the_api_answers_503_json(client, published):
    paths = api_paths()
    if not paths:
        pytest.skip("the partner API's URLs are not wired into factcheck/urls.py yet")
    with database_refusing_connections():
        responses = {path: client.get(path) for path in paths}
    for path, response in responses.items():
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30", path
        assert response.json() == {"detail": OUTAGE_MESSAGE}, path


def test_the_site_recovers_by_itself_when_the_database_is_back(client, published):
    with database_refusing_connections():
        assert client.get(published.get_absolute_url()).status_code == 503
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "A claim readers can see" in response.content.decode()


def test_an_outage_outside_a_view_is_a_503_too(published, reviewer):
    """A logged-in editor's session is read by middleware, before any view runs."""
    browser = Client(raise_request_exception=False)
    browser.force_login(reviewer)
    with database_refusing_connections():
        response = browser.get("/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert OUTAGE_MESSAGE in response.content.decode()
    assert browser.get("/admin/").status_code == 200
