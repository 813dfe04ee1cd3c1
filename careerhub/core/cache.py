"""Generation counters: what makes cached answers exact, and the writers' one call, ``content_changed()``.

Cached entries (the API's anonymous answers, the pages' demand figures) are stored with the
generation current when they were computed and used only while it is still current. A writer
moves the generation on **after its transaction commits**: a reader reads the generation before
its queries, so an entry stored with generation ``g`` was never computed from rows older than the
commit that produced ``g``, and a rolled-back write moves nothing.

Invalidation is explicit. Every write service ends in ``careerhub.core.services.validated_save``,
and the bulk writers (posting imports, demand and coverage marks, the drains, deletes) call
``content_changed()`` themselves; docs/decisions/0005-api-answer-cache.md lists them and says
why that covers every write path.

Counters live in the default cache (Redis in production, shared by every process) and are moved
with Django's public cache API only. A counter lost from the cache (evicted, a new cache) restarts
from the clock, never from an old value, so no superseded entry can become current again. A cache
outage never fails a write: it is logged, and entries then expire on their own.
"""

import logging
import threading
import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .degrade import step_aside

logger = logging.getLogger(__name__)

CONTENT = "content"  # anything the public API shows
DEMAND = "demand"  # the demand summaries (pages cache figures derived from them)
KEY = "{name}:generation:{database}"

# The bumps a thread has asked for and not yet made, per (database alias, generation name).
_pending = threading.local()


def generation_key(name: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """The cache key of a generation; per database, as several CareerHub databases may share one Redis."""
    return KEY.format(name=name, database=connections[using].settings_dict["NAME"])


def generation(name: str, using: str = DEFAULT_DB_ALIAS) -> int:
    """The current generation ``name``, started from the clock when there is none."""
    key = generation_key(name, using)
    value = cache.get(key)
    if value is None:
        cache.add(key, _clock(), timeout=None)
        value = cache.get(key)
    return int(value)


def bump(*names: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the generations ``names`` on now. A cache outage is logged, never raised."""
    for name in names:
        key = generation_key(name, using)
        try:
            try:
                cache.incr(key)
            except ValueError:  # no counter (evicted, a new cache): any new value differs from all cached ones
                cache.add(key, _clock(), timeout=None)
        except Exception as error:  # a cache outage must not fail a write; entries then expire on their own
            step_aside("generation", error, f"cached {name} entries expire on their own")


def bump_on_commit(*names: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the generations ``names`` on once the current transaction commits (at once outside one).

    Every call registers its own ``on_commit`` callback, so a rolled-back savepoint drops exactly
    the callbacks its own writes asked for; the callbacks of one commit share a batch, and only
    the first to run bumps, so a transaction that saves a thousand objects bumps once.
    """
    batches = _pending.__dict__.setdefault("batches", {})
    batch = batches.get((using, names))
    if batch is None:
        batch = batches[(using, names)] = {"done": False}

    def bump_once() -> None:
        if batch["done"]:
            return
        batch["done"] = True
        if batches.get((using, names)) is batch:
            del batches[(using, names)]
        bump(*names, using=using)

    # robust: the write has committed; a failing bump (logged in ``bump``) must not fail the request.
    transaction.on_commit(bump_once, using=using, robust=True)


def content_generation() -> int:
    """The current generation of everything the public API shows."""
    return generation(CONTENT)


def content_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that the current transaction changes what the public API shows: cached answers go stale at its commit.

    Call it inside the write's transaction (every service does, through ``validated_save``).
    """
    bump_on_commit(CONTENT, using=using)


def _clock() -> int:
    return time.time_ns() // 1000
