"""WSGI entry point (gunicorn careerhub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
# A web process: the short statement timeout of web requests (CAREERHUB_DB_STATEMENT_TIMEOUT), not the workers'.
os.environ.setdefault("CAREERHUB_PROCESS", "web")

application = get_wsgi_application()
