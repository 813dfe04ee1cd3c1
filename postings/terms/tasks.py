"""Celery tasks of new terms: thin, take ids, idempotent."""

from celery import shared_task

from ..demand.tasks import RETRY
from .services import new_terms_record


@shared_task(acks_late=True, **RETRY)
def find_new_terms(*, posting_ids: list[int]) -> int:
    """Read postings an import wrote for terms the taxonomy lacks (mentions are replaced: re-running is harmless)."""
    return new_terms_record(posting_ids=posting_ids)
