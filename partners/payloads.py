"""The bodies partners receive: webhook messages and dataset records, built with the API's own
builders (claims.api.serializers) and the ClaimReview builder the pages use (claims.claimreview), so
that a webhook, a dataset line and /api/v1/claims/{slug}/ always say the same thing.

A webhook body follows the Standard Webhooks shape:

    {"type": "verdict.published", "timestamp": "2026-11-24T09:30:00.123456+00:00", "data": {...}}

    verdict.published, verdict.corrected, verdict.updated
        data: {"claim": <the API's claim detail>, "claim_review": <ClaimReview>,
               "change": {"kind": ..., "note": ...}  (corrected and updated only)}
    verdict.retracted
        data: {"tombstone": <the item of /api/v1/tombstones/>}
    watch.matched
        data: {"watch": <the item of /api/v1/watches/, without matches>, "score": 0.87,
               "claim": <claim detail>, "claim_review": <ClaimReview>}
"""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from claims.api import serializers as api
from claims.claimreview import absolute, claim_review


class SiteURLs(api.URLs):
    """claims.api.serializers.URLs for work done outside a request (tasks): absolute API URLs
    under settings.SITE_URL (the pages' are under it already)."""

    def __init__(self):
        super().__init__(request=None)

    def api(self, name, slug):
        if name not in self._templates:
            self._templates[name] = absolute(reverse(f"api:{name}", kwargs={"slug": self.SLUG}))
        return self._templates[name].replace(self.SLUG, slug)


def dumps(data):
    """JSON as the API renders it (claims.api.renderers)."""
    return orjson.dumps(data, default=DjangoJSONEncoder().default)


def claim_data(claim, *, bounds, urls):
    """The claim's API detail and its ClaimReview. Expects claims.api.views.published_claim_details()."""
    return {"claim": api.claim_detail(claim, urls), "claim_review": claim_review(claim, bounds=bounds)}


def watch_data(watch):
    return {
        "id": str(watch.public_id),
        "text": watch.text,
        "language": watch.language,
        "external_id": watch.external_id,
        "created_at": watch.created_at,
    }


def message(event_type, occurred_at, data):
    """The exact bytes of a webhook body (text: Standard Webhooks signs the body as a string)."""
    return dumps({"type": event_type, "timestamp": occurred_at, "data": data}).decode()
