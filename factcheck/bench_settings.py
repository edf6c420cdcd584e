"""Settings for the benchmark (bench/run.py): production settings from the environment, plus the
benchmark's reference endpoints and a header that makes a request skip the page cache (for the
cold runs). Never used to serve the site."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Cold runs send this header; factcheck/cache.py honours it only when it is set, i.e. only here.
PUBLIC_CACHE_BYPASS_HEADER = "X-Bench-Cold"
