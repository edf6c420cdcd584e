"""Faults of the services the site runs on: Redis stopped or slow, PostgreSQL connections killed.
Each test says what readers, partners and editors get, and that nothing is lost."""

import asyncio
import contextlib
import os
import socket
import threading

import pytest
from django.core.cache import caches

from factcheck.cache_backend import health

REDIS_URL = "redis://127.0.0.1:6379/14"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_settings(url, timeout=0.2):
    return {
        "default": {
            "BACKEND": "factcheck.cache_backend.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factcheck-local"},
    }


@pytest.fixture(autouse=True)
def _fresh_breaker():
    health.down_until, health.reason, health.logged_at = 0.0, "", -health.LOG_INTERVAL
    yield
    health.down_until, health.reason = 0.0, ""


@pytest.fixture
def real_redis():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":  # the fault suite must run in CI, not skip
            pytest.fail("Redis is not reachable on 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379 (.ci/run starts it)")
    redis.Redis.from_url(REDIS_URL).flushdb()
    yield REDIS_URL
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def redis_down(settings):
    """The cache is configured as Redis on a port where nothing listens."""
    settings.CACHES = redis_settings(f"redis://127.0.0.1:{closed_port()}/0")
    settings.PUBLIC_CACHE = True
    yield
    for cache in caches.all(initialized_only=True):
        cache.close()


class SlowProxy:
    """A TCP forwarder to Redis that holds every reply for `delay` seconds: a Redis that answers,
    too late. Counts the connections it accepted."""

    def __init__(self, target_port, delay):
        self.target_port, self.delay, self.connections = target_port, delay, 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader, writer):
        self.connections += 1
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(source, sink, delay):
            with contextlib.suppress(Exception):
                while data := await source.read(65536):
                    await asyncio.sleep(delay)
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer, 0), pipe(upstream_reader, writer, self.delay))

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return self

    async def _close(self):
        self.server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
