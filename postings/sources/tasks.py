"""Celery tasks of job-board sources: thin, take ids; a sync records its own failures."""

from celery import shared_task

from ..demand.tasks import RETRY
from .models import Source
from .services import source_sync, sources_claim_due


@shared_task(acks_late=True, **RETRY)
def sync_due_sources(*, trigger: str = "beat") -> list[int]:
    """Queue a sync of every source whose interval has passed (beat, every few minutes)."""
    return sources_claim_due(trigger=trigger)


@shared_task(acks_late=True, **RETRY)
def sync_source(*, source_id: int, trigger: str = "beat") -> str:
    """Sync one source and return the run's summary; a source deleted or paused since it was queued is skipped."""
    source = Source.objects.select_related("employer", "segment").filter(pk=source_id).first()
    if source is None or (source.paused_reason and trigger == "beat"):
        return "skipped"
    return source_sync(source=source, trigger=trigger).summary()
