"""CareerHub: career programs driven by what employers really hire for."""

from .celery import app as celery_app

__all__ = ("celery_app",)
