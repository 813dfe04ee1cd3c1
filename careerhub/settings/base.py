"""CareerHub settings, read from the environment with safe local defaults.

Local defaults (nothing set): SQLite file in the project root, Celery tasks run
eagerly after commit, debug off. ``careerhub.settings.production`` tightens these
for deployment.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

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
    "django.contrib.admin",
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
    "careerhub",
    "segments",
    "postings",
    "curriculum",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous API reads answered from the cache while no write has committed (careerhub/core/api/cache.py).
    "careerhub.core.api.cache.AnswerCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every historical record written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
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
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

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
        'Every 4xx answer has the form `{"detail": ..., "errors": [{"field", "message", "row"}]}`.'
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
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Longer than the longest task (the hard time limit), or Redis would redeliver a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_IMPORTS = ["postings.demand.tasks", "postings.ingest.tasks", "curriculum.coverage.tasks"]
CELERY_BEAT_SCHEDULE = {
    # Leftover marks (a worker killed mid-task, a lost queue message) are drained within a minute.
    "demand-drain": {
        "task": "postings.demand.tasks.recompute_marked_demand",
        "schedule": 60.0,
        "kwargs": {"trigger": "beat"},
    },
    # Nightly: rebuild everything from the source and record any drift (there should be none).
    "demand-full-recompute": {
        "task": "postings.demand.tasks.recompute_all_demand",
        "schedule": crontab(hour=3, minute=15),
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
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "careerhub"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Anonymous GET answers of the API are kept in the cache until a write commits, and at most this many
# seconds (0: not cached). Exact only with a cache every process shares, hence off by default here.
CAREERHUB_API_CACHE_SECONDS = int(os.environ.get("CAREERHUB_API_CACHE_SECONDS") or "0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- CareerHub ------------------------------------------------------------------------------
# The group editors are added to; its permissions are kept current by every `migrate`.
CAREERHUB_EDITOR_GROUP = "Editors"
# Coverage: a segment's demand is its top N skills over the last months of postings; a taught skill
# asked for by fewer than this share of a segment's postings is surplus.
CAREERHUB_COVERAGE_TOP_N = int(os.environ.get("CAREERHUB_COVERAGE_TOP_N", "20"))
CAREERHUB_COVERAGE_WINDOW_MONTHS = int(os.environ.get("CAREERHUB_COVERAGE_WINDOW_MONTHS", "12"))
CAREERHUB_COVERAGE_SURPLUS_SHARE = float(os.environ.get("CAREERHUB_COVERAGE_SURPLUS_SHARE", "0.05"))
