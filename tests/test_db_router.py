"""Read replicas (factcheck/db_router.py): which requests read from a replica, what stays on the
primary, the fallback when a replica is down, and the settings. The real streaming replica is in
tests/test_replica.py."""

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test import RequestFactory, override_settings
from django_tasks import task

from claims.models import Claim
from desk.models import Tip
from factcheck import db_router
from factcheck.env import env_database_list
from tests.factories import make_verdict

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
ROOT = Path(__file__).resolve().parent.parent
POSTGRES = {"ENGINE": "django.db.backends.postgresql"}


def _request(method="GET", path="/claims/", cookies=None, **headers):
    request = RequestFactory().generic(method, path, **headers)
    request.COOKIES.update(cookies or {})
    return request


@pytest.mark.parametrize(
    ("method", "path", "cookies", "headers"),
    [
        ("GET", "/claims/", {}, {}),
        ("HEAD", "/", {}, {}),
        ("OPTIONS", "/api/v1/claims/", {}, {}),
        ("GET", "/api/v1/claims/", {"csrftoken": "x"}, {}),
    ],
)
def test_anonymous_public_reads_may_use_a_replica(method, path, cookies, headers):
    assert db_router.may_use_replica(_request(method, path, cookies, **headers)) is True


@pytest.mark.parametrize(
    ("method", "path", "cookies", "headers", "why"),
    [
        ("POST", "/tips/new/", {}, {}, "a form sent"),
        ("PUT", "/api/v1/claims/x/", {}, {}, "an API write"),
        ("PATCH", "/api/v1/claims/x/", {}, {}, "an API write"),
        ("DELETE", "/api/v1/webhooks/1/", {}, {}, "an API write"),
        ("GET", "/admin/", {}, {}, "the admin"),
        ("GET", "/admin/login/", {}, {}, "the admin's login page"),
        ("GET", "/claims/", {"sessionid": "abc"}, {}, "signed in (staff)"),
        ("GET", "/claims/", {"fc_primary": "1"}, {}, "just wrote something"),
        ("GET", "/api/v1/claims/", {}, {"HTTP_AUTHORIZATION": "Bearer k"}, "a partner's key"),
        ("GET", "/api/v1/webhooks/", {}, {"HTTP_X_API_KEY": "k"}, "a partner's own resources"),
    ],
)
def test_everything_else_reads_from_the_primary(method, path, cookies, headers, why):
    assert db_router.may_use_replica(_request(method, path, cookies, **headers)) is False, why


def test_outside_a_request_everything_reads_from_the_primary():
    # Management commands, the shell and the task workers never enter the middleware.
    assert db_router.read_alias() == "default"
    router = db_router.ReplicaRouter()
    assert (router.db_for_read(Claim), router.db_for_write(Claim)) == ("default", "default")


@pytest.mark.django_db
def test_a_write_pins_the_rest_of_the_request_to_the_primary():
    with db_router.routed("replica_9") as routing:
        assert db_router.read_alias() == "replica_9"
        Tip.objects.create(text="Bridges cost less.")
        assert (db_router.read_alias(), routing.wrote) == ("default", True)
    assert db_router.read_alias() == "default"


def test_migrations_run_everywhere_but_on_replicas():
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "claims") is True
    assert router.allow_migrate("restored", "claims") is True  # restore --database restored
    assert router.allow_migrate("replica_9", "claims") is False


def test_an_instance_of_another_database_keeps_its_queries_there_but_never_writes_to_a_replica():
    router = db_router.ReplicaRouter()
    restored, replicated = Tip(text="Restored."), Tip(text="Read from a replica.")
    restored._state.db, replicated._state.db = "restored", "replica_9"
    assert router.db_for_write(Tip, instance=restored) == "restored"
    assert router.db_for_read(Tip, instance=restored) == "restored"
    assert router.db_for_write(Tip, instance=replicated) == "default"
    with db_router.routed("replica_9"):
        assert router.db_for_read(Tip, instance=replicated) == "replica_9"


@task()
def where_a_task_reads():
    return db_router.read_alias()


def test_a_task_reads_from_the_primary_even_when_run_inside_a_public_read():
    # The immediate backend (the tests', and a possible production choice) runs it in the request.
    with db_router.routed("replica_9"):
        result = where_a_task_reads.enqueue()
        assert db_router.read_alias() == "default"
    assert result.return_value == "default"


def test_each_thread_and_each_asyncio_task_has_its_own_decision():
    seen = {}

    def other_thread():
        seen["thread"] = db_router.read_alias()

    with db_router.routed("replica_9"):
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        seen["here"] = db_router.read_alias()

    async def request(name, replica):
        with db_router.routed(replica):
            await asyncio.sleep(0.01)  # the other request runs meanwhile
            seen[name] = db_router.read_alias()

    async def both():
        await asyncio.gather(request("a", "replica_1"), request("b", None))

    asyncio.run(both())
    assert seen == {"thread": "default", "here": "replica_9", "a": "replica_1", "b": "default"}


# --- A replica that is down ----------------------------------------------------------------------


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _replica(alias, config):
    """`alias` configured as a replica (as factcheck.settings would), with a fresh breaker."""
    full = {
        **config,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "OPTIONS": {"connect_timeout": 2},
        "TIME_ZONE": None,
        "TEST": {"MIRROR": "default"},
    }
    db_router._health.pop(alias, None)
    with override_settings(DATABASES={**settings.DATABASES, alias: full}):
        _reload_connections()
        try:
            yield alias
        finally:
            connections[alias].close()
            del connections[alias]
    _reload_connections()
    db_router._health.pop(alias, None)


def _reload_connections():
    # Django reads DATABASES once (a cached property over the parsed copy): make it read them again.
    connections._settings = None
    connections.__dict__.pop("settings", None)


@pytest.fixture(scope="class")
def dead_replica():
    """replica_9 at a port nobody listens on. Class-scoped, so that it is configured before the
    test's database access is set up (which allows the replica's connection to be tried)."""
    config = {**POSTGRES, "NAME": "factcheck", "USER": "postgres", "HOST": "127.0.0.1", "PORT": _closed_port()}
    with _replica("replica_9", config) as alias:
        yield alias


# Transactional: a TestCase would open its transaction on the (dead) replica too.
@pytest.mark.django_db(databases=["default", "replica_9"], transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("dead_replica")
class TestWhenTheReplicaIsDown:
    @pytest.fixture(autouse=True)
    def _fresh_breaker(self):
        db_router._health.pop("replica_9", None)

    def test_public_pages_are_served_from_the_primary(self, client, caplog):
        verdict = make_verdict(title="The bridge cost forty million")
        with caplog.at_level(logging.WARNING, logger="factcheck.cache_backend"):
            response = client.get("/claims/")
        assert response.status_code == 200
        assert "The bridge cost forty million" in response.content.decode()
        state = db_router.health("replica_9")
        assert state.available is False
        assert state.reason.startswith("OperationalError: connection failed")
        assert [r.getMessage() for r in caplog.records if r.name == "factcheck.cache_backend"] == [
            f"Read replica unavailable, reading from the primary for now: {state.reason}"
        ]
        # The breaker: the next request does not try the dead replica again (no new failure recorded).
        down_until = state.down_until
        detail = client.get(verdict.claim.get_absolute_url())
        assert "The bridge cost forty million" in detail.content.decode()
        assert (state.down_until, connections["replica_9"].connection) == (down_until, None)

    def test_readyz_is_degraded_and_names_the_replica(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["checks"] == {"database": "ok", "cache": "ok", "replica_9": "unreachable"}
        assert body["replication_lag_seconds"] == {"replica_9": None}
        assert body["reasons"]["replica_9"].startswith(
            "replica unreachable, its reads go to the primary: OperationalError: connection failed"
        )
        assert list(body["reasons"]) == ["replica_9"]

    def test_a_client_that_wrote_is_kept_on_the_primary_for_a_while(self, client):
        sent = client.post("/tips/new/", {"text": "Bridges cost less."})
        assert sent["Location"] == "/tips/thanks/"
        cookie = sent.cookies[db_router.PIN_COOKIE]
        assert (cookie.value, cookie["max-age"], cookie["httponly"], cookie["samesite"]) == ("1", 15, True, "Lax")
        assert Tip.objects.get().text == "Bridges cost less."
        # Its next reads (the browser sends the cookie back) stay on the primary.
        assert db_router.may_use_replica(_request(cookies={db_router.PIN_COOKIE: "1"})) is False
        # A read that writes nothing sets no cookie (it would also make the page uncacheable).
        assert db_router.PIN_COOKIE not in client.get("/tips/thanks/").cookies


@pytest.mark.django_db
def test_no_pin_cookie_without_replicas(client):
    sent = client.post("/tips/new/", {"text": "Bridges cost less."})
    assert sent["Location"] == "/tips/thanks/"
    assert db_router.PIN_COOKIE not in sent.cookies


def test_a_replica_that_is_the_primary_itself_is_not_a_replica():
    # What the test suite does with DATABASE_REPLICA_URLS set: each replica mirrors the test database.
    with _replica(
        "replica_9", {k: connections["default"].settings_dict[k] for k in ("ENGINE", "NAME", "HOST", "PORT", "USER")}
    ):
        assert db_router.replica_aliases() == []


# --- Settings ------------------------------------------------------------------------------------


def _settings_of(**env):
    """DATABASES and DATABASE_ROUTERS as factcheck.settings builds them from this environment."""
    code = (
        "import json, factcheck.settings as s; "
        "print(json.dumps({'DATABASES': s.DATABASES, 'ROUTERS': s.DATABASE_ROUTERS}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CONN_MAX_AGE"))}
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True, check=False
    )
    return result


def test_replica_urls_become_mirrored_databases():
    result = _settings_of(
        DATABASE_URL="postgres://site@db1:5432/factcheck",
        DATABASE_REPLICA_URLS="postgres://reader@db2:5432/factcheck, postgres://reader@db3/factcheck",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert list(found["DATABASES"]) == ["default", "replica_0", "replica_1"]
    assert found["ROUTERS"] == ["factcheck.db_router.ReplicaRouter"]
    replica = found["DATABASES"]["replica_1"]
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["NAME"]) == ("db3", "", "reader", "factcheck")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"] == {"connect_timeout": 2, **PREPARED}
    assert (replica["CONN_MAX_AGE"], replica["CONN_HEALTH_CHECKS"]) == (60, True)


# Server-side binding, so that psycopg prepares a statement a connection runs often (settings).
PREPARED = {"server_side_binding": True, "prepare_threshold": 5}


def test_server_side_binding_is_on_for_postgresql_unless_turned_off():
    on = json.loads(_settings_of(DATABASE_URL="postgres://site@db1:5432/factcheck").stdout)["DATABASES"]
    assert on["default"]["OPTIONS"] == PREPARED
    off = _settings_of(
        DATABASE_URL="postgres://site@db1:5432/factcheck",
        DATABASE_REPLICA_URLS="postgres://reader@db2:5432/factcheck",
        DATABASE_SERVER_SIDE_BINDING="0",
    )
    databases = json.loads(off.stdout)["DATABASES"]
    assert databases["default"].get("OPTIONS", {}) == {}
    assert databases["replica_0"]["OPTIONS"] == {"connect_timeout": 2}
    sqlite = json.loads(_settings_of(DATABASE_URL="sqlite:///tmp/x.sqlite3").stdout)["DATABASES"]
    assert "server_side_binding" not in sqlite["default"].get("OPTIONS", {})


def test_the_pool_replaces_persistent_connections():
    result = _settings_of(
        DATABASE_URL="postgres://site@db1:5432/factcheck",
        DATABASE_REPLICA_URLS="postgres://reader@db2:5432/factcheck",
        DATABASE_POOL="1",
        DATABASE_POOL_MAX_SIZE="8",
    )
    assert result.returncode == 0, result.stderr
    databases = json.loads(result.stdout)["DATABASES"]
    assert databases["default"]["OPTIONS"] == {"pool": {"min_size": 1, "max_size": 8, "timeout": 10.0}, **PREPARED}
    assert databases["default"]["CONN_MAX_AGE"] == 0
    assert databases["replica_0"]["OPTIONS"] == {
        "connect_timeout": 2,
        "pool": {"min_size": 1, "max_size": 8, "timeout": 2.0},
        **PREPARED,
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_POOL": "1", "CONN_MAX_AGE": "60"},
            "CONN_MAX_AGE must be 0 (or unset) with DATABASE_POOL: the pool keeps the connections.",
        ),
        (
            {"DATABASE_POOL": "1", "DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "2"},
            "DATABASE_POOL_MIN_SIZE must not exceed DATABASE_POOL_MAX_SIZE.",
        ),
        ({"DATABASE_POOL": "1", "DATABASE_URL": "sqlite:///x.db"}, "DATABASE_POOL needs a PostgreSQL DATABASE_URL."),
        ({"DATABASE_POOL": "sometimes"}, "DATABASE_POOL must be one of 1/0, true/false, yes/no, on/off"),
    ],
)
def test_bad_pool_settings_stop_start_up_with_a_message(env, message):
    result = _settings_of(**{"DATABASE_URL": "postgres://site@db1:5432/factcheck", **env})
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://u@h/db", "DATABASE_REPLICA_URLS (item 1) must be a sqlite:/// or postgres:// URL; got engine"),
        (
            "postgres://u@h/db,sqlite:///x.db",
            "DATABASE_REPLICA_URLS (item 2) must be a postgres://user@host:port/name URL; got 'sqlite:///x.db'.",
        ),
        ("postgres://u@h:port/db", "DATABASE_REPLICA_URLS (item 1) is not a valid database URL"),
        ("postgres://u@h:5432", "DATABASE_REPLICA_URLS (item 1) must be a postgres://user@host:port/name URL"),
    ],
)
def test_bad_replica_urls_are_refused_naming_the_item(monkeypatch, raw, message):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_database_list("DATABASE_REPLICA_URLS", primary=POSTGRES)
    assert str(refused.value).startswith(message)


def test_replicas_need_a_postgresql_primary(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "postgres://u@h/db")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_database_list("DATABASE_REPLICA_URLS", primary={"ENGINE": "django.db.backends.sqlite3"})
    assert str(refused.value) == (
        "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL: replicas are PostgreSQL standbys."
    )


def test_no_replicas_when_unset_or_empty(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", " , ")
    assert env_database_list("DATABASE_REPLICA_URLS", primary=POSTGRES) == []
    monkeypatch.delenv("DATABASE_REPLICA_URLS")
    assert env_database_list("DATABASE_REPLICA_URLS", primary=POSTGRES) == []
