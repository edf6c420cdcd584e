"""gunicorn settings for the site: `gunicorn -c gunicorn.conf.py factcheck.wsgi` from this directory
(README, "Deploying"). Every value can be overridden on the command line; the environment variables
below are parsed strictly, so a typo stops start-up with a message naming the variable."""

import os

from factcheck.env import env_bool, env_int

wsgi_app = "factcheck.wsgi"

# The request line ("GET /api/v1/match/?text=… HTTP/1.1") may be up to 8,190 bytes, the most gunicorn
# allows. Its default, 4,094, refuses a GET of /api/v1/match/ with 1,000 characters of Cyrillic or
# Greek text (some 5,600 bytes once percent-encoded) with "414 URI Too Long" before the site sees
# it. Any text may also be sent by POST (README, "Partner API").
limit_request_line = 8190

# Processes: WEB_CONCURRENCY (the variable gunicorn and most platforms use), else two per CPU plus one.
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
# The workers inherit this environment, so the site's settings see how many processes serve it.
os.environ.setdefault("WEB_CONCURRENCY", str(workers))

# Threads per worker process: 1 runs gunicorn's sync workers (the measured default, bench/README.md);
# more runs its gthread workers, where psycopg's pool (DATABASE_POOL=1, sized to the threads) lets the
# threads of a process share their database connections.
threads = env_int("GUNICORN_THREADS", 1, minimum=1)

# Restart each worker after this many requests (plus up to a tenth more, so that they do not all
# restart at once): bounds the memory a long-lived process can gather. 0: never.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 10

# Seconds a request may run before its worker is restarted; pages and the API answer in well under a
# second, and matching stops itself after two (claims/matching.py).
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = timeout
# Behind a proxy that keeps connections to the site open.
keepalive = 5

# The proxy in front usually logs every request already; GUNICORN_ACCESS_LOG=1 logs them here too
# (to stdout). Errors always go to stderr.
accesslog = "-" if env_bool("GUNICORN_ACCESS_LOG", default=False) else None
errorlog = "-"
