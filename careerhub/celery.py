"""The Celery application, configured from Django settings (namespace ``CELERY_``)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

app = Celery("careerhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_failure.connect
def _count_task_failure(sender=None, **kwargs) -> None:
    """Every failed task counted in the shared cache, for ``/metrics`` (careerhub/health.py)."""
    from careerhub.health import count_task_failure

    count_task_failure(sender=sender)
