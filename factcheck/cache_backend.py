"""The Redis cache backend for CACHE_URL: Django's, made optional and fast.

The cache is an accelerator, never a requirement: when Redis is unreachable or slow (past the
socket timeouts set in settings.CACHES), every call answers as a miss (reads give the default,
writes do nothing) instead of raising, so pages and the API are served uncached. After a failure
the backend does not try Redis again for RETRY_SECONDS (a circuit breaker: one slow timeout per
interval per process, not one per request), logs one warning per LOG_INTERVAL with the reason, and
recovers by itself. `health` says which state the process is in (/readyz reports it)."""

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)


class CacheHealth:
    """Per process: whether the shared cache answered lately, and why not."""

    RETRY_SECONDS = 5.0
    LOG_INTERVAL = 60.0
    # The same breaker guards the read replicas (factcheck/db_router.py), with its own words.
    DOWN_MESSAGE = "Cache unreachable, serving uncached for now: %s"
    UP_MESSAGE = "Cache reachable again"

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.reason = ""
        self.logged_at = -self.LOG_INTERVAL

    @property
    def available(self):
        return time.monotonic() >= self.down_until

    def failed(self, exc):
        now = time.monotonic()
        with self.lock:
            self.down_until = now + self.RETRY_SECONDS
            self.reason = f"{type(exc).__name__}: {exc}"
            log = now - self.logged_at >= self.LOG_INTERVAL
            if log:
                self.logged_at = now
        if log:
            logger.warning(self.DOWN_MESSAGE, self.reason)

    def succeeded(self):
        if self.down_until:
            with self.lock:
                if self.down_until:
                    logger.warning(self.UP_MESSAGE)
                self.down_until, self.reason = 0.0, ""


health = CacheHealth()

# What a Redis failure can raise: the client's errors, and the socket's.
try:
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - redis is a dependency
    _RedisError = OSError
FAILURES = (_RedisError, OSError)


class _ReusingRedisClient(django_redis.RedisCacheClient):
    """Django builds a new redis.Redis object around the connection pool for every cache call,
    which costs more than the GET itself (~150 us of a ~200 us hit here). One client per pool is
    enough: the pool hands out the connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Raise an integer key to ARGV[1] unless it already holds more, and (re)set its life in ms.
_SET_MAX = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return new
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return current
"""


def _optional(default):
    """Run a cache call only while the cache is up; a failure answers `default` and opens the breaker."""

    def wrap(method):
        def call(self, *args, **kwargs):
            if not health.available:
                return default(*args, **kwargs) if callable(default) else default
            try:
                result = method(self, *args, **kwargs)
            except FAILURES as exc:
                health.failed(exc)
                return default(*args, **kwargs) if callable(default) else default
            health.succeeded()
            return result

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        return call

    return wrap


def _get_default(key, default=None, version=None):
    return default


class SingleProcessCache(LocMemCache):
    """Django's local-memory cache, for a site served by one process (`manage.py runserver`, the
    tests): that process's bumps reach every page it caches, so factcheck/cache.py may rely on tags
    alone. Several processes (gunicorn workers) need Redis: with plain LocMemCache every change moves
    the epoch instead."""

    shared = True

    def hit_counter(self, key, window):
        """The rate limits' counter (claims.api.throttling): this process's count is the whole count."""
        self.add(key, 0, int(window) + 1)
        return self.incr(key)


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache backend with one reused client per connection pool, every call optional
    (see the module docstring), an atomic "raise to at least" for the content version that several
    processes publish, and an atomic windowed counter for rate limits."""

    shared = True  # one cache for every process: factcheck/cache.py keeps the tags and the epoch in it
    health = health  # whether the last call reached Redis (factcheck/cache.py checks a bump did)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisClient

    get = _optional(_get_default)(django_redis.RedisCache.get)
    get_many = _optional({})(django_redis.RedisCache.get_many)
    set = _optional(None)(django_redis.RedisCache.set)
    set_many = _optional(list)(django_redis.RedisCache.set_many)
    add = _optional(False)(django_redis.RedisCache.add)
    touch = _optional(False)(django_redis.RedisCache.touch)
    delete = _optional(False)(django_redis.RedisCache.delete)
    delete_many = _optional(None)(django_redis.RedisCache.delete_many)
    has_key = _optional(False)(django_redis.RedisCache.has_key)
    clear = _optional(False)(django_redis.RedisCache.clear)

    @_optional(lambda key, value, timeout: int(value))
    def set_max(self, key, value, timeout):
        """Set integer `key` to `value` unless it holds a larger one; returns the value it holds.
        Atomic, so versions published out of order by two processes never move it backwards."""
        client = self._cache.get_client(key, write=True)
        return int(client.eval(_SET_MAX, 1, self.make_and_validate_key(key), int(value), int(timeout * 1000)))

    def hit_counter(self, key, window):
        """Add one to the counter of the current `window`-second period of `key` and return the new
        count: INCR and EXPIRE in one transaction, one round trip. Raises on failure (the caller
        falls back to a local counter); returns None while the breaker is open."""
        if not health.available:
            return None
        client = self._cache.get_client(key, write=True)
        try:
            pipe = client.pipeline(transaction=True)
            full_key = self.make_and_validate_key(key)
            pipe.incr(full_key)
            pipe.expire(full_key, int(window) + 1)
            count, _ = pipe.execute()
        except FAILURES as exc:
            health.failed(exc)
            return None
        health.succeeded()
        return int(count)

    def ping(self):
        """Raise if Redis does not answer now (for /readyz, which bypasses the breaker)."""
        return self._cache.get_client(write=True).ping()

    def memory_policy(self):
        """(maxmemory in bytes, maxmemory-policy) as Redis reports them."""
        client = self._cache.get_client(write=True)
        info = client.info("memory")
        return int(info.get("maxmemory", 0)), str(info.get("maxmemory_policy", ""))
