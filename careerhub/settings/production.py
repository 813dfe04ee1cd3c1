"""Production settings: everything secure, secrets only from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, logging_config

DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 50 characters.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Static files are served by the app itself (compressed, cache-busted) after `collectstatic`.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1  # noqa: F405
MIDDLEWARE = [*MIDDLEWARE[:_security], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_security:]]  # noqa: F405

# TLS is terminated in front of the app; it forwards the scheme in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and the metrics scraper speak plain HTTP inside the network: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The API's exact cache of anonymous answers (careerhub/core/api/cache.py) is on whenever the cache is shared
# by every process (Redis): each committed write makes the next read fresh; the lifetime is a backstop
# for writes made outside CareerHub (by hand in psql).
CAREERHUB_API_CACHE_SECONDS = int(
    os.environ.get("CAREERHUB_API_CACHE_SECONDS") or (3600 if CACHE_URL else 0)  # noqa: F405
)

# One JSON object per log line (careerhub/core/logs.py), unless DJANGO_LOG_FORMAT says otherwise.
LOGGING = logging_config(
    fmt=os.environ.get("DJANGO_LOG_FORMAT", "json"), level=os.environ.get("DJANGO_LOG_LEVEL", "INFO")
)
