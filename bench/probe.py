"""In-process measurements for bench/run.py, under factcheck.bench_settings and the bench database:

    python -m bench.probe count            published claims the generator made
    python -m bench.probe targets          the URLs to drive, picked from the data (JSON)
    python -m bench.probe queries FILE     SQL queries and status per URL of a targets file (JSON)

Query counts come from Django's test client with CaptureQueriesContext: cold with the bypass
header (what the view costs), warm on a second request (what a cache hit costs).
"""

import datetime
import json
import os
import sys
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from claims.management.commands.generatebench import generated  # noqa: E402
from claims.models import Claim, Claimant, Topic, Verdict  # noqa: E402

COLD_HEADER = "HTTP_" + settings.PUBLIC_CACHE_BYPASS_HEADER.upper().replace("-", "_")
MATCH_TEXT = "unemployment doubled since 2019 under this government"


def count():
    return Claim.objects.published().filter(generated(Claim)).count()


def targets():
    published = Claim.objects.published().filter(generated(Claim))
    total = published.count()
    claim = published.order_by("slug").values_list("slug", flat=True)[total // 2]
    busiest = (
        Claimant.objects.filter(generated(Claimant))
        .annotate(n=Count("claims", filter=Q(claims__verdict__status=Verdict.Status.PUBLISHED)))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    topic = Topic.objects.filter(generated(Topic)).order_by("pk").values_list("slug", flat=True).first()
    # The middle of the whole list, as the date-keyed page a reader reaches by following "Next"
    # (numbered pages stop at claims.views.DEEPEST_FILTERED_PAGE).
    at, deep_pk = published.order_by("-verdict__published_at", "-pk").values_list("verdict__published_at", "pk")[
        total // 2
    ]
    deep = f"{at.astimezone(datetime.UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')},{deep_pk}"
    return {
        "home": "/",
        "list": "/claims/",
        "list_deep": f"/claims/?before={quote(deep)}",
        "list_filtered": f"/claims/?topic={topic}&kind=statement",
        "search": "/claims/?q=inflation+doubled",
        "claim": f"/claims/{claim}/",
        "claimant": f"/claimants/{busiest}/",
        "api_list": "/api/v1/claims/?page_size=50",
        "api_detail": f"/api/v1/claims/{claim}/",
        "api_match": "/api/v1/match/?text=" + MATCH_TEXT.replace(" ", "+"),
        "floor": "/bench/floor/",
        "stock_drf": "/bench/drf/claims/",
    }


def queries(paths):
    client = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for name, path in paths.items():
        # len() right away: the next request clears the connection's query log.
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path, **{COLD_HEADER: "1"})
        cold_queries = len(cold)
        client.get(path)  # fills the cache
        with CaptureQueriesContext(connection) as warm:
            hit = client.get(path)
        out[name] = {
            "status": response.status_code,
            "cold_queries": cold_queries,
            "warm_queries": len(warm),
            "warm_status": hit.status_code,
            "bytes": len(response.content),
        }
    return out


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "count":
        print(count())
    elif command == "targets":
        print(json.dumps(targets()))
    elif command == "queries" and len(argv) == 3:
        with open(argv[2], encoding="utf-8") as fh:
            print(json.dumps(queries(json.load(fh))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
