"""The mixed run of `make bench` (bench/run.py): readers spread over the claims Zipf-like while the
desk publishes every few seconds, reporting the page cache's hit ratio and the readers' latency.

    python -m bench.mixed paths              the URLs readers choose from, most popular first (JSON)
    python -m bench.mixed publish SECONDS EVERY
                                             through the services, every EVERY seconds for SECONDS:
                                             a correction proposed and approved by two people, or a
                                             claim in review published; prints what it did (JSON)

The readers (read()) run in bench/run.py's process: plain HTTP, no Django. Each path's popularity
rank is drawn Zipf-like (weight 1/rank, s = 1) over the claims in a shuffled order, so the popular
claims are spread over the whole site rather than the newest; a claimant's page, the API item and
the lists take a share of the requests (MIX). The publisher is a second process with the site's own
settings, so its changes reach the workers only as they would in production: through the services'
commit hooks and the shared cache.
"""

import bisect
import http.client
import itertools
import json
import os
import random
import sys
import threading
import time

SEED = 20261201
# Share of requests by kind of page (the rest go to claim pages).
MIX = {"api": 0.05, "claimant": 0.05, "list": 0.05}
LISTS = ("/", "/claims/", "/api/v1/claims/", "/feeds/verdicts.rss")


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.bench_settings")
    import django

    django.setup()


def paths(limit=200_000):
    """{"claims": [slug], "claimants": [slug]}: published generated claims in a fixed random order
    (at most `limit`), and the claimants with published claims."""
    _django()
    from claims.management.commands.generatebench import generated
    from claims.models import Claim, Claimant

    claims = list(Claim.objects.published().filter(generated(Claim)).order_by("pk").values_list("slug", flat=True))
    rng = random.Random(SEED)
    rng.shuffle(claims)
    published = Claim.objects.published().filter(claimant_id__isnull=False).values("claimant_id")
    claimants = list(
        Claimant.objects.filter(generated(Claimant), pk__in=published).order_by("pk").values_list("slug", flat=True)
    )
    rng.shuffle(claimants)
    return {"claims": claims[:limit], "claimants": claimants}


def publish(seconds, every):
    """Change public material through the services every `every` seconds: alternately a correction
    (proposed by one generated author, approved by a generated reviewer) of a random published
    claim, and the publication of a claim in review."""
    _django()
    from django.contrib.auth import get_user_model

    from claims import services
    from claims.management.commands.generatebench import generated
    from claims.models import Verdict

    users = get_user_model().objects.filter(generated(get_user_model()))
    author = users.filter(groups__name="Editors").order_by("pk").first()
    reviewers = list(users.filter(groups__name="Reviewers").order_by("pk"))
    rng = random.Random(SEED + 1)
    published = list(Verdict.objects.published().filter(generated(Verdict)).values_list("pk", flat=True)[:50_000])
    done = {"corrections": 0, "publications": 0, "refused": 0, "seconds": []}
    deadline = time.monotonic() + seconds
    for tick in itertools.count():
        started = time.monotonic()
        if started >= deadline:
            break
        try:
            if tick % 2 == 0 or not _publish_one(services, reviewers, rng):
                _correct_one(services, Verdict, author, reviewers, rng.choice(published), tick)
                done["corrections"] += 1
            else:
                done["publications"] += 1
        except services.WorkflowError:
            done["refused"] += 1
        done["seconds"].append(round(time.monotonic() - started, 3))
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return done


def _correct_one(services, Verdict, author, reviewers, verdict_id, tick):
    verdict = Verdict.objects.select_related("claim").get(pk=verdict_id)
    change = services.verdict_correct(
        verdict=verdict, by=author, note=f"Bench correction {tick}.", conclusion=f"Corrected conclusion {tick}."
    )
    approver = next(r for r in reviewers if r.pk != verdict.author_id and r.pk != verdict.reviewer_id)
    services.change_approve(change=change, by=approver, revision=change.unit_hash)


def _publish_one(services, reviewers, rng):
    from claims.models import Verdict

    waiting = Verdict.objects.filter(status=Verdict.Status.IN_REVIEW).select_related("claim").order_by("?").first()
    if waiting is None:
        return False
    by = next(
        (r for r in reviewers if r.pk != waiting.author_id and not waiting.claim.changers.filter(pk=r.pk).exists()),
        None,
    )
    if by is None:
        return False
    services.verdict_publish(verdict=waiting, by=by, revision=services.claim_revision(waiting.claim))
    return True


class Zipf:
    """Ranks 0..n-1 drawn with weight 1/(rank+1)."""

    def __init__(self, n, rng):
        self.rng = rng
        total, self.cumulative = 0.0, []
        for rank in range(n):
            total += 1.0 / (rank + 1)
            self.cumulative.append(total)
        self.total = total

    def draw(self):
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.total)


def chooser(urls, seed):
    rng = random.Random(seed)
    claims, claimants = Zipf(len(urls["claims"]), rng), Zipf(len(urls["claimants"]), rng)

    def choose():
        roll = rng.random()
        if roll < MIX["list"]:
            return rng.choice(LISTS)
        if roll < MIX["list"] + MIX["claimant"]:
            return f"/claimants/{urls['claimants'][claimants.draw()]}/"
        slug = urls["claims"][claims.draw()]
        if roll < MIX["list"] + MIX["claimant"] + MIX["api"]:
            return f"/api/v1/claims/{slug}/"
        return f"/claims/{slug}/"

    return choose


def _kind(path):
    if path in LISTS:
        return "lists"
    if path.startswith("/api/"):
        return "API items"
    return "claimant pages" if path.startswith("/claimants/") else "claim pages"


def read(port, urls, *, seconds, warmup, threads=8):
    """Readers on `threads` threads for `warmup` seconds (not counted), then `seconds`. Returns the
    hit ratio overall and among repeat requests (a URL already served once during the run: what a
    site that has run for a while sees), the latency percentiles and the errors."""
    lock = threading.Lock()
    seen, latencies, by_kind = set(), [], {}
    counts = {"requests": 0, "hits": 0, "repeat": 0, "repeat_hits": 0, "errors": 0}
    counting = threading.Event()
    stop = time.monotonic() + warmup + seconds

    def reader(index):
        choose = chooser(urls, SEED + 10 + index)
        while time.monotonic() < stop:
            path = choose()
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                status, cached = response.status, response.getheader("X-Cache") == "hit"
                conn.close()
            except OSError:
                status, cached = 0, False
            elapsed = time.perf_counter() - started
            with lock:
                repeat = path in seen
                seen.add(path)
                if not counting.is_set():
                    continue
                counts["requests"] += 1
                counts["hits"] += cached
                counts["repeat"] += repeat
                counts["repeat_hits"] += cached and repeat
                counts["errors"] += status != 200
                if repeat:
                    kind = by_kind.setdefault(_kind(path), [0, 0])
                    kind[0] += 1
                    kind[1] += cached
                latencies.append(elapsed)

    workers = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(warmup)
    counting.set()
    for worker in workers:
        worker.join()
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) if latencies else None

    return {
        **counts,
        "rps": round(counts["requests"] / seconds, 1),
        "hit_ratio": round(counts["hits"] / counts["requests"], 4) if counts["requests"] else None,
        "repeat_hit_ratio": round(counts["repeat_hits"] / counts["repeat"], 4) if counts["repeat"] else None,
        "distinct_urls": len(seen),
        # Repeat requests and their hits by kind of page: what a change invalidated.
        "repeat_by_kind": {kind: {"requests": n, "hits": hits} for kind, (n, hits) in sorted(by_kind.items())},
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "paths":
        print(json.dumps(paths()))
    elif command == "publish" and len(argv) == 4:
        print(json.dumps(publish(float(argv[2]), float(argv[3]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
