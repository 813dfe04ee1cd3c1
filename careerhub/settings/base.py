"""CareerHub settings, read from the environment with safe local defaults.

Local defaults (nothing set): SQLite file in the project root, Celery tasks run
eagerly after commit, debug off. ``careerhub.settings.production`` tightens these
for deployment.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from careerhub.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# A fixed key is acceptable only for local use; production.py refuses to start without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-only-careerhub-development-key"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "careerhub.apps.CareerHubAdminConfig",  # django.contrib.admin, its index the editors' home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "axes",
    # Its system checks of the Content-Security-Policy settings.
    "csp",
    "careerhub",
    "segments",
    "postings",
    "curriculum",
]

MIDDLEWARE = [
    # An id on every request's log lines and answer (X-Request-ID).
    "careerhub.core.logs.RequestIdMiddleware",
    # TRACE and its kin: 405 before anything else could answer them.
    "careerhub.core.http.RefuseMethodsMiddleware",
    # Every request's latency and database time, by view (/metrics).
    "careerhub.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Error answers under /api/ in the API's JSON format, whoever produced them (a 404 outside its routes,
    # a refused body, a 500).
    "careerhub.core.api.middleware.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous API requests are counted before the answer cache may serve them (careerhub/core/api/throttles.py).
    "careerhub.core.api.throttles.AnonymousLimitMiddleware",
    # Anonymous API reads answered from the cache while no write has committed (careerhub/core/api/cache.py).
    "careerhub.core.api.cache.AnswerCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A GET that found nothing (404) at an address whose content moved: 301 to where it is now.
    "careerhub.core.redirects.RedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An answer with an editor's "Edit this page" link is private: no shared cache keeps it for others.
    "careerhub.core.visibility.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every historical record written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After (careerhub/core/unavailable.py).
    "careerhub.core.unavailable.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: the answer to a locked-out admin login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "careerhub.urls"

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
                "careerhub.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "careerhub.wsgi.application"

# Timeouts (seconds; 0: none). A web request gives up on a database that does not answer after the connect
# timeout and on a statement after the statement timeout, and answers 503 (careerhub/core/unavailable.py):
# together well under gunicorn's 30 s worker timeout (gunicorn.conf.py). wsgi.py marks the web processes;
# Celery workers and management commands (imports, recomputes, migrations) get the longer worker timeout.
CAREERHUB_DB_CONNECT_TIMEOUT = int(os.environ.get("CAREERHUB_DB_CONNECT_TIMEOUT", "5"))
CAREERHUB_DB_STATEMENT_TIMEOUT = int(os.environ.get("CAREERHUB_DB_STATEMENT_TIMEOUT", "10"))
CAREERHUB_DB_WORKER_STATEMENT_TIMEOUT = int(os.environ.get("CAREERHUB_DB_WORKER_STATEMENT_TIMEOUT", str(25 * 60)))


def database_config(url: str, *, connect_timeout: int, statement_timeout: int) -> dict:
    """One database's settings from its URL; on PostgreSQL with these connect and statement timeouts (seconds)."""
    config = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        if connect_timeout:
            options.setdefault("connect_timeout", connect_timeout)
        if statement_timeout and "options" not in options:
            # Sent with the connection's start-up: no extra query per request.
            options["options"] = f"-c statement_timeout={statement_timeout * 1000}"
    return config


CAREERHUB_PROCESS = os.environ.get("CAREERHUB_PROCESS", "")  # "web" under gunicorn (wsgi.py)
DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        connect_timeout=CAREERHUB_DB_CONNECT_TIMEOUT,
        statement_timeout=(
            CAREERHUB_DB_STATEMENT_TIMEOUT if CAREERHUB_PROCESS == "web" else CAREERHUB_DB_WORKER_STATEMENT_TIMEOUT
        ),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "careerhub" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Transitional for Django 6.0: URLs typed without a scheme are taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

LOGIN_URL = "admin:login"

# Admin logins (django-axes): after CAREERHUB_LOGIN_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for CAREERHUB_LOGIN_COOLOFF_MINUTES (even with the right password).
# Failures and lockouts are logged and listed in the admin (Axes: access attempts), where deleting the
# attempts unlocks; so does `manage.py axes_reset`. Addresses come from careerhub.core.http.client_address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CAREERHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CAREERHUB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "careerhub.core.http.axes_client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # failures and lockouts are still logged (user name and address), not a banner per process

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["careerhub.core.api.permissions.ReadOrModelPermission"],
    "EXCEPTION_HANDLER": "careerhub.core.api.errors.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["careerhub.core.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "careerhub.core.api.schema.CareerHubAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "careerhub.core.api.throttles.AnonymousThrottle",
        "careerhub.core.api.throttles.TokenThrottle",
    ],
    # JSON only: the browsable API would be a second, undocumented surface.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON, refusing bodies nested too deeply or holding NUL characters (careerhub/core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["careerhub.core.api.parsers.SafeJSONParser"],
}

# The largest body the API reads: one object (a track, a skill, a posting) at most 2 MiB, a batch of up
# to 1,000 postings (``postings/bulk/``) at most 16 MiB. A larger body is answered 413 before it is read.
CAREERHUB_API_MAX_BODY_BYTES = 2 * 1024 * 1024
CAREERHUB_API_MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024
# Django refuses a body past this before any view sees it; the API's own limits above are the real ones.
DATA_UPLOAD_MAX_MEMORY_SIZE = CAREERHUB_API_MAX_BATCH_BODY_BYTES

# Proxies of our own in front of the app (a load balancer, nginx): each appends to X-Forwarded-For, so the
# client's address is the entry this many places from the right. 0 (the default): the connecting address
# (REMOTE_ADDR) and X-Forwarded-For is ignored, since a client can write anything there.
CAREERHUB_TRUSTED_PROXIES = int(os.environ.get("CAREERHUB_TRUSTED_PROXIES", "0"))

# Requests per client: anonymous by IP address, authenticated by user. Empty means no limit
# (the benchmark turns them off; a load balancer in front may do the limiting instead).
CAREERHUB_API_THROTTLE_RATES = {
    "anon": os.environ.get("CAREERHUB_API_ANON_RATE", "120/minute") or None,
    "user": os.environ.get("CAREERHUB_API_USER_RATE", "1200/minute") or None,
    # Readiness and job-ad answers (page form and API), per client address: each reads up to 50 KB of text.
    "readiness": os.environ.get("CAREERHUB_READINESS_RATE", "30/minute") or None,
}


SPECTACULAR_SETTINGS = {
    "TITLE": "CareerHub API",
    "DESCRIPTION": (
        "Employer segments, curriculum tracks, the skill taxonomy, job postings and skill demand. "
        "Reads are public and return published content only; writes need a token "
        "(`Authorization: Token <key>`) of a user with the Django model permission. "
        'Every error answer has the form `{"detail": ..., "errors": [{"field", "message", "row"}]}`. '
        "A change (PATCH) writes only the fields sent; editorial objects carry a `version`, in their ETag too: "
        "`If-Match` or `version` in the body make a change conditional on it (412 or 409 when stale). "
        "Bodies: at most 2 MiB, 16 MiB for `postings/bulk/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Read-only fields may be left out of an answer: editor-only fields, and those `?fields=` trims.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Served from the installed package (drf-spectacular-sidecar): nothing is fetched from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "careerhub.core.editorial.Status",
        "ResourceKindEnum": "curriculum.models.ResourceKind",
        "DemandBasisEnum": "postings.demand.window.BASES",
    },
}

# CORS: browsers on these origins may read the API (never write: no credentials, read methods only).
CORS_ALLOWED_ORIGINS = env_list("CAREERHUB_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# --- Celery -----------------------------------------------------------------------------
# No broker configured means the embedded mode: tasks run in-process, after commit.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else None
)
CELERY_RESULT_EXPIRES = 3600
# No loss: a task is acknowledged only when it has finished, and re-queued if its worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The longest task (the nightly full recompute) takes minutes at the sizes in docs/benchmarks.md; the
# hard limit ends a task stuck far beyond that, and the worker statement timeout matches the soft limit.
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", str(30 * 60)))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - min(5 * 60, CELERY_TASK_TIME_LIMIT // 6)
# A message taken by a worker that dies (SIGKILL, lost machine) goes back to the queue after this long on
# Redis. It must be longer than the longest task (the hard limit), or Redis would hand a running task to a
# second worker; a little longer is enough. The work of a lost message does not wait for it: demand and
# coverage marks, and near-duplicate scans, are rows that the beat sweeps drain within minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
# Logs go through Django's LOGGING (one format for web, worker and beat), not Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The queue tasks go to unless routed elsewhere, including tasks a task queues (a beat job queues a sync per source).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_IMPORTS = [
    "postings.demand.tasks",
    "postings.ingest.tasks",
    "postings.sources.tasks",
    "postings.terms.tasks",
    "curriculum.coverage.tasks",
]
CELERY_BEAT_SCHEDULE = {
    # Revisions scheduled to publish or unpublish are carried out within a minute of their time.
    "publishing-schedule": {
        "task": "careerhub.tasks.carry_out_publishing_schedule",
        "schedule": 60.0,
    },
    # Leftover marks (a worker killed mid-task, a lost queue message) are drained within a minute.
    "demand-drain": {
        "task": "postings.demand.tasks.recompute_marked_demand",
        "schedule": 60.0,
        "kwargs": {"trigger": "beat"},
    },
    # Near-duplicate scans an import left waiting (its task lost with a worker or a broker restart).
    "near-duplicate-sweep": {
        "task": "postings.ingest.tasks.find_near_duplicates",
        "schedule": 300.0,
    },
    # Nightly: rebuild everything from the source and record any drift (there should be none).
    "demand-full-recompute": {
        "task": "postings.demand.tasks.recompute_all_demand",
        "schedule": crontab(hour=3, minute=15),
        "kwargs": {"trigger": "beat"},
    },
    # Every 15 minutes: queue a sync of each job-board source whose interval (default a day) has passed.
    "sources-sync-due": {
        "task": "postings.sources.tasks.sync_due_sources",
        "schedule": 15 * 60.0,
        "kwargs": {"trigger": "beat"},
    },
    # Nightly, after the demand rebuild: recompute every track's coverage (moves the window on each month).
    "coverage-full-recompute": {
        "task": "curriculum.coverage.tasks.recompute_all_coverage",
        "schedule": crontab(hour=3, minute=45),
        "kwargs": {"trigger": "beat"},
    },
}

# Shared cache: with a Redis broker, Redis; otherwise this process's memory (the embedded mode).
CACHE_URL = os.environ.get("CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
# A cache that does not answer within CAREERHUB_CACHE_TIMEOUT seconds is treated as down: request limits and
# the answer cache step aside and requests are answered from the database (careerhub/core/degrade.py).
CAREERHUB_CACHE_TIMEOUT = float(os.environ.get("CAREERHUB_CACHE_TIMEOUT", "0.5"))
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "careerhub",
            "OPTIONS": {
                "socket_connect_timeout": CAREERHUB_CACHE_TIMEOUT,
                "socket_timeout": CAREERHUB_CACHE_TIMEOUT,
            },
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Anonymous GET answers of the API are kept in the cache until a write commits, and at most this many
# seconds (0: not cached). Exact only with a cache every process shares, hence off by default here.
CAREERHUB_API_CACHE_SECONDS = int(os.environ.get("CAREERHUB_API_CACHE_SECONDS") or "0")

# One format for web, Celery and gunicorn's access log (careerhub/core/logs.py): "json" (production's
# default) or "plain" (local); every line carries the request id (or the Celery task id).
LOGGING = logging_config(
    fmt=os.environ.get("DJANGO_LOG_FORMAT", "plain"), level=os.environ.get("DJANGO_LOG_LEVEL", "INFO")
)

# --- The operator's view (careerhub/health.py) -------------------------------------------------
# /metrics answers only a bearer token or these addresses (networks allowed: 10.0.0.0/8); neither set: off.
CAREERHUB_METRICS_TOKEN = os.environ.get("CAREERHUB_METRICS_TOKEN", "")
CAREERHUB_METRICS_ALLOWED_ADDRESSES = env_list("CAREERHUB_METRICS_ALLOWED_ADDRESSES")

# --- CareerHub ------------------------------------------------------------------------------
# The group editors are added to; its permissions are kept current by every `migrate`.
CAREERHUB_EDITOR_GROUP = "Editors"
# Editors who may publish, send back and schedule revisions (careerhub.core.services.publisher_group_sync).
CAREERHUB_PUBLISHER_GROUP = "Publishers"
# Coverage: a segment's demand is its skills in a tier (core, distinguishing, rising) over the last months
# of postings; a taught skill asked for by fewer than this share of a segment's postings is surplus.
CAREERHUB_COVERAGE_WINDOW_MONTHS = int(os.environ.get("CAREERHUB_COVERAGE_WINDOW_MONTHS", "12"))
CAREERHUB_COVERAGE_SURPLUS_SHARE = float(os.environ.get("CAREERHUB_COVERAGE_SURPLUS_SHARE", "0.05"))
# The editors' home (the admin index, careerhub/admin_home.py): content published in the last N days is
# "recently published"; published content nobody has saved for N days is due for a review; a module is
# flagged when a skill's share of postings in its track's segments moved by at least this much in six
# months, up or down, as an absolute difference of shares (0.10 = ten percentage points: 20% -> 30%).
CAREERHUB_RECENTLY_PUBLISHED_DAYS = int(os.environ.get("CAREERHUB_RECENTLY_PUBLISHED_DAYS", "14"))
CAREERHUB_REVIEW_AFTER_DAYS = int(os.environ.get("CAREERHUB_REVIEW_AFTER_DAYS", "180"))
CAREERHUB_DEMAND_DRIFT_SHARE = float(os.environ.get("CAREERHUB_DEMAND_DRIFT_SHARE", "0.10"))

# Job-board sources (docs/sources.md). The contact address goes in every request's User-Agent, so that
# whoever runs a board can tell who is reading it and reach a person: set it to a monitored address.
CAREERHUB_SOURCES_CONTACT = os.environ.get("CAREERHUB_CONTACT_EMAIL", "careerhub-admin@localhost")
CAREERHUB_SOURCES_CONNECT_TIMEOUT = float(os.environ.get("CAREERHUB_SOURCES_CONNECT_TIMEOUT", "5"))
CAREERHUB_SOURCES_READ_TIMEOUT = float(os.environ.get("CAREERHUB_SOURCES_READ_TIMEOUT", "30"))
CAREERHUB_SOURCES_RETRIES = int(os.environ.get("CAREERHUB_SOURCES_RETRIES", "3"))
CAREERHUB_SOURCES_BACKOFF = float(os.environ.get("CAREERHUB_SOURCES_BACKOFF", "1.0"))  # 1 s, 2 s, 4 s
CAREERHUB_SOURCES_RETRY_AFTER_MAX = int(os.environ.get("CAREERHUB_SOURCES_RETRY_AFTER_MAX", "120"))
# A board of 5,000 postings with their text is about 15 MB; anything far larger is not a job board.
CAREERHUB_SOURCES_MAX_BYTES = int(os.environ.get("CAREERHUB_SOURCES_MAX_BYTES", str(25 * 1024 * 1024)))
# At least this many seconds between two requests to one host, across the workers sharing the cache.
CAREERHUB_SOURCES_HOST_INTERVAL = float(os.environ.get("CAREERHUB_SOURCES_HOST_INTERVAL", "1.0"))
CAREERHUB_SOURCES_MAX_PAGES = int(os.environ.get("CAREERHUB_SOURCES_MAX_PAGES", "500"))
# New terms (postings.terms): a term is queued for editors once this many postings mention it.
CAREERHUB_NEW_TERM_MIN_POSTINGS = int(os.environ.get("CAREERHUB_NEW_TERM_MIN_POSTINGS", "2"))

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from our own static files,
# nothing inline (no 'unsafe-inline', no eval) on any page, the admin and the API's docs included;
# no plugins, no framing, forms only to ourselves. The browser tests fail on any violation
# (tests/browser/conftest.py). docs/decisions/0018-strict-content-security-policy.md says why and how.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Inline SVG icons of the admin and the API docs are data: URLs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Permissions-Policy (django-permissions-policy): every powerful feature the site never uses is off,
# for us and for anything we might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid",
        "identity-credentials-get", "idle-detection", "local-fonts", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-create", "publickey-credentials-get",
        "screen-wake-lock", "serial", "storage-access", "usb", "web-share", "xr-spatial-tracking",
    )
}  # fmt: skip

