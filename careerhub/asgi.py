"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
# A web process: the short statement timeout of web requests (CAREERHUB_DB_STATEMENT_TIMEOUT), not the workers'.
os.environ.setdefault("CAREERHUB_PROCESS", "web")

application = get_asgi_application()
