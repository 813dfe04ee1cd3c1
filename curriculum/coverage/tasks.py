"""Celery tasks of coverage. Marked tracks are drained by the demand engine's own task (see ``apps.py``)."""

from celery import shared_task

from postings.demand.tasks import RETRY

from . import services


@shared_task(acks_late=True, **RETRY)
def recompute_all_coverage(trigger: str = "beat") -> dict:
    """Recompute every track's coverage and record the drift found (nightly, after the demand rebuild).

    It also moves every result's window on when a new month starts.
    """
    return services.coverage_recompute_all(trigger=trigger)
