"""Serving (README "Running at scale"): compressed HTML for clients that accept it, never for an
answer that holds a secret, with the page cache keeping compressed and plain copies apart; the
ratings' stylesheet under a content digest, cached for a year."""

import gzip
import hashlib
import re

import pytest

from claims import services
from claims.models import Rating
from claims.views import remember_rating_styles_digest
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def published():
    return make_verdict(title="The bridge cost forty million", slug="bridge")


def _html(response):
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    return body.decode()


def test_public_pages_are_compressed_for_clients_that_accept_gzip(client, published):
    plain = client.get("/claims/bridge/")
    compressed = client.get("/claims/bridge/", **GZIP)
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert _html(compressed) == plain.content.decode()
    assert "The bridge cost forty million" in _html(compressed)
    assert len(compressed.content) < len(plain.content) / 3
    # The view's ETag becomes weak (the bytes differ from the plain copy's) and still validates.
    assert compressed["ETag"] == "W/" + plain["ETag"]
    assert client.get("/claims/bridge/", HTTP_IF_NONE_MATCH=compressed["ETag"], **GZIP).status_code == 304


def test_the_api_is_compressed_too(client, published):
    response = client.get("/api/v1/claims/", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert '"slug":"bridge"' in gzip.decompress(response.content).decode()


def test_a_page_with_a_csrf_token_is_not_compressed(client):
    response = client.get("/tips/new/", **GZIP)
    assert "Content-Encoding" not in response
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_nothing_is_compressed_for_a_signed_in_editor(editor_client, published):
    for path in ("/claims/bridge/", "/admin/", "/api/v1/claims/"):
        response = editor_client.get(path, **GZIP)
        assert response.status_code == 200, path
        assert "Content-Encoding" not in response, path


def test_the_page_cache_keeps_compressed_and_plain_copies_apart(client, published, settings, django_assert_num_queries):
    settings.PUBLIC_CACHE = True
    path = "/api/v1/claims/"  # stored at once (factcheck/cache.py says when pages are)
    compressed = client.get(path, **GZIP)
    plain = client.get(path)
    assert (compressed["Content-Encoding"], "Content-Encoding" in plain) == ("gzip", False)
    assert _html(compressed) == plain.content.decode()
    # The compressed copy is stored: a hit costs the content version's query only, same bytes.
    with django_assert_num_queries(1):
        again = client.get(path, **GZIP)
    assert (again.content, again["Content-Encoding"], again["ETag"]) == (
        compressed.content,
        "gzip",
        compressed["ETag"],
    )
    again_plain = client.get(path)
    assert (again_plain.content, "Content-Encoding" in again_plain) == (plain.content, False)
    assert compressed["ETag"] != plain["ETag"]
    with django_assert_num_queries(1):
        assert client.get(path, HTTP_IF_NONE_MATCH=compressed["ETag"], **GZIP).status_code == 304


# --- /ratings.css under its digest ---------------------------------------------------------------


def _stylesheet_link(client):
    return re.search(r'<link rel="stylesheet" href="(/ratings[^"]*)">', client.get("/ratings/").content.decode())[1]


def test_pages_link_the_stylesheet_by_its_digest_once_it_is_known(client):
    # Before anyone fetched it, pages link the plain address (finding the digest would cost them a query).
    assert _stylesheet_link(client) == "/ratings.css"
    plain = client.get("/ratings.css")
    digest = hashlib.sha256(plain.content).hexdigest()[:16]
    assert plain["Cache-Control"] == "max-age=300, public"
    assert _stylesheet_link(client) == f"/ratings.{digest}.css"
    hashed = client.get(f"/ratings.{digest}.css")
    assert hashed.content == plain.content
    assert hashed["Content-Type"] == "text/css; charset=utf-8"
    assert hashed["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed["ETag"] == f'"{digest}"'


def test_the_application_learns_the_digest_when_it_starts(client, django_assert_num_queries):
    # factcheck/wsgi.py does this once per process, so pages link the digest from the first one on.
    with django_assert_num_queries(1):
        _body, digest = remember_rating_styles_digest()
    assert _stylesheet_link(client) == f"/ratings.{digest}.css"


def test_a_colour_change_gives_a_new_digest_and_the_old_one_redirects(
    client, reviewer, django_capture_on_commit_callbacks
):
    client.get("/ratings.css")
    old = _stylesheet_link(client)
    rating = Rating.objects.get(slug="true")
    rating.colour = "#1b7f38"
    with django_capture_on_commit_callbacks(execute=True):
        services.reference_save(obj=rating, by=reviewer)
    # The change forgets the digest: pages link the plain address until the stylesheet is served again.
    assert _stylesheet_link(client) == "/ratings.css"
    moved = client.get(old)
    new = _stylesheet_link(client)
    assert new != old
    assert (moved.status_code, moved["Location"], moved["Cache-Control"]) == (302, new, "no-cache")
    assert ".rating--true{background-color:#1b7f38;" in client.get(new).content.decode()


def test_only_sixteen_hex_digits_are_a_digest(client):
    assert client.get("/ratings.0123456789abcdef.css").status_code == 302
    assert client.get("/ratings.xyz.css").status_code == 404
    assert client.get("/ratings.0123456789ABCDEF.css").status_code == 404
