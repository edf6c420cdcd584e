"""The readers' site: public pages only, no login. Each page runs a fixed number of queries (see
the selectors) and only ever shows published material (retracted verdicts keep their page)."""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_response_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from claims import selectors
from claims.claimreview import claim_review, rating_bounds, to_script_json
from claims.forms import ClaimFilterForm
from claims.models import Claim, Rating, Verdict
from claims.search import is_postgres, python_snippet, search, with_snippets

PAGE_SIZE = 20
# Filtered lists (and topics) page with OFFSET up to here: 2,000 rows skipped at most.
DEEPEST_FILTERED_PAGE = 100


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


def cdn_cached(view):
    """A read_only page with cache headers fit for a CDN for anonymous readers; logged-in staff get
    their own, uncached copy (nothing staff-only is shown, but their session cookie must never be
    shared)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        elif response.status_code == 200 and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=60, s_maxage=300)
        return response

    return read_only(wrapper)


def paginate(queryset, page_number, per_page=PAGE_SIZE, count=None, deepest=None):
    """A page of `queryset` and an error message when the page is not shown (then the nearest one
    is). Two queries: the count (none when `count` is given) and the page. With `deepest`, pages
    past it are not served: an OFFSET skips and joins every earlier row, which past a few
    thousand rows costs more than a page is worth (whole-list pages use a keyset instead)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # replaces the cached property, so no COUNT(*) is run
    number = page_number or 1
    last = paginator.num_pages
    shown = min(last, deepest) if deepest else last
    message = ""
    if number > last:
        message = _("There is no page %(page)d; the last page is %(last)d.") % {"page": number, "last": last}
    elif number > shown:
        message = _(
            "Only the first %(deepest)d pages of this list are shown; this is page %(deepest)d. Narrow it with "
            "the filters of the fact-checks page, or sort it oldest first, to reach the others."
        ) % {"deepest": shown}
    page = paginator.page(min(number, shown))
    page.capped = page.number == shown < last  # no "Next" link to a page that is not served
    return page, message


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
    aggregates = selectors.Aggregates()
    all_ratings = selectors.ratings()
    counts = aggregates.rating_counts()
    return render(
        request,
        "claims/home.html",
        {
            "latest": selectors.latest_claims(6),
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


@cdn_cached
def claim_list(request):
    data = request.GET.copy()
    if data.get("q") and not data.get("sort"):
        # Show the order in force: a search is sorted by relevance unless told otherwise.
        data["sort"] = ClaimFilterForm.SORT_RELEVANCE
    aggregates = selectors.Aggregates()
    choices = selectors.filter_choices(aggregates)
    form = ClaimFilterForm(data, choices=choices)
    values = form.values()
    sort = form.sort_order(values)
    claims = form.apply(selectors.published_claims(), values)
    query = values.get("q", "")
    if query:
        claims = with_snippets(search(claims, query), query)
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
        # Every other filter (search included) counts once per content version and filters.
        count = aggregates.count(form.count_key(values), claims)
    deepest = None if not filters else DEEPEST_FILTERED_PAGE
    page, page_error = paginate(claims, values.get("page"), count=count, deepest=deepest)
    rows = page.object_list = page_rows(page, claims, whole_list=not filters, sort=sort)
    if query and not is_postgres():
        for claim in rows:
            claim.snippet = python_snippet(claim.text, query)
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
    stamp = selectors.claim_stamp(slug)
    if stamp is None:
        raise Http404(_("No published claim at this address."))
    etag, last_modified, version = stamp
    staff = request.user.is_authenticated
    if not staff:
        not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            patch_cache_control(not_modified, public=True, max_age=60, s_maxage=300)
            return not_modified
    claim = selectors.claim_for_page(slug)
    context = claim_page_context(selectors.claim_page_parts(claim), selectors.Aggregates(version))
    if not context["retracted"]:
        # A retracted verdict is no longer a review anyone should index.
        context["jsonld"] = to_script_json(claim_review(claim, bounds=rating_bounds()))
    response = render(request, "claims/claim_detail.html", context)
    if staff:
        patch_cache_control(response, private=True, no_store=True)
    else:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=60, s_maxage=300)
    return response


@cdn_cached
def claimant_detail(request, slug):
    claimant = selectors.claimant_with_claims(slug)
    if claimant is None:
        raise Http404(_("No claimant with published checks at this address."))
    number, page_error = page_number_of(request)
    all_ratings = selectors.ratings()
    counts = selectors.Aggregates().claimant_rating_counts(claimant.pk)
    theirs = selectors.published_claims_sorted().filter(claimant=claimant)
    page, out_of_range = paginate(theirs, number, count=sum(counts.values()))
    return render(
        request,
        "claims/claimant_detail.html",
        {
            "claimant": claimant,
            "record": selectors.distribution(all_ratings, counts, Rating.Scale.VERACITY),
            "tracker": selectors.distribution(all_ratings, counts, Rating.Scale.PLEDGE),
            "pledges": selectors.claimant_pledges(claimant),
            "page": page,
            "claims": list(page.object_list),
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
    counts = selectors.Aggregates().topic_rating_counts(topic.pk)
    theirs = selectors.published_claims().filter(topics=topic)
    page, out_of_range = paginate(theirs, number, count=sum(counts.values()), deepest=DEEPEST_FILTERED_PAGE)
    return render(
        request,
        "claims/topic_detail.html",
        {
            "topic": topic,
            "veracity": selectors.distribution(all_ratings, counts, Rating.Scale.VERACITY),
            "pledges": selectors.distribution(all_ratings, counts, Rating.Scale.PLEDGE),
            "page": page,
            "claims": list(page.object_list),
            "errors": [e for e in (page_error, out_of_range) if e],
        },
    )


@cdn_cached
def ratings(request):
    all_ratings = selectors.ratings()
    counts = selectors.Aggregates().rating_counts()
    for rating in all_ratings:
        rating.n_claims = counts.get(rating.pk, 0)
    return render(
        request,
        "claims/ratings.html",
        {
            "veracity": [r for r in all_ratings if r.scale == Rating.Scale.VERACITY],
            "pledge": [r for r in all_ratings if r.scale == Rating.Scale.PLEDGE],
        },
    )


@cdn_cached
def corrections(request):
    number, page_error = page_number_of(request)
    page, out_of_range = paginate(selectors.public_corrections(), number)
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
    return render(request, "pages/about.html")


@cdn_cached
def contact(request):
    claim = None
    slug = request.GET.get("claim", "")
    if slug:
        claim = Claim.objects.public().filter(slug=slug).only("title", "slug").first()
    return render(request, "pages/contact.html", {"claim": claim})


@read_only
def rating_styles(request):
    """Badge colours from the Rating rows, as a stylesheet: no inline style is ever needed, and
    the text colour is whichever of near-black or white contrasts more with the badge colour."""
    rules = []
    for rating in selectors.ratings():
        text = contrast_text(rating.colour)
        rules.append(
            f".rating--{rating.slug}{{background-color:{rating.colour};color:{text};border-color:{rating.colour}}}"
        )
        rules.append(f".rating-key--{rating.slug}{{background-color:{rating.colour}}}")
    body = "\n".join(rules) + "\n"
    etag = quote_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified or HttpResponse(body, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    patch_response_headers(response, cache_timeout=300)
    patch_cache_control(response, public=True)
    return response


def relative_luminance(colour):
    def channel(hex_pair):
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_text(colour):
    # With pure black and white one of the two always reaches 4.5:1 (WCAG AA), whatever the colour.
    dark, light = "#000000", "#ffffff"
    return light if contrast_ratio(colour, light) >= contrast_ratio(colour, dark) else dark


@read_only
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", "", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response
