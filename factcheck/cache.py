"""A site-wide cache in front of the public pages and API GETs, with conditional GET.

Each entry records the content version (claims.ContentVersion) it was rendered under and is served
only while that is the current version. Every publish, correction and retraction bumps it in its
own transaction: a change makes every older entry invalid at commit, so nothing is ever purged by
hand and no stale verdict is served. Where the current version is read: see lookup().

What is cached: anonymous GET responses with status 200 that set no cookie and are not marked
private or no-store. The key is the host, the path, the query string in canonical form (its
parameters sorted by name) and the request's Accept, Accept-Language and Accept-Encoding headers.

Bounded, so that nobody can fill the cache with made-up URLs: a query string with a parameter that
no public page or API endpoint reads (CACHEABLE_PARAMS), or with a parameter twice, is answered
uncached; and at most PUBLIC_CACHE_MAX_VARIANTS query strings are stored per path and content
version (the rest are answered uncached). Redis itself needs a memory limit and an eviction policy
(README, "Deploying"; /readyz warns when it has none).

What bypasses it:
- requests with a session or messages cookie (staff and logged-in readers): cached pages are only
  ever anonymous renderings, so nobody sees an editor's page and editors always see the live one;
- requests with credentials (Authorization or X-API-Key): partners keep their own throttle and
  usage accounting, which DRF applies in the view;
- the admin;
- under bench settings only, a request with the PUBLIC_CACHE_BYPASS_HEADER header (cold runs).

Throttling: anonymous cache hits are not counted against the anonymous API throttle. The throttle
protects the database and the workers from expensive requests; a hit costs one cache round trip
(with Redis) and no database query, less than the throttle's own bookkeeping.

Every cacheable response gets an ETag (a hash of its body) and Cache-Control: no-cache, so a
browser or partner revalidates each time and gets 304 Not Modified while nothing changed.
"""

import hashlib
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from claims.models import ContentVersion
from claims.services import VERSION_CACHE_KEY, VERSION_CACHE_SECONDS
from factcheck import db_router

# Every query parameter that a public page or API endpoint reads; any other makes a request uncacheable.
CACHEABLE_PARAMS = frozenset(
    {
        # the readers' pages
        "q", "rating", "claimant", "topic", "kind", "language", "date_from", "date_to", "sort", "page", "letter",
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
_VERSION_SQL = f"SELECT number FROM {ContentVersion._meta.db_table} WHERE id = 1"  # noqa: S608 - fixed table name


def content_version():
    """The current content version: one primary-key read, without the ORM's query building.

    Read from the database on every request, not from the cache: a version kept in a per-process
    cache would be stale in the other processes, and a shared one races with a commit. Read from
    the database the page is rendered from (a read replica, factcheck/db_router.py), so that a page
    rendered before the replica replayed a publish is stored under the older version."""
    with connections[db_router.read_alias()].cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else 1


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
        key = self.key(request, query)
        version, entry = self.lookup(key)
        if entry is None or entry[0] != version:
            response = self.get_response(request)
            if not self.storable(response) or not self.room_for(request.path, version, query):
                return response
            entry = self.store(key, response, version)
        return self.respond(request, entry)

    def room_for(self, path, version, query):
        """Whether one more query string of `path` may be stored under this version (the bare path
        always may)."""
        if not query:
            return True
        from claims.api.throttling import count_request  # the same atomic counters as rate limits

        digest = hashlib.blake2b(path.encode(), digest_size=12).hexdigest()
        rate = f"{settings.PUBLIC_CACHE_MAX_VARIANTS}/hour"
        return count_request(f"variants:{version}:{digest}", rate).allowed

    @property
    def cache(self):
        # Looked up per request (a dictionary read), not kept: the backend can be reconfigured.
        return caches["default"]

    def lookup(self, key):
        """(current content version, cached entry or None).

        With a cache shared by every process (Redis), the version is kept in it too, next to the
        entries, so one round trip (MGET) reads both: the services raise it there when their
        transaction commits (claims.services.content_version_bump). It lives only
        VERSION_CACHE_SECONDS, after which the next request reads it from the database again, so
        even a lost update heals within seconds. With a per-process cache (local memory) another
        process's publish cannot reach it, so the version is read from the database each time."""
        if not getattr(self.cache, "shared", False) or db_router.reading_from_replica():
            # A replica may not have replayed the version the services shared: read its own.
            return content_version(), self.cache.get(key)
        found = self.cache.get_many([VERSION_CACHE_KEY, key])
        version = found.get(VERSION_CACHE_KEY)
        if version is None:
            version = self.cache.set_max(VERSION_CACHE_KEY, content_version(), VERSION_CACHE_SECONDS)
        return version, found.get(key)

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
        return f"page:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"

    def storable(self, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        control = response.get("Cache-Control", "").lower()
        return "private" not in control and "no-store" not in control

    def store(self, key, response, version):
        # A view's own ETag is kept, so that its conditional GET and ours agree.
        etag = response.get("ETag") or f'"{hashlib.blake2b(response.content, digest_size=12).hexdigest()}"'
        headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIP_HEADERS]
        # The entry is valid only while the content version is the one it was rendered under.
        entry = (version, response.content, headers, etag)
        self.cache.set(key, entry, settings.PUBLIC_CACHE_SECONDS)
        return entry

    def respond(self, request, entry):
        _version, content, headers, etag = entry
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
