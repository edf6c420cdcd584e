"""What a request's database connection costs, persistent (CONN_MAX_AGE) against psycopg's pool
(DATABASE_POOL=1), without the rest of a request: `python -m bench.connections` (bench/README.md,
"Connection pool").

Each simulated request is what Django does around a view: request_started (Django marks persistent
connections for a health check), one primary-key query (the content version, as every cached page
reads it), request_finished (a pooled connection goes back to its pool). Each mode runs in a process
of its own, with the settings a worker would have; it prints microseconds per request, the median of
BATCHES batches of REQUESTS, and the spread. Runs against BENCH_DATABASE_URL (the bench database).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 2000
BATCHES = 7
MODES = {
    "persistent": {"CONN_MAX_AGE": "600", "DATABASE_POOL": "0"},
    "pool": {"CONN_MAX_AGE": "0", "DATABASE_POOL": "1"},
}


def one_mode():
    import django

    django.setup()
    from django.core import signals
    from django.db import connection

    def request():
        signals.request_started.send(sender=None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT number FROM claims_contentversion WHERE id = 1")
            cursor.fetchone()
        signals.request_finished.send(sender=None)

    for _ in range(200):  # warm up: the connection (or the pool) is open
        request()
    per_request = []
    for _ in range(BATCHES):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            request()
        per_request.append((time.perf_counter() - started) / REQUESTS * 1e6)
    print(json.dumps(per_request))


def main():
    database = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/factcheck_bench"
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-" + "x" * 20,
        "SITE_CONTACT_EMAIL": "corrections@factcheck.test",
        "LOG_LEVEL": "WARNING",
    }
    for mode, env in MODES.items():
        result = subprocess.run(
            [sys.executable, "-m", "bench.connections", "--one"],
            env={**base, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        timings = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{mode:<10} {statistics.median(timings):7.1f} us per request "
            f"(batches: {', '.join(f'{t:.0f}' for t in timings)})"
        )


if __name__ == "__main__":
    one_mode() if "--one" in sys.argv else main()
