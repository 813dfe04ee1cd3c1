"""WSGI entry point of the web processes (gunicorn careerhub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.db.backends.signals import connection_created

from careerhub.database import serial_plans

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
# A web process: the short statement timeout of web requests (CAREERHUB_DB_STATEMENT_TIMEOUT), not the workers'.
os.environ.setdefault("CAREERHUB_PROCESS", "web")

application = get_wsgi_application()
connection_created.connect(serial_plans)
