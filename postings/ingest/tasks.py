"""Celery tasks of posting ingestion: thin, take ids, idempotent."""

from celery import shared_task

from ..demand.tasks import RETRY
from . import jobs, near_duplicates


@shared_task(acks_late=True, **RETRY)
def find_near_duplicates(*, employer_ids: list[int] | None = None, from_id: int | None = None) -> int:
    """Scan the employers imports left waiting (``NearDuplicateScan``): queued after each import and by beat.

    ``employer_ids`` and ``from_id`` come only from messages queued before scans were kept as rows;
    those employers are scanned as such messages asked.
    """
    found = 0
    if employer_ids and from_id is not None:
        found += near_duplicates.near_duplicates_find(employer_ids=employer_ids, from_id=from_id)
    return found + near_duplicates.near_duplicate_scans_drain()


@shared_task(acks_late=True, **RETRY)
def run_import_job(*, job_id: int, confirm: bool) -> str:
    """Check (``confirm=False``) or import (``confirm=True``) a file an editor uploaded in the admin."""
    return jobs.import_job_run(job_id=job_id, confirm=confirm)
