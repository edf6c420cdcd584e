"""The API as partners' tools expect it (issue 12): cursors as arguments as well as links, ETags on
lists with or without a key, If-None-Match and the error bodies in the schema, CORS for reads from a
browser page, and anonymous limits that hold however many processes serve."""

import os
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from claims.models import APIKey
from tests.factories import make_verdict

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def partner_key(db):
    prefix, raw = APIKey.generate()
    APIKey.objects.create(name="Partner", prefix=prefix, hashed_key=APIKey.hash(raw))
    return raw


def test_a_page_gives_its_neighbours_as_links_and_as_cursors(client):
    for i in range(5):
        make_verdict(slug=f"c{i}")
    first = client.get("/api/v1/claims/?page_size=2").json()
    assert first["previous_cursor"] is None
    assert f"cursor={first['next_cursor']}" in first["next"].replace("%3D", "=")
    second = client.get("/api/v1/claims/", {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert second == client.get(first["next"]).json()
    assert [c["slug"] for c in second["results"]] == ["c2", "c1"]
    back = client.get("/api/v1/claims/", {"page_size": 2, "cursor": second["previous_cursor"]}).json()
    assert [c["slug"] for c in back["results"]] == ["c4", "c3"]


def test_the_cursor_is_a_documented_parameter_and_the_page_documents_both(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    get = schema["paths"]["/api/v1/claims/"]["get"]
    cursor = next(p for p in get["parameters"] if p["name"] == "cursor")
    assert cursor["in"] == "query" and "next_cursor" not in cursor["description"]
    page = schema["components"]["schemas"]["PaginatedClaimSummaryList"]
    assert page["required"] == ["next", "previous", "next_cursor", "previous_cursor", "results"]
    assert page["properties"]["next_cursor"]["nullable"] is True


@pytest.mark.parametrize("with_key", [False, True])
def test_lists_answer_conditional_requests_with_or_without_a_key(client, partner_key, with_key):
    make_verdict(slug="etag")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {partner_key}"} if with_key else {}
    for url in ("/api/v1/claims/", "/api/v1/claim-reviews/", "/api/v1/tombstones/", "/api/v1/ratings/"):
        first = client.get(url, **headers)
        assert first["ETag"].startswith('"'), url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"]), url
    make_verdict(slug="etag-2")
    assert client.get("/api/v1/claims/", HTTP_IF_NONE_MATCH=first["ETag"], **headers).status_code == 200


def test_the_schema_documents_if_none_match_the_etag_the_304_and_every_error_body(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/claims/", "/api/v1/claims/{slug}/", "/api/v1/tombstones/", "/api/v1/datasets/"):
        get = schema["paths"][path]["get"]
        header = next(p for p in get["parameters"] if p["name"] == "If-None-Match")
        assert header["in"] == "header", path
        assert "304" in get["responses"], path
        assert "ETag" in get["responses"]["200"]["headers"], path
        assert set(get["responses"]["200"]["headers"]) >= {"RateLimit", "RateLimit-Policy"}, path
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == error, (path, method, code)
    detail = schema["paths"]["/api/v1/claims/{slug}/"]["get"]["responses"]
    assert detail["404"]["description"] == "Nothing published has this slug."
    assert "Retry-After" in detail["429"]["headers"]


def test_a_browser_page_of_any_origin_may_read_the_api(client):
    make_verdict(slug="cors")
    response = client.get("/api/v1/claims/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "ratelimit", "ratelimit-policy", "retry-after"} <= exposed
    preflight = client.options(
        "/api/v1/claims/",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert {"authorization", "if-none-match"} <= set(preflight["Access-Control-Allow-Headers"].split(", "))
    assert client.get("/api/v1/nothing-here/", HTTP_ORIGIN="https://a.example")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/claims/", HTTP_ORIGIN="https://newsroom.example")


def test_cors_origins_can_be_limited_by_setting(client):
    with override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=["https://newsroom.example"]):
        allowed = client.get("/api/v1/ratings/", HTTP_ORIGIN="https://newsroom.example")
        other = client.get("/api/v1/ratings/", HTTP_ORIGIN="https://elsewhere.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://newsroom.example"
    assert "Access-Control-Allow-Origin" not in other


def test_the_cors_settings_are_what_the_readme_says():
    assert settings.CORS_ALLOW_METHODS == ["GET", "HEAD", "OPTIONS"]
    assert settings.CORS_ALLOW_CREDENTIALS is False
    assert settings.CORS_ALLOW_ALL_ORIGINS is True  # API_CORS_ORIGINS unset


# --- Anonymous limits with several processes ------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(tmp_path, **env):
    """gunicorn with the project's file and two worker processes; no database is needed for the
    address asked (the API's 404), so none is set up."""
    port = _free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in ("CACHE_URL", "REDIS_URL", "DATABASE_URL")
    }
    environment.update(
        WEB_CONCURRENCY="2",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        API_THROTTLE_ANON="20/minute",
        **env,
    )
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True)  # noqa: S603
    watcher = selectors.DefaultSelector()
    watcher.register(server.stderr, selectors.EVENT_READ)
    deadline, log = time.monotonic() + 30, ""
    while log.count("Booting worker") < 2 and time.monotonic() < deadline and server.poll() is None:
        if watcher.select(timeout=0.5):
            log += server.stderr.readline()
    assert log.count("Booting worker") == 2, log
    return server, port


def _statuses(port, n):
    """n requests, each on a new connection (as separate clients would make them)."""
    seen = []
    deadline = time.monotonic() + 60
    while len(seen) < n and time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET /api/v1/nothing/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
        except ConnectionError:
            time.sleep(0.1)  # a worker still loading the site
            continue
        head = answer.split(b"\r\n\r\n", 1)[0].decode()
        policy = next(
            line.split(": ", 1)[1] for line in head.split("\r\n") if line.lower().startswith("ratelimit-policy")
        )
        seen.append((int(head.split(" ")[1]), policy))
    return seen


@pytest.mark.parametrize("shared", [False, True])
def test_two_processes_never_let_more_than_the_anonymous_limit_through(tmp_path, shared):
    env = {"CACHE_URL": "redis://127.0.0.1:6379/13"} if shared else {}
    if shared:
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(env["CACHE_URL"], socket_connect_timeout=0.5).flushdb()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not running on 127.0.0.1:6379 (CI starts it)")
    server, port = _serve(tmp_path, **env)
    try:
        seen = _statuses(port, 60)
    finally:
        server.terminate()
        server.wait(timeout=10)
    passed = [status for status, _policy in seen if status != 429]
    assert set(passed) == {404}
    if shared:
        # One count for both processes: exactly the limit.
        assert (len(passed), {policy for _status, policy in seen}) == (20, {'"anon";q=20;w=60'})
    else:
        # Each process counts its share (20 ÷ WEB_CONCURRENCY): never more than the limit together.
        assert len(passed) <= 20
        assert {policy for _status, policy in seen} == {'"anon";q=10;w=60'}
