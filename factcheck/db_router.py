"""Read replicas (DATABASE_REPLICA_URLS): which database each query goes to.

The primary ("default") is where everything happens unless a request is known to be a public read.
ReplicaRoutingMiddleware decides that once per request, and only for an anonymous GET, HEAD or
OPTIONS outside the admin, without credentials (a partner's key), without a session (editors,
staff) and without the pin cookie below; such a request reads from one replica. Everything else, and
everything outside a request (management commands, the task workers, the shell), uses the primary:
the decision lives in a context variable whose default is the primary, set at the start of the
request and reset at its end (per thread and per asyncio task, so concurrent requests never share it).

Reads after a write: the first write in a request (any db_for_write: save, update, delete,
select_for_update) pins the rest of that request to the primary, and a write in a POST, PUT, PATCH
or DELETE sends the client a cookie that keeps it on the primary for DATABASE_REPLICA_PIN_SECONDS,
so someone who has just sent a tip or an editor who has just published sees it (editors are on the
primary anyway: they have a session). A task is pinned too when it starts (the immediate backend
runs tasks inside the request that queued them).

An unreachable or lagging replica is skipped: the request checks its replica's connection before
using it (Django's CONN_HEALTH_CHECKS ping, which the request would make anyway), and a failure opens
a breaker (factcheck.cache_backend.CacheHealth) that keeps requests away from that replica for
RETRY_SECONDS; with no replica available the request reads from the primary and keeps serving. Every
LAG_CHECK_SECONDS a request measures its replica's lag, and a replica further behind than
DATABASE_REPLICA_MAX_LAG is skipped the same way. /readyz reports each replica (factcheck/health.py).

The page cache (factcheck/cache.py) reads the content version from the same database the page is
rendered from, so a page rendered from a replica that has not replayed a publish yet is never stored
under the version that publish made.
"""

import contextlib
import contextvars
import logging
import random
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

from factcheck.cache_backend import CacheHealth

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA_PREFIX = "replica_"  # the aliases factcheck/settings.py gives DATABASE_REPLICA_URLS
PIN_COOKIE = "fc_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Paths whose reads stay on the primary although the request looks anonymous: the admin (its login
# page and password reset too) writes as soon as someone signs in.
PRIMARY_PATHS = ("/admin/",)
CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")
# How often (seconds, per process and replica) a request measures the replica's lag: one cheap query.
LAG_CHECK_SECONDS = 5.0

# Whether the server is a standby, and how many seconds it lags behind the primary: 0 while it has
# replayed everything it received (an idle primary sends nothing, so the time since the last replayed
# commit is no measure then), else the age of the last transaction it replayed (NULL: none yet).
LAG_SQL = """
SELECT pg_is_in_recovery(), CASE
  WHEN NOT pg_is_in_recovery() THEN NULL
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


class Routing:
    """One request's decision: the replica it reads from (None: the primary) and whether it wrote."""

    __slots__ = ("replica", "wrote")

    def __init__(self, replica=None):
        self.replica = replica
        self.wrote = False


_routing = contextvars.ContextVar("factcheck_db_routing", default=None)


@contextlib.contextmanager
def routed(replica):
    """Within the block, reads go to `replica` (None: the primary) until the first write."""
    routing = Routing(replica)
    token = _routing.set(routing)
    try:
        yield routing
    finally:
        _routing.reset(token)


def read_alias():
    """The database the current code reads from: a replica during a public read that has not
    written yet, else the primary."""
    routing = _routing.get()
    if routing is None or routing.replica is None or routing.wrote:
        return PRIMARY
    return routing.replica


def reading_from_replica():
    return read_alias() != PRIMARY


def pin_to_primary():
    """From now on until the end of this request (or task), read from the primary."""
    routing = _routing.get()
    if routing is not None:
        routing.wrote = True


class ReplicaRouter:
    """Django's database router: reads where read_alias() says, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        return _other_database(hints) or read_alias()

    def db_for_write(self, model, **hints):
        pin_to_primary()
        return _other_database(hints) or PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica is a copy the primary's migrations reach by streaming; any other database (a
        # restore's target, `migrate --database X`) is migrated like the primary.
        return not db.startswith(REPLICA_PREFIX)


def _other_database(hints):
    """The database of the instance a query starts from when it is neither the primary nor a replica
    (e.g. `restore --database X` loading a group's permissions into X), as Django does without a
    router. An instance read from a replica is written to the primary, never to the replica."""
    database = getattr(getattr(hints.get("instance"), "_state", None), "db", None)
    if database and database != PRIMARY and not database.startswith(REPLICA_PREFIX):
        return database
    return None


# --- The replicas and their health -------------------------------------------------------------------


class ReplicaHealth(CacheHealth):
    """Per process and replica: the breaker, and the lag last measured."""

    DOWN_MESSAGE = "Read replica unavailable, reading from the primary for now: %s"
    UP_MESSAGE = "Read replica available again"

    def __init__(self, alias):
        super().__init__()
        self.alias = alias
        self.lag = None
        self.lag_checked_at = -LAG_CHECK_SECONDS


_health = {}
_health_lock = threading.Lock()


def health(alias):
    found = _health.get(alias)
    if found is None:
        with _health_lock:
            found = _health.setdefault(alias, ReplicaHealth(alias))
    return found


def replica_aliases():
    """The configured replicas, except one that is the primary itself (the test suite's mirrors:
    there the "replica" is the test database, and its separate connection would not see the data a
    test wrote inside its transaction)."""
    primary = connections[PRIMARY].settings_dict
    same = ("HOST", "PORT", "NAME")
    return [
        alias
        for alias in settings.DATABASES
        if alias.startswith("replica_") and any(connections[alias].settings_dict.get(k) != primary.get(k) for k in same)
    ]


def measure_lag(alias):
    """(whether `alias` is a standby, seconds it lags behind or None when unknown). Raises
    DatabaseError when it cannot be reached."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        standby, lag = cursor.fetchone()
    return bool(standby), None if lag is None else float(lag)


def usable(alias):
    """Whether `alias` can serve this request: breaker closed, connection alive, lag within bounds.
    A failure opens the breaker for that replica."""
    state = health(alias)
    if not state.available:
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        now = time.monotonic()
        if now - state.lag_checked_at >= LAG_CHECK_SECONDS:
            state.lag_checked_at = now
            _standby, state.lag = measure_lag(alias)
    except DatabaseError as exc:
        with contextlib.suppress(DatabaseError):
            connection.close()
        state.failed(exc)
        return False
    if state.lag is not None and state.lag > settings.DATABASE_REPLICA_MAX_LAG:
        state.failed(RuntimeError(f"{alias} lags {state.lag:.1f} s behind the primary"))
        return False
    state.succeeded()
    return True


def choose_replica():
    """A usable replica (from a random one on, to spread the load), or None: read from the primary."""
    aliases = replica_aliases()
    if not aliases:
        return None
    start = random.randrange(len(aliases))  # noqa: S311 - load spreading, not security
    for alias in aliases[start:] + aliases[:start]:
        if usable(alias):
            return alias
    return None


def may_use_replica(request):
    """Whether this request is an anonymous public read (see the module docstring)."""
    if request.method not in SAFE_METHODS or request.path.startswith(PRIMARY_PATHS):
        return False
    cookies = request.COOKIES
    if PIN_COOKIE in cookies or settings.SESSION_COOKIE_NAME in cookies:
        return False
    return not any(request.META.get(header) for header in CREDENTIAL_HEADERS)


class ReplicaRoutingMiddleware:
    """Decides per request whether its reads go to a replica (module docstring). Placed before the
    page cache, which reads the content version from the same database as the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica = choose_replica() if may_use_replica(request) else None
        with routed(replica) as routing:
            response = self.get_response(request)
        if routing.wrote and request.method not in SAFE_METHODS and replica_aliases():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """A replica that fails in the middle of a request: that request ends as an outage (503,
        factcheck.middleware.DatabaseOutageMiddleware); the breaker keeps the next ones away."""
        routing = _routing.get()
        if routing is not None and routing.replica and isinstance(exception, DatabaseError):
            connection = connections[routing.replica]
            if not connection.is_usable():
                health(routing.replica).failed(exception)
        return None


def _task_started(**kwargs):
    pin_to_primary()


def connect_signals():
    from django_tasks.signals import task_started

    task_started.connect(_task_started, dispatch_uid="factcheck.db_router.task_started")


connect_signals()
