"""Celery tasks of the demand engine: thin, idempotent, retried on database errors."""

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError, DatabaseError)
RETRY = {"autoretry_for": DATABASE_ERRORS, "retry_backoff": 1, "retry_backoff_max": 60, "max_retries": 10}


@shared_task(acks_late=True, **RETRY)
def recompute_marked_demand(trigger: str = "task") -> dict[str, int]:
    """Drain the dirty marks. Queued after every commit that marks cells, and by beat every minute."""
    return services.demand_drain(trigger=trigger)


@shared_task(acks_late=True, **RETRY)
def recompute_all_demand(trigger: str = "beat") -> dict[str, int]:
    """Rebuild every summary from the source and record the drift found (nightly)."""
    return services.demand_recompute_all(trigger=trigger)
