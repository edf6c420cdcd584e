"""Settings for the fact-check site. Production differs from development only by environment
variables; README.md lists each one with its meaning."""

import datetime
import ipaddress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from factcheck.env import (
    env_bool,
    env_database,
    env_database_list,
    env_email,
    env_float,
    env_int,
    env_list,
    env_rate,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the desk as its front page for editors and reviewers.
    "desk.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "sources",
    "organisation",
    "claims",
    "desk",
    "intake",
    "corsheaders",
    "partners",
    # Fact-checks in other languages (above claims: it registers itself with claims.i18n).
    "translations",
]

MIDDLEWARE = [
    # First: every answer of the API and the dataset, errors and cached ones included, carries the
    # CORS headers a partner's browser page needs to read it (partners, README "Partners").
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "factcheck.middleware.PermissionsPolicyMiddleware",
    # The language of the answer (factcheck/i18n.py): before anything that may answer early, so that
    # an error page is in the reader's language too. Only with more than one language (below).
    "factcheck.i18n.LocaleMiddleware",
    "factcheck.middleware.RequestSizeLimitMiddleware",
    "factcheck.middleware.NullByteMiddleware",
    "factcheck.middleware.DatabaseOutageMiddleware",
    "factcheck.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After static files (they touch no database), before the page cache: which database this
    # request reads from, a read replica or the primary (factcheck/db_router.py).
    "factcheck.db_router.ReplicaRoutingMiddleware",
    # Anonymous API calls are counted before the page cache, so cached answers count too.
    "claims.api.throttling.AnonymousRateLimitMiddleware",
    # Before sessions and auth: a hit skips them (factcheck/cache.py says what is cached).
    "factcheck.cache.PublicCacheMiddleware",
    # Inside the page cache (it stores the compressed answer) and outside everything that may put a
    # secret in a page, which it then leaves uncompressed (BREACH: factcheck/middleware.py).
    "factcheck.middleware.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "factcheck.middleware.ReviewerTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "factcheck.context_processors.site",
                "factcheck.i18n.context",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# psycopg's connection pool (README "Running at scale"): off by default. With one thread per worker
# process (gunicorn's sync workers) it measured no faster than persistent connections (bench/README.md).
DATABASE_POOL = env_bool("DATABASE_POOL", default=False)
if DATABASE_POOL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs a PostgreSQL DATABASE_URL.")
    if env_int("CONN_MAX_AGE", 0, minimum=0):
        raise ImproperlyConfigured(
            "CONN_MAX_AGE must be 0 (or unset) with DATABASE_POOL: the pool keeps the connections."
        )
    _POOL = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4, minimum=1),
        # Seconds a request waits for a free connection before it fails (503, like an outage).
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0, minimum=0.1),
    }
    if _POOL["min_size"] > _POOL["max_size"]:
        raise ImproperlyConfigured("DATABASE_POOL_MIN_SIZE must not exceed DATABASE_POOL_MAX_SIZE.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _POOL
DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASE_POOL else env_int("CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Read replicas (factcheck/db_router.py): streaming standbys of the primary, as databases replica_0,
# replica_1, ... Anonymous public reads go to one of them; writes, the admin, signed-in and partner
# requests, background tasks, commands and a client's reads just after its own write stay on the
# primary. In the test suite each is a mirror of the test database (no second database is created).
# Seconds a replica may lag behind before it is skipped (and /readyz says degraded).
DATABASE_REPLICA_MAX_LAG = env_float("DATABASE_REPLICA_MAX_LAG", 30.0, minimum=0.1)
# Seconds a client stays on the primary after its own write (a cookie), so an editor who just
# published sees it although the replicas have not replayed it yet.
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 15, minimum=1)
for _number, _replica in enumerate(env_database_list("DATABASE_REPLICA_URLS", primary=DATABASES["default"])):
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        ATOMIC_REQUESTS=False,
        TEST={"MIRROR": "default"},
    )
    # An unreachable replica must cost little: libpq's shortest connect timeout, then the breaker.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 2
    if DATABASE_POOL:
        _replica["OPTIONS"]["pool"] = {**_POOL, "timeout": 2.0}
    DATABASES[f"replica_{_number}"] = _replica
# Server-side parameter binding on PostgreSQL: psycopg then prepares a statement the fifth time a
# connection runs it, so the planner's work (2-7 ms for the claim page's eight-table join, more than
# running it) is done once per connection and query shape, not per request (bench/README.md).
# Off for PgBouncer in transaction mode, which cannot keep prepared statements.
DATABASE_SERVER_SIDE_BINDING = env_bool("DATABASE_SERVER_SIDE_BINDING", default=True)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and DATABASE_SERVER_SIDE_BINDING:
        _database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DATABASE_ROUTERS = ["factcheck.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Adding a language: an entry here and its locale/<code>/LC_MESSAGES/django.po (README "Languages").
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
# Open Graph names a locale as language_TERRITORY; a language missing here is written <code>_<CODE>
# (ru_RU, de_DE), which is right for most, not for Ukrainian (uk_UA) or English.
OG_LOCALES = {"en": "en_GB", "uk": "uk_UA"}
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["factcheck.formats"]
if len(LANGUAGES) < 2:
    # Nothing varies by language: Vary: Accept-Language would only split every cache (CDN, browsers).
    MIDDLEWARE.remove("factcheck.i18n.LocaleMiddleware")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; development and tests serve them as they are.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# A form sent without its CSRF token gets a page in the site's design (factcheck/errors.py).
CSRF_FAILURE_VIEW = "factcheck.errors.csrf_failure"

# Sessions live in the database so that any number of processes on any number of machines can
# serve a logged-in editor.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
# The cache is optional (factcheck/cache_backend.py): a Redis that does not answer within this many
# seconds counts as down, and pages are served uncached until it is back.
CACHE_TIMEOUT = env_float("CACHE_TIMEOUT", 0.25, minimum=0.01)
# The process-local cache: rate-limit counters while the shared cache is down.
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factcheck-local"}
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "factcheck.cache_backend.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT, "socket_timeout": CACHE_TIMEOUT},
        },
        "local": _LOCAL_CACHE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "factcheck"},
        "local": _LOCAL_CACHE,
    }

# Background work (README "Background work"): Django's tasks API. "database" (default) keeps the queue
# in PostgreSQL and runs `manage.py db_worker` on any number of machines; "rq" uses Redis through RQ
# (high volume; `manage.py rqworker default`); "immediate" runs each task at once (the tests).
TASK_BACKEND = env_str("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(_TASK_BACKENDS)}; got {TASK_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
# /readyz says "degraded" once the oldest due job has waited longer than this (seconds).
TASK_QUEUE_MAX_WAIT = env_int("TASK_QUEUE_MAX_WAIT", 300, minimum=1)
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env_str("RQ_URL") or CACHE_URL or "redis://127.0.0.1:6379/0"}}

# The cache of public pages and API GETs (factcheck/cache.py), invalidated by what each page shows.
# The test suite turns it off (tests/testenv.py) except in tests/test_cache*.py.
PUBLIC_CACHE = env_bool("PUBLIC_CACHE", default=True)
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 3600, minimum=1)
# A site-wide count (claims per topic or rating, languages, the busiest claimants) that took this
# many seconds or more to make is served as it was for at most AGGREGATE_STALE_SECONDS after a
# change while a background job counts it again (claims.selectors.Aggregates; 0.7-1.2 s each at a
# million claims). Quicker counts are always made at once.
AGGREGATE_BACKGROUND_SECONDS = env_float("AGGREGATE_BACKGROUND_SECONDS", 0.5, minimum=0.0)
AGGREGATE_STALE_SECONDS = env_int("AGGREGATE_STALE_SECONDS", 60, minimum=0)
# How far apart the clocks of the machines serving the site may be (seconds): an answer rendered this
# close after a change to what it shows is served but not stored (factcheck/cache.py).
PUBLIC_CACHE_CLOCK_MARGIN = env_float("PUBLIC_CACHE_CLOCK_MARGIN", 0.25, minimum=0.0)
# At most this many query strings per path are cached per epoch and hour (factcheck/cache.py).
PUBLIC_CACHE_MAX_VARIANTS = env_int("PUBLIC_CACHE_MAX_VARIANTS", 2000, minimum=1)

# The fact-checking organisation, as named in ClaimReview markup and on the pages.
SITE_NAME = env_str("SITE_NAME", "Factcheck Desk")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where readers write to report an error (the About and contact pages). Production must set a real one.
SITE_CONTACT_EMAIL = env_email("SITE_CONTACT_EMAIL", "corrections@example.org" if DEBUG else "", production=not DEBUG)
# PostgreSQL text-search configuration used for the stored search vector and for queries.
SEARCH_CONFIG = env_str("SEARCH_CONFIG", "english")

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Partner keys only: the API is read-only and public, so no session (and no CSRF) is involved.
    "DEFAULT_AUTHENTICATION_CLASSES": ["claims.api.authentication.APIKeyAuthentication"],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter, with an empty parameter refused (claims/api/filters.py).
        "claims.api.filters.FilterBackend",
        "claims.api.filters.WhitelistOrderingFilter",
    ],
    # Cursor pages (no COUNT); page_size up to 100, larger is a 400 (claims/api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.APICursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["claims.api.renderers.ORJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "claims.api.schema.APIAutoSchema",
    # Counters live in the Django cache: several processes need a shared one (CACHE_URL).
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttling.AnonymousThrottle",
        "claims.api.throttling.PartnerThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "partner": env_str("API_THROTTLE_PARTNER", "1000/minute"),
    },
    # Anonymous callers are throttled by address: trust X-Forwarded-For only as far as our own
    # proxies set it (0: use the connection's address), or anyone could pick a fresh address.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0, minimum=0),
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# How many processes share the API limits: while the shared cache is down each counts on its own,
# against this share of each limit (claims/api/throttling.py). Set it to the number of web processes.
API_THROTTLE_LOCAL_SHARE = env_int("API_THROTTLE_LOCAL_SHARE", env_int("WEB_CONCURRENCY", 1, minimum=1), minimum=1)

SPECTACULAR_SETTINGS = {
    "TITLE": "Factcheck Desk partner API",
    "DESCRIPTION": "Published fact-check verdicts, ClaimReview feed, incremental sync and claim matching.",
    # A semantic version (generated clients use it as their package version): minor for additions.
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "claims.models.Claim.Kind",
        "ClaimantKindEnum": "claims.models.Claimant.Kind",
        "CorrectionKindEnum": "claims.models.Correction.Kind",
        "SourceKindEnum": "sources.models.Source.Kind",
        "EventTypeEnum": "partners.models.EventType",
        "DeliveryStatusEnum": "partners.models.Delivery.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per interval for a database outage, not a traceback per request (factcheck/logfilters.py).
    "filters": {"outage": {"()": "factcheck.logfilters.OutageOncePerInterval"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["outage"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Hardening (README "Deploying") -------------------------------------------------------------
# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "factcheck.accounts.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account (whatever the IP: behind a proxy every editor may share one) after repeated
# failures, for a cool-off period; superusers see and clear lockouts in the admin (Axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that user-agent or cookie rotation bypasses a lock keyed on those; ours is keyed
# on the account, which rotation cannot change.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "factcheck.accounts.lockout_response"
# Two-factor authentication (TOTP, django-otp) is optional for staff; this makes it mandatory for
# everyone who can publish (Reviewers and superusers).
OTP_REQUIRED_FOR_REVIEWERS = env_bool("OTP_REQUIRED_FOR_REVIEWERS", default=False)
OTP_TOTP_ISSUER = SITE_NAME

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Browser features no page of the site uses (factcheck.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)
# No inline script or style anywhere (templates load static files only), so no unsafe-inline or
# unsafe-eval. Swagger UI's one inline <style> (drf-spectacular's template) is allowed by its hash.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Deliberate request limits: a captured source text of a few MB fits, anything bigger is refused
# with a clear 413 page (factcheck.middleware.RequestSizeLimitMiddleware and factcheck.errors).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# JSON backups (manage.py backup) keep timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "factcheck.exact_json"}
# Seconds a client is asked to wait (Retry-After) when the database is unreachable.
OUTAGE_RETRY_AFTER = env_int("OUTAGE_RETRY_AFTER", 30, minimum=1)
# The desk lists drafts and claims in review that nobody touched for this many days as stale work.
DESK_STALE_DAYS = env_int("DESK_STALE_DAYS", 7, minimum=1)

# --- The desk: reader tips and notifications (README "Reader tips", "Notifications") -------------
# Tips one address may send (desk.views.tip_new); the counters are the API's (claims.api.throttling).
TIPS_RATE = env_rate("TIPS_RATE", "5/hour")
# Notification emails go out from the task queue (desk.tasks). Development prints them to the console.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# A worker waiting on a silent mail server would hold up the queue; a timed-out send is retried.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "desk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Article intake (README "Article intake") ------------------------------------------------------
# Largest pasted text or uploaded file (bytes); the request itself is capped by DATA_UPLOAD_MAX_MEMORY_SIZE.
INTAKE_MAX_BYTES = env_int("INTAKE_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
# Fetching a URL (intake/fetching.py): the largest page (after decompression), the seconds the whole
# fetch may take, how many redirects are followed and how many fetches one editor may ask for.
INTAKE_FETCH_MAX_BYTES = env_int("INTAKE_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
INTAKE_FETCH_TIMEOUT = env_float("INTAKE_FETCH_TIMEOUT", 10.0, minimum=0.1)
INTAKE_FETCH_MAX_REDIRECTS = 5
INTAKE_FETCH_RATE = env_rate("INTAKE_FETCH_RATE", "30/hour")
# Networks (CIDR) that may be fetched although they are private, loopback or reserved; none in
# production. Pages on the public internet are always allowed.
INTAKE_FETCH_ALLOWED_NETWORKS = env_list("INTAKE_FETCH_ALLOWED_NETWORKS")
for _network in INTAKE_FETCH_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"INTAKE_FETCH_ALLOWED_NETWORKS must list networks such as 10.0.0.0/8; got {_network!r}."
        ) from None

# --- Partners: webhooks, watches, the bulk dataset, CORS (README "Partners") ---------------------
# Webhook endpoints must resolve to public addresses (partners/urlguard.py), except in these networks
# (CIDR): none in production, where one would let a partner make the site request internal services;
# the tests allow their local receivers' 127.0.0.0/8.
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS")
for _network in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"WEBHOOK_ALLOWED_NETWORKS must list networks such as 10.0.0.0/8; got {_network!r}."
        ) from None
# Seconds an endpoint has to answer a delivery before the attempt counts as failed (and is retried).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
# After a secret rotation, the old secret keeps signing (beside the new one) for this many hours.
WEBHOOK_SECRET_OVERLAP_HOURS = env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24, minimum=0)
PARTNER_ENDPOINT_QUOTA = env_int("PARTNER_ENDPOINT_QUOTA", 10, minimum=1)
PARTNER_WATCH_QUOTA = env_int("PARTNER_WATCH_QUOTA", 1000, minimum=1)
# The bulk dataset (partners/dataset.py): where its files are kept, its licence, how long after a
# change it is rebuilt (changes in between share one build) and how many versions are kept.
DATASET_ROOT = Path(env_str("DATASET_ROOT") or BASE_DIR / "datasets")
STORAGES["datasets"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": DATASET_ROOT},
}
DATASET_LICENSE_NAME = env_str("DATASET_LICENSE_NAME", "CC BY 4.0")
DATASET_LICENSE_URL = env_str("DATASET_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/")
DATASET_REBUILD_DELAY = env_int("DATASET_REBUILD_DELAY", 600, minimum=0)
DATASET_KEEP_VERSIONS = env_int("DATASET_KEEP_VERSIONS", 30, minimum=1)
# CORS (django-cors-headers) for the API and the dataset: reads only (GET, HEAD and the preflight),
# never with cookies. Any origin unless API_CORS_ORIGINS lists them (https://partner.example,...).
CORS_URLS_REGEX = r"^/(api/v1|data)/.*$"
CORS_ALLOWED_ORIGINS = env_list("API_CORS_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "if-none-match", "x-api-key"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "RateLimit",
    "RateLimit-Policy",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
]
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = 86400
