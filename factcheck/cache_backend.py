"""The Redis cache backend for CACHE_URL: Django's, with one reused client per connection pool."""

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache backend with one reused client per connection pool (settings.CACHES),
    and an atomic "raise to at least" for the content version that several processes publish."""

    shared = True  # one cache for every process: factcheck/cache.py may keep the version in it

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisClient

    def set_max(self, key, value, timeout):
        """Set integer `key` to `value` unless it holds a larger one; returns the value it holds.
        Atomic, so versions published out of order by two processes never move it backwards."""
        client = self._cache.get_client(key, write=True)
        return int(client.eval(_SET_MAX, 1, self.make_and_validate_key(key), int(value), int(timeout * 1000)))
