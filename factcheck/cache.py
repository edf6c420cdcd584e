"""The cache in front of the public pages and API GETs, with conditional GET, and the one place
that decides when a cached answer is fresh.

Invalidation by what a page shows. A view names the objects its answer shows with depends_on()
(tags, below); the answer is stored with the version token each of those tags had when it was
rendered, and is served only while none of them has moved. The services move them (bump()) after
their transaction commits, through their one trigger, claims.services.content_version_bump(tags),
so a publish, correction, retraction or rename makes stale exactly the answers that show what
changed, nothing is purged by hand, and no stale verdict is served. An answer whose view named no
tag depends on "all", which every change moves (the pages nobody has tagged yet stay as fresh as
before, at the old cost).

The tags (strings; claims/selectors.py and claims/services.py build them):
- "claim:<id>"          a claim, its verdict and everything of its unit (appearances, evidence,
                        corrections, topics), as its own page and API item show them;
- "claimant:<id>", "topic:<id>", "source:<id>", "publisher:<id>", "staff:<user id>": the name and
                        details of that object (a rename, a byline);
- "ratings"             every rating's label and colour (a handful of rows, shown everywhere);
- "claims"              the set of published claims and what a list row shows of them: the lists
                        (filtered or not), search, home, the feeds, the API list and ClaimReview
                        feed. Every change to a claim and every rename of what a row shows moves it;
- "list:claimant:<id>", "list:topic:<id>": the published claims of one claimant / on one topic
                        (their pages' lists and rating counts);
- "all"                 moved by every change: the default dependency.

A token is the time (ns) of the tag's last bump, with the ContentVersion.changed_at (us) of the
change that bumped it. Why times and not counters: a view learns its tags only while it renders, so
they are read after its database reads; a bump that commits between the two would otherwise be
missed. An answer is therefore stored only if every token it depends on is older than the request's
start (less PUBLIC_CACHE_CLOCK_MARGIN, for the clocks of several machines): a change that raced the
render leaves it unstored. A missing tag (never bumped, or evicted) is created with a new token,
which no stored answer can carry (a created token marks no change, so it never counts as a race).
A page read from a read replica (factcheck/db_router.py) is stored only once the replica has
replayed the change behind each of its tags' tokens (its ContentVersion.changed_at is at least the
token's): a replica that lags never fills the cache with the page as it was before a publish.

The epoch (claims.ContentVersion.number) invalidates everything at once. It moves when a change
could not reach the shared cache (Redis down: the tags' bump is lost, so every entry made before
must go), when the cache is per process (local memory: another process's bump cannot reach this
one, so every change moves the epoch, as before tags) and for bulk loads (generatebench). With
Redis a copy of it lives beside the pages (EPOCH_CACHE_SECONDS), read in the same MGET as the page;
a lost update heals when the copy expires.

A hit costs two cache round trips (the entry with the epoch, then its tags' tokens, one MGET each)
and no database query.

What is cached: anonymous GET responses with status 200 that set no cookie and are not marked
private or no-store. The key is the host, the path, the query string in canonical form (its
parameters sorted by name) and the request's Accept, Accept-Language and Accept-Encoding headers.

Bounded, so that nobody can fill the cache with made-up URLs: a query string with a parameter that
no public page or API endpoint reads (CACHEABLE_PARAMS), or with a parameter twice, is answered
uncached; and at most PUBLIC_CACHE_MAX_VARIANTS query strings are stored per path, epoch and hour
(the rest are answered uncached). Redis itself needs a memory limit and an eviction policy
(README, "Deploying"; /readyz warns when it has none).

What bypasses it:
- requests with a session or messages cookie (staff and logged-in readers): cached pages are only
  ever anonymous renderings, so nobody sees an editor's page and editors always see the live one;
- requests with credentials (Authorization or X-API-Key): partners keep their own throttle and
  usage accounting, which DRF applies in the view;
- the admin;
- under bench settings only, a request with the PUBLIC_CACHE_BYPASS_HEADER header (cold runs).

Throttling: anonymous cache hits are not counted against the anonymous API throttle. The throttle
protects the database and the workers from expensive requests; a hit costs two cache round trips
and no database query, less than the throttle's own bookkeeping.

Every cacheable response gets an ETag (a hash of its body) and Cache-Control: no-cache, so a
browser or partner revalidates each time and gets 304 Not Modified while nothing changed.

When the shared cache is down every call answers as a miss (factcheck/cache_backend.py): pages are
rendered afresh, never served stale.
"""

import contextvars
import hashlib
import logging
import time
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from factcheck import db_router

logger = logging.getLogger(__name__)

# Every query parameter that a public page or API endpoint reads; any other makes a request uncacheable.
CACHEABLE_PARAMS = frozenset(
    {
        # the readers' pages
        "q", "rating", "claimant", "topic", "kind", "language", "date_from", "date_to", "sort", "page", "letter",
        "before", "after",
        # the API
        "cursor", "page_size", "ordering", "made_after", "made_before", "published_after", "published_before",
        "updated_since", "since", "text", "limit", "format",
    }
)  # fmt: skip
VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING")
CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")
# Headers that describe the body; the rest (security headers, CSP) are set again by outer
# middleware or stored with the entry as the inner middleware produced them.
_SKIP_HEADERS = {"content-length", "set-cookie"}

# Where a cache shared by all processes keeps a copy of the epoch, and for how long before the
# page cache reads it from the database again.
EPOCH_CACHE_KEY = "content-version"
EPOCH_CACHE_SECONDS = 5
DEFAULT_TAGS = ("all",)
TAG_PREFIX = "tag:"
# A tag's token outlives every entry that carries it; an expired one is created afresh, which
# invalidates those entries (never the reverse).
TAG_SECONDS = 7 * 24 * 3600


def _cache():
    # Looked up per call (a dictionary read), not kept: the backend can be reconfigured.
    return caches["default"]


def is_shared():
    """Whether one cache serves every process (Redis), so that a bump reaches them all."""
    return bool(getattr(_cache(), "shared", False))


def content_version():
    """The epoch from the database the page is rendered from (a read replica, factcheck/db_router.py),
    so that a page rendered before the replica replayed a bulk load is stored under the older epoch:
    one primary-key read, without the ORM's query building."""
    table = apps.get_model("claims", "ContentVersion")._meta.db_table
    with connections[db_router.read_alias()].cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")  # noqa: S608 - fixed table name
        row = cursor.fetchone()
    return row[0] if row else 1


def share_epoch(number):
    """Raise the shared copy of the epoch to `number` (never backwards: several processes publish)."""
    cache = _cache()
    set_max = getattr(cache, "set_max", None)
    if set_max is not None:
        set_max(EPOCH_CACHE_KEY, number, EPOCH_CACHE_SECONDS)
    else:  # read from the database on the next request
        cache.delete(EPOCH_CACHE_KEY)


# --- Tags --------------------------------------------------------------------------------------------


def depends_on(request, *tags):
    """Record that the answer to `request` shows what `tags` name (see the module docstring)."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    found = getattr(request, "cache_tags", None)
    if found is None:
        found = request.cache_tags = set()
    found.update(tags)


# Set per request by the middleware: whether the answer shows something provisional (a count served
# as it was while a background job counts it again: claims.selectors.Aggregates), so not to be kept.
_provisional = contextvars.ContextVar("factcheck_cache_provisional", default=None)


def provisional():
    """Say that the answer being rendered must not be stored in the page cache."""
    found = _provisional.get()
    if found is not None:
        found.append(True)


def tags_of(request):
    return tuple(sorted(getattr(request, "cache_tags", None) or DEFAULT_TAGS))


def bump(tags, changed_at=None):
    """Move the tokens of `tags` (after the commit that changed what they name, whose
    ContentVersion.changed_at is `changed_at`). Returns False if the shared cache did not take them:
    the caller then moves the epoch."""
    if not tags:
        return True
    cache = _cache()
    token = (time.time_ns(), _microseconds(changed_at) if changed_at is not None else -1)
    try:
        failed = cache.set_many({TAG_PREFIX + tag: token for tag in tags}, TAG_SECONDS)
    except Exception:  # noqa: BLE001 - a cache that fails must not fail the request that committed
        logger.exception("Could not bump the cache tags %s", sorted(tags))
        return False
    health = getattr(type(cache), "health", None)
    return not failed and (health is None or health.available)


def _microseconds(moment):
    return int(moment.timestamp() * 1_000_000) if moment is not None else 0


def replica_behind(found):
    """Whether the page is read from a replica that has not yet replayed the last change to one of
    the tags in `found` ({tag: token}): an answer rendered from it must not be kept under these
    tokens. One query, only when reading from a replica."""
    if not db_router.reading_from_replica():
        return False
    newest = max((token[1] for token in found.values()), default=0)
    table = apps.get_model("claims", "ContentVersion")._meta.db_table
    with connections[db_router.read_alias()].cursor() as cursor:
        cursor.execute(f"SELECT changed_at FROM {table} WHERE id = 1")  # noqa: S608 - fixed table name
        row = cursor.fetchone()
    return row is None or row[0] is None or _microseconds(row[0]) < newest


def tokens(tags):
    """{tag: token} for `tags`, creating the missing ones, and the set of tags whose token this call
    created (no answer can carry those yet). A tag missing from the result could not be read or
    created (the cache is down, or another process created it at this instant)."""
    cache = _cache()
    keys = [TAG_PREFIX + tag for tag in tags]
    found = cache.get_many(keys)
    result = {key[len(TAG_PREFIX) :]: value for key, value in found.items()}
    created = set()
    for tag in tags:
        if tag not in result:
            token = (time.time_ns(), 0)
            if cache.add(TAG_PREFIX + tag, token, TAG_SECONDS):
                result[tag] = token
                created.add(tag)
    return result, created


def stamp(tags):
    """A string that changes whenever one of `tags` is bumped (for keys of derived values, read
    before computing them), or None when the cache cannot say (then compute, do not keep)."""
    found, _created = tokens(tags)
    if len(found) != len(tags) or replica_behind(found):
        return None
    return ".".join(f"{found[tag][0]}-{found[tag][1]}" for tag in tags)


# --- The middleware --------------------------------------------------------------------------------


def not_modified_since(request, headers):
    """Whether the request's If-Modified-Since (honoured only without If-None-Match, as RFC 9110
    says) is at or after the stored response's Last-Modified."""
    if request.META.get("HTTP_IF_NONE_MATCH"):
        return False
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    modified = parse_http_date_safe({k.lower(): v for k, v in headers}.get("last-modified", ""))
    return since is not None and modified is not None and modified <= since


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = ("/admin/",)
        bypass = getattr(settings, "PUBLIC_CACHE_BYPASS_HEADER", "")
        self.bypass_header = "HTTP_" + bypass.upper().replace("-", "_") if bypass else ""

    def __call__(self, request):
        query = canonical_query(request)
        if query is None or not self.applies(request):
            return self.get_response(request)
        started = time.time_ns()
        key = self.key(request, query)
        epoch, entry = self.lookup(key)
        if entry is not None and self.fresh(entry, epoch):
            response = self.respond(request, entry)
            response["X-Cache"] = "hit"
            return response
        marks = []
        reset = _provisional.set(marks)
        try:
            response = self.get_response(request)
        finally:
            _provisional.reset(reset)
        if self.storable(response) and not marks:
            tags = tags_of(request)
            found, _created = tokens(tags)
            # Stored only if no tag moved since the request began (a change that raced the render).
            # A token created (…, 0) rather than bumped marks no change: only bumps can race.
            margin = int(settings.PUBLIC_CACHE_CLOCK_MARGIN * 1e9)
            raced = any(token[1] != 0 and token[0] >= started - margin for token in found.values())
            complete = len(found) == len(tags) and not raced and not replica_behind(found)
            if complete and self.room_for(request.path, epoch, query):
                entry = self.store(key, response, epoch, tags, tuple(found[t] for t in tags))
                response = self.respond(request, entry)
        response["X-Cache"] = "miss"
        return response

    @property
    def cache(self):
        return _cache()

    def fresh(self, entry, epoch):
        """Whether `entry` was rendered under this epoch and none of its tags moved since."""
        if entry[0] != epoch:
            return False
        tags, stored = entry[1], entry[2]
        found = self.cache.get_many([TAG_PREFIX + tag for tag in tags])
        return all(found.get(TAG_PREFIX + tag) == token for tag, token in zip(tags, stored, strict=True))

    def room_for(self, path, epoch, query):
        """Whether one more query string of `path` may be stored under this epoch this hour (the
        bare path always may)."""
        if not query:
            return True
        from claims.api.throttling import count_request  # the same atomic counters as rate limits

        digest = hashlib.blake2b(path.encode(), digest_size=12).hexdigest()
        rate = f"{settings.PUBLIC_CACHE_MAX_VARIANTS}/hour"
        return count_request(f"variants:{epoch}:{digest}", rate).allowed

    def lookup(self, key):
        """(current epoch, cached entry or None). With a shared cache the epoch's copy is read in
        the same round trip as the entry (and from the database when the copy has expired); with a
        per-process cache, or when the page is read from a replica (which may not have replayed the
        epoch the services shared), from the database each time."""
        if not is_shared() or db_router.reading_from_replica():
            return content_version(), self.cache.get(key)
        found = self.cache.get_many([EPOCH_CACHE_KEY, key])
        epoch = found.get(EPOCH_CACHE_KEY)
        if epoch is None:
            epoch = content_version()
            set_max = getattr(self.cache, "set_max", None)
            if set_max is not None:
                epoch = set_max(EPOCH_CACHE_KEY, epoch, EPOCH_CACHE_SECONDS)
            else:
                self.cache.set(EPOCH_CACHE_KEY, epoch, EPOCH_CACHE_SECONDS)
        return epoch, found.get(key)

    def applies(self, request):
        # Read per request, not at start-up, so that tests can switch it with the settings fixture.
        if not settings.PUBLIC_CACHE:
            return False
        if request.method != "GET" or request.path.startswith(self.excluded):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False
        if any(request.META.get(header) for header in CREDENTIAL_HEADERS):
            return False
        return not (self.bypass_header and request.META.get(self.bypass_header))

    def key(self, request, query):
        varying = "\n".join(request.META.get(header, "") for header in VARY_HEADERS)
        raw = f"{request.get_host()}\n{request.path}?{query}\n{varying}"
        # "tagged": entries of the version-keyed cache (before tags) have another shape and are never read.
        return f"page:tagged:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"

    def storable(self, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        control = response.get("Cache-Control", "").lower()
        return "private" not in control and "no-store" not in control

    def store(self, key, response, epoch, tags, stored_tokens):
        # A view's own ETag is kept, so that its conditional GET and ours agree.
        etag = response.get("ETag") or f'"{hashlib.blake2b(response.content, digest_size=12).hexdigest()}"'
        headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIP_HEADERS]
        entry = (epoch, tags, stored_tokens, response.content, headers, etag)
        self.cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
        return entry

    def respond(self, request, entry):
        content, headers, etag = entry[3], entry[4], entry[5]
        if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")) or not_modified_since(request, headers):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["ETag"] = etag
        if "Cache-Control" not in response:
            patch_cache_control(response, no_cache=True)
        if response.status_code == 304:
            del response["Content-Type"]
        return response


def canonical_query(request):
    """The query string with its parameters sorted by name, or None when the request must not be
    cached: a parameter no public URL reads, or one given twice."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=len(CACHEABLE_PARAMS))
    except ValueError:  # more fields than any public URL takes
        return None
    names = [name for name, _value in pairs]
    if len(set(names)) != len(names) or not CACHEABLE_PARAMS.issuperset(names):
        return None
    return urlencode(sorted(pairs))
