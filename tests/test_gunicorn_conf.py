"""gunicorn.conf.py: a request line long enough for a GET of /api/v1/match/ with 1,000 characters
of Cyrillic, and the defaults README names."""

import os
import re
import runpy
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import gunicorn.config
import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"
VARIABLES = ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS")


def load(monkeypatch, **env):
    """The file's settings as gunicorn applies them, with only `env` of its variables set. The
    environment is restored after the test (the file sets WEB_CONCURRENCY for the workers)."""
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(CONF))
    config = gunicorn.config.Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config, namespace


def test_every_name_the_file_sets_is_a_gunicorn_setting(monkeypatch):
    # gunicorn ignores unknown names silently: a misspelt setting would never apply.
    _config, namespace = load(monkeypatch)
    names = {
        name
        for name, value in namespace.items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and not callable(value)
    }
    assert names == {
        "wsgi_app",
        "limit_request_line",
        "workers",
        "threads",
        "max_requests",
        "max_requests_jitter",
        "timeout",
        "graceful_timeout",
        "keepalive",
        "accesslog",
        "errorlog",
    }
    assert names <= set(gunicorn.config.Config().settings)


def test_defaults(monkeypatch):
    config, _namespace = load(monkeypatch)
    assert config.limit_request_line == 8190
    assert config.workers == 2 * (os.cpu_count() or 1) + 1
    assert os.environ["WEB_CONCURRENCY"] == str(config.workers)
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (30, 30, 5)
    assert (config.accesslog, config.errorlog) == (None, "-")
    assert config.wsgi_app == "factcheck.wsgi"
    assert (config.threads, config.worker_class_str, config.max_requests, config.max_requests_jitter) == (
        1,
        "sync",
        0,
        0,
    )


def test_the_environment_sets_workers_timeout_and_the_access_log(monkeypatch):
    config, _namespace = load(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="60", GUNICORN_ACCESS_LOG="1")
    assert (config.workers, config.timeout, config.graceful_timeout, config.accesslog) == (3, 60, 60, "-")
    assert os.environ["WEB_CONCURRENCY"] == "3"


def test_threads_switch_to_gthread_workers_and_workers_can_be_recycled(monkeypatch):
    config, _namespace = load(monkeypatch, GUNICORN_THREADS="4", GUNICORN_MAX_REQUESTS="5000")
    # gunicorn runs the gthread worker whenever threads > 1 with the default worker class.
    assert (config.threads, config.worker_class_str, config.max_requests, config.max_requests_jitter) == (
        4,
        "gthread",
        5000,
        500,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEB_CONCURRENCY", "many", "WEB_CONCURRENCY must be an integer; got 'many'."),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be at least 1; got 0."),
        ("GUNICORN_TIMEOUT", "30s", "GUNICORN_TIMEOUT must be an integer; got '30s'."),
        ("GUNICORN_THREADS", "0", "GUNICORN_THREADS must be at least 1; got 0."),
        ("GUNICORN_MAX_REQUESTS", "-1", "GUNICORN_MAX_REQUESTS must be at least 0; got -1."),
        ("GUNICORN_ACCESS_LOG", "maybe", "GUNICORN_ACCESS_LOG must be one of 1/0, true/false, yes/no, on/off; got"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(monkeypatch, name, value, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        load(monkeypatch, **{name: value})


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request_line_status(port, target):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        return sock.recv(64).split(b"\r\n", 1)[0].decode()


@pytest.fixture
def served():
    """gunicorn with the file, one worker, on a free port; /healthz needs no database."""
    port = _free_port()
    env = {**os.environ, "WEB_CONCURRENCY": "1"}
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONF), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)  # noqa: S603
    watcher = selectors.DefaultSelector()
    watcher.register(server.stderr, selectors.EVENT_READ)
    deadline, log = time.monotonic() + 20, ""
    try:
        while "Booting worker" not in log and time.monotonic() < deadline and server.poll() is None:
            if watcher.select(timeout=0.5):
                log += server.stderr.readline()
        assert "Booting worker" in log, log
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_with_the_file_serves_a_match_sized_request_line(served):
    text = ("Цены на хлеб в столице удвоились за один год. " * 25)[:1000]
    target = "/healthz?" + urlencode({"text": text})
    assert 4094 < len(f"GET {target} HTTP/1.1") < 8190
    deadline = time.monotonic() + 10
    while True:  # the worker may still be loading the site
        try:
            status = _request_line_status(served, target)
            break
        except ConnectionError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert status == "HTTP/1.1 200 OK"
    assert _request_line_status(served, "/healthz?" + "x" * 8200) == "HTTP/1.1 414 URI Too Long"
