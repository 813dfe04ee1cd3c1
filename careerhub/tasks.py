"""Site-wide tasks."""

import logging

from celery import shared_task

from careerhub.core.revisions.services import revisions_carry_out_schedule
from curriculum.selectors import track_list
from postings.selectors import skill_list
from segments.selectors import segment_list

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def published_content_counts() -> dict[str, int]:
    """Count the published segments, tracks and skills: a health check that a worker reaches the database."""
    counts = {
        "segments": segment_list().count(),
        "tracks": track_list().count(),
        "skills": skill_list().count(),
    }
    logger.info("Published content: %s", counts)
    return counts


@shared_task(acks_late=True)
def carry_out_publishing_schedule() -> dict[str, int]:
    """Publish and unpublish the revisions whose scheduled time has come (beat, every minute).

    Idempotent: a revision carried out is no longer due, and one another worker holds is skipped.
    """
    done = revisions_carry_out_schedule()
    if any(done.values()):
        logger.info("Publishing schedule carried out: %s", done)
    return done
