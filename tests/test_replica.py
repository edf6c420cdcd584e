"""A real streaming replica (README "Running at scale"): the test copies the PostgreSQL server the
tests use with `pg_basebackup -R`, starts the copy as a hot standby on a free port, serves the site
with gunicorn and DATABASE_REPLICA_URLS pointing at it, and checks that public pages read from the
replica (a publish is invisible to readers while the replica's replay is paused, yet visible to a
signed-in reviewer, who reads from the primary), that the publish reaches readers once the replica
has replayed it, and that the site keeps serving readers from the primary, and says so in /readyz,
once the replica is stopped.

Runs on PostgreSQL only, as root (which runs the server binaries as the postgres user) or as the
server's owner; pg_hba.conf must allow replication connections from 127.0.0.1 (.ci/run adds that).
Elsewhere it skips with the reason, except in CI (CI=true), where a missing piece is a failure.
Everything it starts is stopped and removed, also when it fails: the standby, its data directory,
the server and the database it created.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connections

pytestmark = pytest.mark.replica

ROOT = Path(__file__).resolve().parent.parent
# Server settings a hot standby needs at least as high as its primary's, or it refuses to start.
MATCHED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the replica test: {reason}")
    pytest.skip(reason)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """The primary the tests use, seen from outside Django (server-level commands)."""

    def __init__(self, settings_dict):
        self.host = settings_dict["HOST"] or "127.0.0.1"
        self.port = int(settings_dict["PORT"] or 5432)
        self.user = settings_dict["USER"] or "postgres"
        self.password = settings_dict["PASSWORD"] or ""

    def url(self, name, port=None):
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{port or self.port}/{name}"

    def execute(self, sql, params=(), *, port=None, dbname="postgres"):
        with psycopg.connect(
            host=self.host, port=port or self.port, user=self.user, password=self.password or None,
            dbname=dbname, autocommit=True, connect_timeout=5,
        ) as conn:  # fmt: skip
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def bindir(self):
        major = self.execute("SHOW server_version_num")[0][0][:2]
        found = os.environ.get("PG_BINDIR") or f"/usr/lib/postgresql/{major}/bin"
        for binary in ("pg_basebackup", "pg_ctl"):
            if not (Path(found) / binary).exists():
                _unavailable(f"{binary} of PostgreSQL {major} is not in {found} (set PG_BINDIR)")
        return Path(found)


def _as_server_owner(args, **kwargs):
    """Run a server binary as the postgres user when we are root (PostgreSQL refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], capture_output=True, text=True, check=False, **kwargs)  # noqa: S603


class Standby:
    """A hot standby of `cluster`, made with pg_basebackup -R, on a free port."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.bindir = cluster.bindir()
        self.port = _free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="factcheck-replica-"))
        self.running = False

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.directory.chmod(0o700)
        # A busy shared server may drop the copy's connection (another process's maintenance):
        # try again, up to three times in all (pg_basebackup empties the directory when it fails).
        for _attempt in range(3):
            copied = _as_server_owner(
                [
                    str(self.bindir / "pg_basebackup"),
                    *("-h", self.cluster.host, "-p", str(self.cluster.port), "-U", self.cluster.user),
                    *("-D", str(self.directory), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
                ],
                timeout=600,
            )
            if copied.returncode == 0 or "pg_hba.conf" in copied.stderr:
                break
        if copied.returncode:
            if "pg_hba.conf" in copied.stderr:
                _unavailable(f"the server refuses replication connections from 127.0.0.1: {copied.stderr.strip()}")
            raise AssertionError(f"pg_basebackup failed: {copied.stderr}")
        matched = "\n".join(f"{name} = {self.cluster.execute(f'SHOW {name}')[0][0]}" for name in MATCHED_SETTINGS)
        self._write(
            "postgresql.conf",
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.directory}'\n"
            f"hot_standby = on\nshared_buffers = 32MB\nfsync = off\n{matched}\n",
        )
        self._write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")

    def _write(self, name, text):
        path = self.directory / name
        path.write_text(text)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def start(self):
        started = self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.directory / "server.log"))
        assert started.returncode == 0, f"the standby did not start: {started.stderr}\n{self.log()}"
        self.running = True

    def stop(self):
        if self.running:
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
            self.running = False

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _pg_ctl(self, *args):
        return _as_server_owner([str(self.bindir / "pg_ctl"), "-D", str(self.directory), *args], timeout=120)

    def log(self):
        with contextlib.suppress(OSError):
            return (self.directory / "server.log").read_text()[-3000:]
        return ""

    def execute(self, sql, params=()):
        return self.cluster.execute(sql, params, port=self.port)


class Site:
    """gunicorn serving the site from `database` with the standby as its replica."""

    def __init__(self, env):
        self.env = env
        self.port = _free_port()
        self.process = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="factcheck-replica-site-", suffix=".log")  # noqa: SIM115

    def run(self, *args):
        result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600, check=False
        )
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr[-3000:]}"
        return result.stdout

    def action(self, *args):
        return json.loads(self.run("-m", "tests.replica_actions", *args).strip().splitlines()[-1])

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "1", "--timeout", "60", "--error-logfile", "-"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.output()}"
            with contextlib.suppress(OSError):
                if self.get("/healthz")[0] == 200:
                    return
            time.sleep(0.3)
        raise AssertionError(f"gunicorn did not answer within 60 s:\n{self.output()}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
            if self.process.poll() is None:
                self.process.kill()
        self.log.close()

    def output(self):
        self.log.seek(0)
        return self.log.read()[-5000:]

    def get(self, path, session=None):
        """(status, body) of a GET, as a reader (or signed in with `session`)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")  # noqa: S310 - our own server
        if session:
            request.add_header("Cookie", f"sessionid={session}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _wait_for(check, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture
def cluster():
    settings_dict = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.skip("The replica test needs PostgreSQL (DATABASE_URL=postgres://...): SQLite has no replicas.")
    return Cluster(settings_dict)


@pytest.fixture
def database(cluster):
    """A database of the test's own on the primary, migrated: pg_basebackup copies it with the rest."""
    name = f"factcheck_replica_{uuid.uuid4().hex[:8]}"
    cluster.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _site_env(cluster, database, replica_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CACHE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=cluster.url(database),
        DATABASE_REPLICA_URLS=cluster.url(database, port=replica_port),
        # Paused replay makes the replica fall behind: keep using it (what is measured here).
        DATABASE_REPLICA_MAX_LAG="3600",
        # The page cache stays on (per process): it must never keep a page the replica rendered
        # under a version it had not replayed yet.
        PUBLIC_CACHE="1",
        TASK_BACKEND="immediate",
        WEB_CONCURRENCY="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def test_public_pages_read_from_a_streaming_replica_and_survive_its_loss(cluster, database):
    standby = Standby(cluster)
    site = None
    try:
        site = Site(_site_env(cluster, database, standby.port))
        site.run("manage.py", "migrate", "--noinput", "-v0")
        made = site.action("setup")
        standby.create()
        standby.start()
        _wait_for(lambda: standby.execute("SELECT pg_is_in_recovery()")[0][0] is True, "the copy runs as a standby")
        site.start()
        # One commit replayed since the standby started, so that its lag has a reference point.
        cluster.execute("SELECT txid_current()", dbname=database)
        _wait_for(
            lambda: standby.execute("SELECT pg_last_xact_replay_timestamp() IS NOT NULL")[0][0] is True,
            "the standby replays what the primary commits",
        )

        # Everything is on the replica: readers are served from it, and /readyz reports it.
        status, body = site.get(f"/claims/{made['published']}/")
        assert status == 200 and "The old bridge cost forty million" in body
        ready = json.loads(site.get("/readyz")[1])
        assert (ready["status"], ready["checks"]["replica_0"]) == ("ok", "ok")
        # A shared server may be busy with other databases: within a few seconds, not exactly 0.
        assert 0 <= ready["replication_lag_seconds"]["replica_0"] < 5
        readers = standby.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'", [database]
        )[0][0]
        assert readers >= 1, "the site keeps a connection to the replica after serving a reader"

        # (a) Replay paused: the publish reaches the primary but not the replica. Readers do not
        # see it (they read from the replica); a signed-in reviewer does (the primary), on the
        # public page and in the admin.
        standby.execute("SELECT pg_wal_replay_pause()")
        _wait_for(lambda: standby.execute("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused", "replay pauses")
        site.action("publish", made["waiting"])
        tunnel = f"/claims/{made['waiting']}/"
        assert site.get(tunnel)[0] == 404
        assert "The new tunnel cost ninety million" not in site.get("/claims/")[1]
        status, body = site.get(tunnel, session=made["session"])
        assert status == 200 and "The new tunnel cost ninety million" in body
        admin = site.get("/admin/claims/claim/", session=made["session"])[1]
        assert "The new tunnel cost ninety million" in admin
        _wait_for(
            lambda: json.loads(site.get("/readyz")[1])["replication_lag_seconds"]["replica_0"] > 0,
            "/readyz reports the replica's lag while its replay is paused",
        )
        assert site.get(tunnel)[0] == 404, "the page cache must not have kept a primary's page for readers"

        # (b) Replay resumed: readers see the publish as soon as the replica has it.
        standby.execute("SELECT pg_wal_replay_resume()")
        _wait_for(lambda: site.get(tunnel)[0] == 200, "readers see the publish once the replica replayed it")
        assert "The new tunnel cost ninety million" in site.get("/claims/")[1]
        _wait_for(
            lambda: json.loads(site.get("/readyz")[1])["replication_lag_seconds"]["replica_0"] < 5,
            "the replica catches up",
        )
        assert json.loads(site.get("/readyz")[1])["status"] == "ok"

        # (c) The replica stops: readers are served from the primary; /readyz says degraded, naming it.
        standby.stop()
        for path in ("/", "/claims/", tunnel, f"/claims/{made['published']}/", "/api/v1/claims/"):
            status, body = site.get(path)
            assert status == 200, (path, status, body[:500])
        assert "The new tunnel cost ninety million" in site.get(tunnel)[1]
        status, body = site.get("/readyz")
        ready = json.loads(body)
        assert (status, ready["status"], ready["checks"]["replica_0"]) == (200, "degraded", "unreachable")
        assert ready["checks"]["database"] == "ok"
        assert ready["reasons"]["replica_0"].startswith("replica unreachable, its reads go to the primary: ")
    except BaseException:
        if site is not None and site.process is not None:
            print(f"gunicorn's log:\n{site.output()}\nthe standby's log:\n{standby.log()}")
        raise
    finally:
        if site is not None:
            site.stop()
        standby.remove()
