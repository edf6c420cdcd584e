"""Property: whatever mix of claims exists, in whatever workflow state, nothing that is not public
(no verdict yet, draft, in review, sent back to draft) is reachable through any public URL: pages,
feeds, sitemap, search, counts, the API (lists, details, nested data, ClaimReview, matching).

The URLs are enumerated from the URLconf, so a page or endpoint added later is covered too."""

import contextlib

from django.core.cache import caches
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import services
from claims.models import Appearance, Evidence, Verdict
from tests.factories import ClaimFactory, TopicFactory, make_verdict

PUBLIC_NAMESPACES = {"claims", "api"}
PUBLIC_ROOT_NAMES = {"sitemap", "robots_txt"}
# Describe the API, hold no claim data, and are slow to generate.
SKIPPED = {"api:schema", "api:docs", "api:redoc"}
SEARCH_QUERY = "?q=zebra&search=zebra&text=zebra"
HIDDEN = ["none", "draft", "in_review", "returned"]
STATES = [*HIDDEN, "published", "retracted"]


def _routes(patterns=None, namespace=None):
    """(name, parameter names) of every public route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and _is_public(pattern.name, namespace):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, sorted(pattern.pattern.regex.groupindex)


def _is_public(name, namespace):
    return bool(name) and (namespace in PUBLIC_NAMESPACES or (namespace is None and name in PUBLIC_ROOT_NAMES))


def _public_urls(claims, claimants, topics):
    urls = []
    for name, params in _routes():
        if name in SKIPPED:
            continue
        if not params:
            with contextlib.suppress(NoReverseMatch):
                path = reverse(name)
                urls += [path, path + SEARCH_QUERY]
        elif params == ["slug"]:
            if "source" in name or "rating" in name:
                continue  # looked up by their own slugs, which carry no claim
            slugs = claimants if "claimant" in name else topics if "topic" in name else claims
            for slug in slugs:
                with contextlib.suppress(NoReverseMatch):
                    urls.append(reverse(name, kwargs={"slug": slug}))
    return urls


def _make(state, index, topic):
    token = f"zq{index:02d}{state[:3]}qz"
    fields = {"title": f"Zebra claim {token}", "slug": f"claim-{token}", "text": f"Zebras said {token} once."}
    if state == "none":
        claim = ClaimFactory(**fields)
    else:
        status = {"returned": Verdict.Status.IN_REVIEW}.get(state, state)
        verdict = make_verdict(status, **fields)
        if state == "returned":
            services.verdict_return_to_draft(verdict=verdict, by=verdict.author)
        Verdict.objects.filter(pk=verdict.pk).update(conclusion=f"Conclusion {token}.", analysis=f"Analysis {token}.")
        Evidence.objects.filter(verdict=verdict).update(note=f"Evidence note {token}.")
        claim = verdict.claim
    Appearance.objects.filter(claim=claim).update(quote=f"Quoted {token}.")
    claim.topics.add(topic)
    return token, claim


# The factories hash a password for every author and reviewer; the production hasher would make
# each example take seconds.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class NothingUnpublishedLeaks(TestCase):
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.sampled_from(STATES), min_size=1, max_size=6))
    def test_no_public_url_shows_a_claim_that_is_not_public(self, states):
        # Each example rolls back and content versions repeat: cached pages must not carry over, nor
        # rate-limit counters (a 429 would count as an answer).
        for name in ("default", "local"):
            caches[name].clear()
        topic = TopicFactory(slug="zebra-topic")
        made = [(state, *_make(state, index, topic)) for index, state in enumerate(states)]
        claims = [claim for _, _, claim in made]
        urls = _public_urls([c.slug for c in claims], [c.claimant.slug for c in claims if c.claimant], [topic.slug])
        responses = {url: self.client.get(url) for url in urls}
        bodies = {
            url: response.content.decode(errors="replace") for url, response in responses.items()
        }  # share.png is binary
        for state, token, claim in made:
            if state in HIDDEN:
                # A URL that names the hidden claim must not answer; no other may mention it (a 404
                # page may echo the address it was asked for).
                leaked = [url for url in urls if token in url and responses[url].status_code != 404]
                leaked += [url for url in urls if token not in url and token in bodies[url]]
                assert leaked == [], f"{state} claim {token} reachable at {leaked}"
            elif state == "published":
                assert token in bodies[reverse("claims:claim_list")]
                assert token in bodies[claim.get_absolute_url()]
                assert token in bodies[reverse("api:claim-list")]
