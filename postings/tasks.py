"""Celery tasks of the taxonomy: thin, idempotent, retried on database errors."""

import logging

from celery import shared_task

from . import services
from .demand.tasks import RETRY

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, **RETRY)
def reextract_postings_mentioning(*, texts: list[str] | None) -> dict[str, int]:
    """Re-extract the postings whose text contains one of these spellings (all postings for None)."""
    counts = services.postings_reextract_mentioning(texts=texts)
    logger.info("Re-extracted postings after a taxonomy change: %s", counts)
    return counts
