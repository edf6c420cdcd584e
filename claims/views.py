"""The readers' site: public pages only, no login. Each page runs a fixed number of queries (see
the selectors) and only ever shows published material (retracted verdicts keep their page)."""

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import F, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_response_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from claims import colours, i18n, selectors, sharecard
from claims.claimreview import claim_review, to_script_json, with_translations
from claims.forms import ClaimFilterForm
from claims.models import Claim, Rating, Verdict
from claims.search import plans_each_search, snippet, window_if_full, with_snippets
from claims.services import RATING_STYLES_CACHE_KEY
from factcheck.cache import depends_on

PAGE_SIZE = 20
# Numbered pages of every list stop here: an OFFSET skips at most 1,980 rows (the whole list's own
# boundary query at most 1,980 index entries). Lists sorted by date go on past it with date-keyed
# pages (?before= and ?after=, see keyset_page), whose cost does not grow with depth.
DEEPEST_FILTERED_PAGE = 100
KEYSET_PARAMS = ("before", "after")


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def read_only(view):
    """For a page that only shows something (every page of the readers' site, the feeds, the
    sitemaps, robots.txt): OPTIONS answers the methods with an empty body, and any other method
    than GET or HEAD is a 405 that says which are allowed.

    CSRF is off for these views, since no request to them changes anything: CsrfViewMiddleware runs
    before the view, so a POST without a token would otherwise get its 403 instead of the 405. Pages
    with a form that writes (the admin) keep the check."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse()
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(READ_METHODS)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def content_dated(view):
    """A read_only page or feed whose content changes only with the content version: it is sent with
    Last-Modified (when the version last changed), and a reader's If-Modified-Since at or after that
    is answered 304 before anything else is read. The view finds the version in
    `request.content_version`. One query. Logged-in staff always get a fresh page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.content_version, changed_at = selectors.content_stamp()
        staff = request.user.is_authenticated
        last_modified = int(changed_at.timestamp()) if changed_at and not staff else None
        if last_modified is not None:
            not_modified = get_conditional_response(request, last_modified=last_modified)
            if not_modified is not None:
                patch_cache_control(not_modified, public=True, max_age=60, s_maxage=300)
                return not_modified
        response = view(request, *args, **kwargs)
        if last_modified is not None and response.status_code == 200:
            response["Last-Modified"] = http_date(last_modified)
        return response

    return read_only(wrapper)


def cdn_cached(view):
    """A content_dated page with cache headers fit for a CDN for anonymous readers; logged-in staff
    get their own, uncached copy (nothing staff-only is shown, but their session cookie must never
    be shared)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        elif response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=60, s_maxage=300)
        return response

    return content_dated(wrapper)


def paginate(queryset, page_number, per_page=PAGE_SIZE, count=None, deepest=None, keyset=False):
    """A page of `queryset` and an error message when the page is not shown (then the nearest one
    is). Two queries: the count (none when `count` is given) and the page. With `deepest`, pages
    past it are not numbered: an OFFSET skips and joins every earlier row, which past a few
    thousand rows costs more than a page is worth. With `keyset` the list goes on past it with
    date-keyed pages (its last page links the next one), else it stops there."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # replaces the cached property, so no COUNT(*) is run
    number = page_number or 1
    last = paginator.num_pages
    shown = min(last, deepest) if deepest else last
    message = ""
    if number > last and last <= shown:
        message = _("There is no page %(page)d; the last page is %(last)d.") % {"page": number, "last": last}
    elif number > shown and keyset:
        message = _(
            "Only the first %(deepest)d pages of this list are numbered; this is page %(deepest)d. Follow "
            "“Next” from here to go further back, or sort it oldest first to start from the other end."
        ) % {"deepest": shown}
    elif number > shown:
        message = _(
            "Only the first %(deepest)d pages of this list are shown; this is page %(deepest)d. Narrow it with "
            "the filters of the fact-checks page, or sort it oldest first, to reach the others."
        ) % {"deepest": shown}
    page = paginator.page(min(number, shown))
    page.capped = page.number == shown < last  # no numbered "Next" link to a page that is not served
    page.links = page_links(page.number, shown)
    return page, message


def page_links(number, last, *, around=2):
    """The page numbers a pager links, with None for each gap: the first and last pages, and `around`
    pages either side of the current one (1 … 4 5 6 7 8 … 101)."""
    wanted = {1, last, *range(number - around, number + around + 1)}
    links, previous = [], 0
    for n in sorted(p for p in wanted if 1 <= p <= last):
        if n - previous == 2:
            links.append(n - 1)  # a gap of one page is that page, not an ellipsis
        elif n - previous > 2:
            links.append(None)
        links.append(n)
        previous = n
    return links


def page_number_of(request):
    """The ?page= value, or (None, message) when it is not a page number."""
    raw = request.GET.get("page", "")
    if raw == "":
        return 1, ""
    try:
        number = int(raw)
    except ValueError:
        return 1, _("The page must be a whole number; showing the first page.")
    if number < 1:
        return 1, _("The page must be 1 or more; showing the first page.")
    return number, ""


@cdn_cached
def home(request):
    depends_on(request, "claims")
    aggregates = selectors.Aggregates(request.content_version)
    all_ratings = selectors.ratings()
    counts = aggregates.rating_counts()
    return render(
        request,
        "claims/home.html",
        {
            "latest": i18n.provider.localize(selectors.latest_claims(6), i18n.current_language()),
            "veracity": selectors.distribution(all_ratings, counts, Rating.Scale.VERACITY),
            "pledges": selectors.distribution(all_ratings, counts, Rating.Scale.PLEDGE),
            "topics": selectors.featured_topics(aggregates),
        },
    )


def known_count(aggregates, filters, values, all_ratings):
    """The number of claims the list shows when an aggregate already holds it (no filter, or the
    rating alone), else None (the paginator counts)."""
    if not filters:
        return aggregates.total()
    if filters == {"rating"}:
        rating = next((r for r in all_ratings if r.slug == values["rating"]), None)
        return aggregates.rating_counts().get(rating.pk, 0) if rating else None
    return None


def page_rows(page, claims, *, whole_list, sort):
    """The rows of `page`. On the whole list (no filter, no search) in date order, a page past the
    first starts at the row the index-only boundary query finds, so that no deep page skips
    thousands of joined rows with OFFSET (two small queries instead of one that grows with depth)."""
    if not (whole_list and page.number > 1 and sort in (ClaimFilterForm.SORT_NEWEST, ClaimFilterForm.SORT_OLDEST)):
        return list(page.object_list)
    newest = sort == ClaimFilterForm.SORT_NEWEST
    boundary = selectors.published_before(page.start_index() - 1, newest=newest)
    if boundary is None:
        return []
    at, pk = boundary
    if newest:
        rest = Q(verdict__published_at__lte=at) & (Q(verdict__published_at__lt=at) | Q(pk__lte=pk))
    else:
        rest = Q(verdict__published_at__gte=at) & (Q(verdict__published_at__gt=at) | Q(pk__gte=pk))
    return list(claims.filter(rest)[: page.paginator.per_page])


def keyset_of(params, *, by_date):
    """((direction, published_at, claim id) of ?before= or ?after=, or None; an error message or "").
    A position is a date (2024-06-14: the checks published before, or from, that day) or what a
    "Next" link carries (an instant and a claim id, to the microsecond)."""
    given = [name for name in KEYSET_PARAMS if name in params]
    if not given:
        return None, ""
    if len(given) > 1 or not by_date:
        message = (
            _("Give either “before” or “after”, not both; showing the first page.")
            if by_date
            else _("“before” and “after” apply to lists sorted by date; showing the first page.")
        )
        return None, message
    direction, raw = given[0], params[given[0]].strip()
    instant, _comma, pk = raw.partition(",")
    at = _parse_safe(parse_datetime, instant) if "T" in instant else None
    if at is None and not pk:
        day = _parse_safe(parse_date, instant)
        at = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC) if day else None
    if at is None or (pk and not pk.isdigit()) or len(raw) > 64:
        message = _("“%(name)s” must be a date such as 2024-06-14, or come from a “Next” link; showing the first page.")
        return None, message % {"name": direction}
    if timezone.is_naive(at):
        at = timezone.make_aware(at, datetime.UTC)
    return (direction, at, int(pk or 0)), ""


def _parse_safe(parse, value):
    try:
        return parse(value)
    except ValueError:  # well formed but not a date (2024-02-30)
        return None


def keyset_url(request, direction, claim):
    """The URL of the date-keyed page of the current list that starts next to `claim`."""
    at = claim.verdict.published_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    params = request.GET.copy()
    for name in ("page", *KEYSET_PARAMS):
        params.pop(name, None)
    params[direction] = f"{at},{claim.pk}"
    return f"?{params.urlencode()}"


@dataclass
class KeysetPage:
    """A date-keyed page: what the pagination template needs of a numbered page, and its links."""

    object_list: list
    count: int
    first_url: str
    previous_url: str = ""
    next_url: str = ""
    keyset = True
    number = None
    capped = False

    @property
    def paginator(self):
        return self  # the template reads page.paginator.count

    def has_other_pages(self):
        return True


def keyset_page(request, claims, position, *, newest, count, few):
    """The page next to `position` in the list's date order: one query whose cost does not depend on
    how deep the position is (PostgreSQL starts the newest-first index at the position)."""
    direction, at, pk = position
    if direction == "before":
        rest = Q(verdict__published_at__lte=at) & (Q(verdict__published_at__lt=at) | Q(pk__lt=pk))
        order = (F("verdict__published_at").desc(nulls_last=few or None), "-pk")
    else:
        rest = Q(verdict__published_at__gte=at) & (Q(verdict__published_at__gt=at) | Q(pk__gt=pk))
        order = (F("verdict__published_at").asc(nulls_first=few or None), "pk")
    rows = list(claims.filter(rest).order_by(*order)[: PAGE_SIZE + 1])
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    onward = "before" if newest else "after"  # the direction of "Next" in this list's order
    back = "after" if newest else "before"
    if direction == back:
        rows.reverse()  # fetched nearest first, shown in the list's order
    params = request.GET.copy()
    for name in ("page", *KEYSET_PARAMS):
        params.pop(name, None)
    page = KeysetPage(object_list=rows, count=count, first_url=f"?{params.urlencode()}")
    if rows and (more or direction == back):
        page.next_url = keyset_url(request, onward, rows[-1])
    if rows and (more or direction == onward):
        page.previous_url = keyset_url(request, back, rows[0])
    return page


@cdn_cached
@plans_each_search
def claim_list(request):
    depends_on(request, "claims")
    data = request.GET.copy()
    if data.get("q") and not data.get("sort"):
        # Show the order in force: a search is sorted by relevance unless told otherwise.
        data["sort"] = ClaimFilterForm.SORT_RELEVANCE
    aggregates = selectors.Aggregates(request.content_version)
    choices = selectors.filter_choices(aggregates)
    form = ClaimFilterForm(data, choices=choices)
    values = form.values()
    sort = form.sort_order(values)
    claims = form.apply(selectors.published_claims(), values)
    query = values.get("q", "")
    if query:
        # Ranked, the newest RANK_WINDOW matches are ranked; in date order, every match is listed.
        # Both find a check by its published translations too (claims.i18n).
        provider = i18n.provider
        found = provider.search(claims, query) if sort == form.SORT_RELEVANCE else provider.matching(claims, query)
        claims = with_snippets(found, query)
    # One claimant's claims are few: fetched by claimant and sorted, not found by walking the
    # newest-first index (see selectors.published_claims_sorted).
    few = "claimant" in values
    if sort == form.SORT_OLDEST:
        claims = claims.order_by(F("verdict__published_at").asc(nulls_first=few or None), "pk")
    elif sort == form.SORT_NEWEST:
        claims = claims.order_by(F("verdict__published_at").desc(nulls_last=few or None), "-pk")
    filters = set(values) - {"page", "sort"}
    count = known_count(aggregates, filters, values, choices["ratings"])
    if count is None:
        # Every other filter (search included) counts once per change of the published claims.
        # A ranked search counts its window only: its count is kept apart from the date orders'.
        ranked = ":ranked" if query and sort == form.SORT_RELEVANCE else ""
        count = aggregates.count(form.count_key(values) + ranked, claims)
    ranked_window = window_if_full(count) if query and sort == form.SORT_RELEVANCE else None
    by_date = sort in (form.SORT_NEWEST, form.SORT_OLDEST)
    position, position_error = keyset_of(request.GET, by_date=by_date)
    if position is not None:
        page = keyset_page(request, claims, position, newest=sort == form.SORT_NEWEST, count=count, few=few)
        rows, page_error = page.object_list, ""
    else:
        page, page_error = paginate(
            claims, values.get("page"), count=count, deepest=DEEPEST_FILTERED_PAGE, keyset=by_date
        )
        rows = page_rows(page, claims, whole_list=not filters, sort=sort)
        if by_date and page.capped and rows:
            page.next_url = keyset_url(request, "before" if sort == form.SORT_NEWEST else "after", rows[-1])
        page_error = position_error or page_error
    rows = page.object_list = i18n.provider.localize(rows, i18n.current_language())
    if query:
        for claim in rows:
            # A translated row shows its own words: PostgreSQL's headline marks the original's.
            headline = None if hasattr(claim, "translated") else getattr(claim, "headline", None)
            claim.snippet = snippet(claim.text, query, headline)
    errors = [e for field in form.errors.values() for e in field]
    if page_error:
        errors.append(page_error)
    return render(
        request,
        "claims/claim_list.html",
        {
            "form": form,
            "page": page,
            "claims": rows,
            "query": query,
            "sort": sort,
            "errors": errors,
            "active_filters": form.active_filters(values),
            "filtered": bool(filters),
            "ranked_window": ranked_window,
        },
        status=400 if errors else 200,
    )


def claim_page_context(parts, aggregates):
    """What the claim page (claims/claim_detail.html) shows, from its parts (selectors.ClaimPage).
    The public page passes a published claim; the staff preview (claims/admin.py) a draft or a
    proposed change, so that it renders exactly as readers will see it. No query but the related
    claims' (cached per content version)."""
    retracted = parts.verdict.status == Verdict.Status.RETRACTED
    return {
        "claim": parts.claim,
        "verdict": parts.verdict,
        "appearances": parts.appearances,
        # A retracted verdict is unpublished: its page keeps the claim, the notice of when and why,
        # and the record of corrections (the retraction is added to it), not the withdrawn rating,
        # conclusion, analysis or evidence.
        "evidence": [] if retracted else parts.evidence,
        "corrections": parts.corrections,
        "topics": parts.topics,
        "related": selectors.related_claims(parts.claim, aggregates),
        "retracted": retracted,
        "first_appearance": next((a for a in parts.appearances if a.is_first), None),
    }


@read_only
def claim_detail(request, slug):
    claim, stamp = selectors.claim_page(slug)
    if claim is None:
        raise Http404(_("No published claim at this address."))
    etag, last_modified, version = stamp
    staff = request.user.is_authenticated
    if not staff:
        not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            patch_cache_control(not_modified, public=True, max_age=60, s_maxage=300)
            return not_modified
    parts, aggregates = selectors.claim_page_parts(claim), selectors.Aggregates(version)
    original = claim.language
    language = i18n.current_language()
    found = i18n.provider.page(claim, language)
    i18n.show(claim, found.translated)
    i18n.show_evidence(parts.evidence, found.translated)
    context = claim_page_context(parts, aggregates)
    depends_on(request, *selectors.claim_page_tags(parts, context["related"]))
    context["related"] = i18n.provider.localize(context["related"], language)
    context.update(language_context(claim, original, language, found))
    if not context["retracted"] and not context["untranslated"]:
        # A retracted verdict is no longer a review anyone should index; a page in a language the
        # check is not published in points to the original (canonical) and is no review of its own.
        data = claim_review(claim, bounds=aggregates.rating_bounds())
        with_translations(
            data,
            language=claim.language,
            original=original,
            languages=found.languages,
            url_of=lambda code: i18n.claim_url(claim, code),
        )
        context["jsonld"] = to_script_json(data)
    response = render(request, "claims/claim_detail.html", context)
    if staff:
        patch_cache_control(response, private=True, no_store=True)
    else:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=60, s_maxage=300)
    return response


def language_context(claim, original, language, found):
    """The claim page's languages: hreflang links and the switcher for only the languages the check
    is published in (`page_languages`, base.html), the translation shown, and whether the reader
    asked for a language the check is not (yet) published in: then the original is shown, with a
    notice and a canonical link to the original's page."""
    served = [code for code in found.languages if i18n.site_language(code)]
    untranslated = language not in found.languages
    home = i18n.site_language(original) or settings.LANGUAGE_CODE
    return {
        "page_languages": [(code, i18n.claim_url(claim, code)) for code in served],
        "translated": found.translated,
        "untranslated": untranslated,
        "original_url": i18n.claim_url(claim, home) if untranslated else "",
        "original_path": i18n.claim_path(claim, home) if untranslated else "",
    }


SHARE_IMAGE_SECONDS = 24 * 3600


@read_only
def claim_share_image(request, slug):
    """The claim page's Open Graph image (claims.sharecard), rendered once per version of the claim:
    kept in the cache under the page's own ETag, so any change to what it shows draws a new one."""
    stamp = selectors.claim_stamp(slug)
    if stamp is None:
        raise Http404(_("No published claim at this address."))
    etag, last_modified, _version = stamp
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
    if not_modified is None:
        # Its words ("Fact-check", "Retracted") are in the page's language: one image per language.
        key = f"claims:share-image:{get_language()}:{etag}"
        png = cache.get(key)
        if png is None:
            png = share_image_of(selectors.claim_for_card(slug))
            cache.set(key, png, SHARE_IMAGE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    else:
        response = not_modified
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=300)
    return response


def share_image_of(claim):
    verdict = claim.verdict
    if verdict.status == Verdict.Status.RETRACTED:
        badge, colour = _("Retracted"), "#57606a"
    else:
        badge, colour = verdict.rating.label, verdict.rating.colour
    if claim.claimant:
        who = f"{claim.claimant.name}, {claim.claimant.role}" if claim.claimant.role else claim.claimant.name
    else:
        who = _("Unattributed")
    when = f" · {date_format(claim.made_on)}" if claim.made_on else ""
    return sharecard.render(
        site_name=settings.SITE_NAME,
        site_host=urlsplit(settings.SITE_URL).netloc,
        badge=badge,
        badge_colour=colour,
        title=claim.title,
        attribution=f"— {who}{when}",
        eyebrow=_("Pledge tracker") if claim.kind == Claim.Kind.PLEDGE else _("Fact-check"),
    )


@cdn_cached
def claimant_detail(request, slug):
    claimant = selectors.claimant_with_claims(slug)
    if claimant is None:
        raise Http404(_("No claimant with published checks at this address."))
    depends_on(request, f"claimant:{claimant.pk}", f"list:claimant:{claimant.pk}", "ratings")
    number, page_error = page_number_of(request)
    all_ratings = selectors.ratings()
    counts = selectors.Aggregates(request.content_version).claimant_rating_counts(claimant.pk)
    theirs = selectors.published_claims_sorted().filter(claimant=claimant)
    page, out_of_range = paginate(theirs, number, count=sum(counts.values()), deepest=DEEPEST_FILTERED_PAGE)
    return render(
        request,
        "claims/claimant_detail.html",
        {
            "claimant": claimant,
            "record": selectors.distribution(all_ratings, counts, Rating.Scale.VERACITY),
            "tracker": selectors.distribution(all_ratings, counts, Rating.Scale.PLEDGE),
            "pledges": selectors.claimant_pledges(claimant),
            "page": page,
            "claims": i18n.provider.localize(page.object_list, i18n.current_language()),
            "errors": [e for e in (page_error, out_of_range) if e],
        },
    )


@cdn_cached
def topic_detail(request, slug):
    topic = selectors.topic_with_claims(slug)
    if topic is None:
        raise Http404(_("No topic at this address."))
    number, page_error = page_number_of(request)
    all_ratings = selectors.ratings()
    counts = selectors.Aggregates(request.content_version).topic_rating_counts(topic.pk)
    theirs = selectors.published_claims().filter(topics=topic)
    page, out_of_range = paginate(theirs, number, count=sum(counts.values()), deepest=DEEPEST_FILTERED_PAGE)
    depends_on(request, f"topic:{topic.pk}", f"list:topic:{topic.pk}", *selectors.rows_tags(page.object_list))
    return render(
        request,
        "claims/topic_detail.html",
        {
            "topic": topic,
            "veracity": selectors.distribution(all_ratings, counts, Rating.Scale.VERACITY),
            "pledges": selectors.distribution(all_ratings, counts, Rating.Scale.PLEDGE),
            "page": page,
            "claims": i18n.provider.localize(page.object_list, i18n.current_language()),
            "errors": [e for e in (page_error, out_of_range) if e],
        },
    )


@cdn_cached
def ratings(request):
    all_ratings = selectors.ratings()
    counts = selectors.Aggregates(request.content_version).rating_counts()
    for rating in all_ratings:
        rating.n_claims = counts.get(rating.pk, 0)
    return render(
        request,
        "claims/ratings.html",
        {
            "veracity": [r for r in all_ratings if r.scale == Rating.Scale.VERACITY],
            "pledge": [r for r in all_ratings if r.scale == Rating.Scale.PLEDGE],
            "texts": selectors.organisation_texts(),
        },
    )


@cdn_cached
def corrections(request):
    number, page_error = page_number_of(request)
    page, out_of_range = paginate(selectors.public_corrections(), number, deepest=DEEPEST_FILTERED_PAGE)
    return render(
        request,
        "claims/corrections.html",
        {
            "page": page,
            "corrections": list(page.object_list),
            "errors": [e for e in (page_error, out_of_range) if e],
        },
    )


@cdn_cached
def about(request):
    """Who we are and who funds us (IFCN, EFCSN): every part of it maintained in the admin."""
    return render(
        request,
        "pages/about.html",
        {"texts": selectors.organisation_texts(), "funding": selectors.funding_by_year(), "team": selectors.team()},
    )


@cdn_cached
def topic_index(request):
    topics = selectors.topic_index(selectors.Aggregates(request.content_version))
    return render(request, "claims/topic_index.html", {"topics": topics})


CLAIMANTS_PER_PAGE = 60


@cdn_cached
def claimant_index(request):
    """Every claimant with published checks, A–Z, with their number of checks; by letter (?letter=)
    and by a search within the names and roles (?q=). Filtered and paged in memory from one cached
    list (see selectors.claimant_index)."""
    index = selectors.claimant_index(selectors.Aggregates(request.content_version))
    letters = selectors.claimant_letters(index)
    letter = request.GET.get("letter", "").upper()
    query = " ".join(request.GET.get("q", "").split())[:100]
    errors = []
    if letter and letter not in letters:
        errors.append(_("No claimant is filed under “%(letter)s”; showing all of them.") % {"letter": letter[:5]})
        letter = ""
    rows = [row for row in index if row["letter"] == letter] if letter else index
    if query:
        needle = selectors.sort_key(query)
        rows = [row for row in rows if needle in selectors.sort_key(f"{row['name']} {row['role']}")]
    number, page_error = page_number_of(request)
    page, out_of_range = paginate(rows, number, per_page=CLAIMANTS_PER_PAGE)
    errors += [e for e in (page_error, out_of_range) if e]
    context = {
        "page": page,
        "claimants": list(page.object_list),
        "alphabet": [(c, letters.get(c, 0)) for c in [*map(chr, range(ord("A"), ord("Z") + 1)), "#"]],
        "letter": letter,
        "query": query,
        "total": len(index),
        "errors": errors,
    }
    return render(request, "claims/claimant_index.html", context, status=400 if errors else 200)


@cdn_cached
def staff_detail(request, slug):
    """A staff member's public page, while they opt in: who they are and what they signed."""
    profile = selectors.staff_with_page(slug)
    if profile is None:
        raise Http404(_("No public profile at this address."))
    number, page_error = page_number_of(request)
    page, out_of_range = paginate(selectors.claims_signed_by(profile.user_id), number, deepest=DEEPEST_FILTERED_PAGE)
    return render(
        request,
        "claims/staff_detail.html",
        {
            "profile": profile,
            "page": page,
            "claims": list(page.object_list),
            "errors": [e for e in (page_error, out_of_range) if e],
        },
    )


@cdn_cached
def source_detail(request, slug):
    """A source that published verdicts cite, with the text we captured and its SHA-256: the link every
    piece of evidence has, even a source with no public address (or one that has disappeared)."""
    source = selectors.cited_source(slug)
    if source is None:
        raise Http404(_("No cited source at this address."))
    return render(request, "claims/source_detail.html", {"source": source, "claims": selectors.claims_citing(source)})


@cdn_cached
def contact(request):
    claim = None
    slug = request.GET.get("claim", "")
    if slug:
        claim = Claim.objects.public().filter(slug=slug).only("title", "slug").first()
    return render(request, "pages/contact.html", {"claim": claim})


def rating_stylesheet():
    """(the badge colours from the Rating rows as a stylesheet, its digest: 16 hex digits of its
    SHA-256). No inline style is ever needed, and the text colour reaches WCAG AA on each
    (claims.colours.badge_text). One query."""
    rules = []
    for rating in selectors.ratings():
        text = colours.badge_text(rating.colour)
        rules.append(
            f".rating--{rating.slug}{{background-color:{rating.colour};color:{text};border-color:{rating.colour}}}"
        )
        rules.append(f".rating-key--{rating.slug}{{background-color:{rating.colour}}}")
    body = "\n".join(rules) + "\n"
    return body, hashlib.sha256(body.encode()).hexdigest()[:16]


def rating_styles_url():
    """Where pages link the stylesheet: /ratings.<digest>.css once its digest is known (kept in the
    cache by the stylesheet's own view, so a page costs no query for it), else /ratings.css."""
    digest = cache.get(RATING_STYLES_CACHE_KEY)
    if digest:
        return reverse("claims:rating_styles_hashed", kwargs={"digest": digest})
    return reverse("claims:rating_styles")


# A change to a rating forgets the digest (claims.services.reference_save), but a per-process cache
# cannot hear of another process's change: a page there links the old digest until this runs out,
# and that address redirects to the current one, so nobody sees old colours.
_DIGEST_SECONDS = 86400
_DIGEST = re.compile(r"[0-9a-f]{16}")


def remember_rating_styles_digest():
    """Compute the stylesheet's digest and keep it where pages find it. One query; the WSGI
    application runs it at start (factcheck/wsgi.py). Returns the stylesheet and its digest, or
    None when the database cannot be read (the stylesheet's own view will do it later)."""
    try:
        body, digest = rating_stylesheet()
    except DatabaseError:
        return None
    cache.set(RATING_STYLES_CACHE_KEY, digest, _DIGEST_SECONDS)
    return body, digest


@read_only
def rating_styles(request, digest=None):
    """The ratings' stylesheet. Under its digest (/ratings.<digest>.css, what pages link) it never
    changes, so browsers and CDNs keep it a year (immutable); another digest (a colour changed
    since) is redirected to the current one. /ratings.css (pages rendered before the digest was
    known, and old links) is kept five minutes and revalidated by ETag."""
    if digest is not None and not _DIGEST.fullmatch(digest):
        raise Http404(_("No stylesheet at this address."))
    body, current = rating_stylesheet()
    cache.set(RATING_STYLES_CACHE_KEY, current, _DIGEST_SECONDS)
    if digest is not None and digest != current:
        response = HttpResponseRedirect(reverse("claims:rating_styles_hashed", kwargs={"digest": current}))
        patch_cache_control(response, no_cache=True)
        return response
    etag = quote_etag(current)
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified or HttpResponse(body, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    if digest is None:
        patch_response_headers(response, cache_timeout=300)
        patch_cache_control(response, public=True)
    else:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    return response


@read_only
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", "", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response
