"""PostgreSQL connections killed mid-flight (pg_terminate_backend on the test database's own
backend): readers, partners and editors get a 503 at worst, the next request works, and an editor's
save is either whole or absent. A long outage logs one line per interval, not a traceback per
request."""

import logging

import pytest
import requests
from django.db import OperationalError, connection

from claims.models import Claim, Verdict
from factcheck.logfilters import OutageOncePerInterval
from tests.claims.test_admin import _change_url, form_data
from tests.factories import make_verdict
from tests.test_outage import database_refusing_connections

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
]


def kill_server_connections():
    """Terminate every other server process on the test database: the live server's connections."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def site(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks HTTP
    return live_server.url


@pytest.mark.parametrize("url", ["/claims/", "/claims/killed/", "/api/v1/claims/", "/api/v1/claims/killed/"])
def test_reader_and_partner_get_a_503_at_worst_and_the_next_request_works(site, url):
    make_verdict(slug="killed", title="A claim checked before the kill")
    assert requests.get(site + url, timeout=10).status_code == 200  # the server holds a connection now
    kill_server_connections()
    first = requests.get(site + url, timeout=10)
    assert first.status_code in (200, 503)
    if first.status_code == 503:
        assert first.headers["Retry-After"] == "30"
    second = requests.get(site + url, timeout=10)
    assert second.status_code == 200
    assert "A claim checked before the kill" in second.text


def test_an_editors_save_is_whole_or_absent_and_the_retry_saves(site, client):
    verdict = make_verdict(Verdict.Status.DRAFT, slug="editor-save")
    client.force_login(verdict.author)
    data = form_data(client.get(_change_url(verdict.claim))) | {"title": "Saved after the kill"}
    browser = requests.Session()
    browser.cookies.set("sessionid", client.cookies["sessionid"].value)
    page = browser.get(site + _change_url(verdict.claim), timeout=10)
    assert page.status_code == 200
    data["csrfmiddlewaretoken"] = browser.cookies["csrftoken"]
    headers = {"Referer": site + _change_url(verdict.claim)}
    kill_server_connections()
    response = browser.post(
        site + _change_url(verdict.claim), data=data, headers=headers, allow_redirects=False, timeout=10
    )
    claim = Claim.objects.get(pk=verdict.claim_id)
    if response.status_code == 503:
        assert (claim.title, claim.history.count()) == (verdict.claim.title, 1)
        response = browser.post(
            site + _change_url(verdict.claim), data=data, headers=headers, allow_redirects=False, timeout=10
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.title, claim.history.first().title) == ("Saved after the kill", "Saved after the kill")


def _outage_record(name="factcheck.middleware", exc=None):
    exc = exc or OperationalError("connection refused")
    return logging.LogRecord(
        name, logging.ERROR, __file__, 1, "Database unavailable: %s", (exc,), (type(exc), exc, None)
    )


def test_a_long_outage_logs_one_line_per_interval_without_tracebacks(client, monkeypatch):
    make_verdict(slug="outage-log")
    with database_refusing_connections():
        codes = [client.get("/claims/").status_code for _ in range(20)]
    assert codes == [503] * 20
    outage_filter = OutageOncePerInterval()
    clock = [1000.0]
    monkeypatch.setattr("factcheck.logfilters.time.monotonic", lambda: clock[0])
    passed = [record for record in (_outage_record() for _ in range(20)) if outage_filter.filter(record)]
    assert len(passed) == 1
    assert passed[0].exc_info is None
    assert passed[0].getMessage() == (
        "Database unavailable: connection refused (database unreachable: OperationalError: connection refused)"
    )
    django_line = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Service Unavailable: /", (), None)
    django_line.status_code = 503
    assert not outage_filter.filter(django_line)
    clock[0] += outage_filter.INTERVAL
    later = _outage_record()
    assert outage_filter.filter(later)
    assert later.getMessage().endswith("; 19 similar messages held back)")
    assert outage_filter.filter(logging.LogRecord("claims", logging.ERROR, __file__, 1, "A bug", (), None))
