"""Demand engine entry points used by tasks, the command and the admin; each records its run."""

import logging

from django.db import connection
from django.utils import timezone

from . import engine, signals
from .models import DemandRun

logger = logging.getLogger(__name__)

# Drains queued after each commit are frequent and quick; recording each would bury the
# runs editors care about. A drain is recorded when a person asked for it (a command, the admin),
# when a beat drain found marks to drain, or when it fails: the beat's empty drain every minute
# records nothing (it would add 1,440 rows a day that say nothing).
QUIET_TRIGGERS = {"task"}
ASKED_TRIGGERS = {"command", "admin"}


def demand_drain(*, trigger: str) -> dict[str, int]:
    """Recompute every marked cell; record the run unless it is routine (after commit) or found nothing to do."""
    started = timezone.now()
    try:
        result = engine.recompute_marked()
    except Exception as error:
        _record_failure(None, DemandRun.Kind.INCREMENTAL, trigger, error)
        raise
    if trigger in ASKED_TRIGGERS or (result.marks and trigger not in QUIET_TRIGGERS):
        run = engine.record_run(DemandRun.Kind.INCREMENTAL, trigger, started_at=started)
        engine.finish_run(run, marks=result.marks, cells=result.items)
    if result.marks or trigger in ASKED_TRIGGERS:
        logger.info("Demand drain (%s): %s marks, %s cells, %s batches", trigger, result.marks, result.items,
                    result.batches)
    signals.demand_drained.send(sender=DemandRun, trigger=trigger)
    return {"marks": result.marks, "cells": result.items, "batches": result.batches}


def demand_recompute_all(*, trigger: str, apply: bool = True) -> dict[str, int]:
    """Rebuild (or, without ``apply``, only compare) every summary; record cells written and drift."""
    kind = DemandRun.Kind.FULL if apply else DemandRun.Kind.VERIFY
    run = engine.record_run(kind, trigger)
    try:
        comparison, written = engine.recompute_all(apply=apply, check_copies=True)
    except Exception as error:
        _record_failure(run, kind, trigger, error)
        raise
    engine.finish_run(run, cells=written, drift=comparison.drift, drift_sample=comparison.sample())
    if apply:
        signals.demand_drained.send(sender=DemandRun, trigger=trigger)
    if comparison.drift:
        logger.error("Demand drift: %s cells differed from the source; first: %s", comparison.drift,
                     comparison.sample(5))
    return {"cells": written, "drift": comparison.drift, "pending": comparison.pending, "run": run.pk}


def _record_failure(run: DemandRun | None, kind: str, trigger: str, error: Exception) -> None:
    # The failed transaction is rolled back already; the record is written on its own.
    if connection.in_atomic_block:
        return
    try:
        run = run or engine.record_run(kind, trigger)
        engine.finish_run(run, error=f"{type(error).__name__}: {error}")
    except Exception:
        logger.exception("Could not record the failed demand run.")
