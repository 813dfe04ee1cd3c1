"""The transactional outbox the demand and coverage engines drain.

A write that can change a derived figure inserts a **mark** (a row of an app's mark model: a
demand cell, a track) in its own transaction, so a rolled-back write leaves no mark and a
committed one can never lose it. After commit one coalescing drain is requested (``request_drain``).
The drain (``drain``) repeats, each time in one transaction: claim the oldest marks no other
worker holds (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers
anyway), take the engine's advisory locks, recompute what the marks name **from the source rows**,
and delete exactly the marks it claimed. A worker killed mid-batch leaves its marks to the next
run; re-running is harmless. A full recompute takes ``GLOBAL`` exclusively (``lock_everything``),
which every batch takes shared, so the two never interleave; ``differences`` is what both engines'
verification reports as drift.

This module knows no app: the engines pass their mark model, their recompute and their task.
"""

import logging
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction

from .degrade import step_aside

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x43480000  # "CH": keeps CareerHub's advisory locks apart from other users' of the database
GLOBAL = (LOCK_NAMESPACE, 0)
# While a drain request's flag is set, a drain is queued and will see every mark committed before it starts.
REQUEST_TTL = 120  # seconds; the beat drain covers a worker lost before clearing it
LAST_DRAIN_KEY = "outbox:last-drain:{database}:{table}"


@dataclass
class DrainResult:
    """What a drain did: marks claimed and deleted, items recomputed (cells, tracks), transactions."""

    marks: int = 0
    items: int = 0
    batches: int = 0


def lock(keys: Iterable[tuple[int, int]], *, shared: bool = False) -> None:
    """Take transaction-level advisory locks, in one global key order so that two workers never deadlock.

    PostgreSQL only: SQLite runs one writer at a time.
    """
    keys = sorted(set(keys))
    if connection.vendor != "postgresql" or not keys:
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count({function}(a, b)) FROM (SELECT a, b FROM unnest(%s::int[], %s::int[]) AS k(a, b) "
            "ORDER BY a, b) AS ordered",
            [[a for a, _ in keys], [b for _, b in keys]],
        )


def lock_everything() -> None:
    """Hold every drain off until this transaction ends (a full recompute's rebuild)."""
    lock([GLOBAL])


def claim(mark_model: type[models.Model], fields: tuple[str, ...], limit: int) -> list[tuple]:
    """Lock and return up to ``limit`` marks no other worker holds, oldest first, as tuples of ``fields``."""
    return list(
        mark_model.objects.select_for_update(skip_locked=True).order_by("id").values_list(*fields)[:limit]
    )


def drain(
    mark_model: type[models.Model],
    fields: tuple[str, ...],
    recompute: Callable[[list[tuple]], int],
    *,
    batch_size: int,
    max_batches: int | None = None,
) -> DrainResult:
    """Claim a batch of marks, ``recompute(marks)`` (returns items recomputed), delete the marks, commit; repeat.

    ``fields`` must start with ``"id"``. ``recompute`` runs in the claiming transaction, after the
    shared global lock, and takes the finer locks its rows need.
    """
    result = DrainResult()
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            marks = claim(mark_model, fields, batch_size)
            if not marks:
                break
            lock([GLOBAL], shared=True)
            result.items += recompute(marks)
            mark_model.objects.filter(id__in=[mark[0] for mark in marks]).delete()
        result.marks += len(marks)
        result.batches += 1
        if len(marks) < batch_size:
            break  # drained: a mark committed from now on requested a drain of its own
    _record_drain(mark_model)
    return result


def _last_drain_key(mark_model: type[models.Model]) -> str:
    return LAST_DRAIN_KEY.format(database=connection.settings_dict["NAME"], table=mark_model._meta.db_table)


def _record_drain(mark_model: type[models.Model]) -> None:
    """Note when this outbox was last drained (``/metrics``); an empty drain writes nothing else."""
    try:
        cache.set(_last_drain_key(mark_model), time.time(), timeout=None)
    except Exception as error:
        step_aside("drain-record", error, "the drain goes on without noting its time")


def last_drains(mark_models: list[type[models.Model]]) -> dict[type[models.Model], float | None]:
    """When each outbox was last drained (Unix time), as noted by ``drain``; ``None`` when not known."""
    keys = {mark_model: _last_drain_key(mark_model) for mark_model in mark_models}
    try:
        found = cache.get_many(list(keys.values()))
    except Exception as error:
        step_aside("drain-record", error, "the last drains are not known")
        found = {}
    return {mark_model: found.get(key) for mark_model, key in keys.items()}


def request_drain_after_commit(flag: str, task: Any) -> None:
    """Once the current transaction commits, queue ``task`` unless a drain is queued already (``flag`` set).

    A burst of writes becomes a few drains, not one task per write. A cache outage queues a drain
    anyway rather than lose one; a broker outage leaves the marks to the beat drain.
    """

    # A named function, not ``functools.partial``: a robust hook that raises is logged by its
    # ``__qualname__``, which a partial lacks, and the logging itself would fail the request.
    def request() -> None:
        request_drain(flag, task)

    transaction.on_commit(request, robust=True)


def request_drain(flag: str, task: Any) -> None:
    """Queue ``task`` unless a drain is queued already; see ``request_drain_after_commit``."""
    try:
        first = cache.add(flag, 1, timeout=REQUEST_TTL)
    except Exception as error:
        step_aside("drain-request", error, "a drain is queued without coalescing")
        first = True
    if first:
        task.delay()


def forget_drain_request(flag: str) -> None:
    """Clear the flag as a drain starts, so that marks committed from now on queue another drain."""
    try:
        cache.delete(flag)
    except Exception as error:
        step_aside("drain-request", error, "the drain goes on without clearing its flag")


def differences(stored: Mapping[Hashable, Any], fresh: Mapping[Hashable, Any], *, missing: Any = 0) -> list[tuple]:
    """``(key, stored, fresh)`` for every key whose values differ (a key without a row is ``missing``), sorted."""
    keys = stored.keys() | fresh.keys()
    found = [
        (key, stored.get(key, missing), fresh.get(key, missing))
        for key in keys
        if stored.get(key, missing) != fresh.get(key, missing)
    ]
    return sorted(found, key=lambda row: _sortable(row[0]))


def _sortable(key: Any) -> tuple:
    parts = key if isinstance(key, tuple) else (key,)
    return tuple((part is None, part if part is not None else 0) for part in parts)
