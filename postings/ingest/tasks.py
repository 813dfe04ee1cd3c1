"""Celery tasks of posting ingestion: thin, take ids, idempotent."""

from celery import shared_task

from ..demand.tasks import RETRY
from . import jobs, near_duplicates


@shared_task(acks_late=True, **RETRY)
def find_near_duplicates(*, employer_ids: list[int], from_id: int) -> int:
    """Flag near-duplicates among the postings an import added (ids from ``from_id``) for these employers."""
    return near_duplicates.near_duplicates_find(employer_ids=employer_ids, from_id=from_id)


@shared_task(acks_late=True, **RETRY)
def run_import_job(*, job_id: int, confirm: bool) -> str:
    """Check (``confirm=False``) or import (``confirm=True``) a file an editor uploaded in the admin."""
    return jobs.import_job_run(job_id=job_id, confirm=confirm)
