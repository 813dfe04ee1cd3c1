"""WSGI entry point (gunicorn careerhub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

application = get_wsgi_application()
