"""Generation counters in the shared cache.

Cached answers and fragments are stored with the generation current when they were computed and
used only while it is still current; writers bump it after their transaction commits. A counter
lost from the cache (evicted, a new cache) restarts from the clock, never from an old value, so no
stale entry can become current again.

Bumps run after every committed write and every demand drain, so they are cheap: all the
generations a transaction moves are bumped together after its commit, in one round trip to Redis
through one long-lived client (see ``careerhub.core.shared_cache``).
"""

import logging
import time

from django.core.cache import cache
from django.db import connection as default_connection
from django.db import connections, transaction
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)


def database_name(connection=default_connection) -> str:
    """Part of every key: several CareerHub databases (tests, developers, benchmarks) may share one Redis."""
    return str(connection.settings_dict["NAME"])


def current(key: str) -> int:
    """The generation stored under ``key``, started from the clock when there is none."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, _clock(), timeout=None)
        generation = cache.get(key)
    return int(generation)


def bump(*keys: str, what: str) -> None:
    """Move the generations under ``keys`` on; a cache outage is logged, never raised (``what`` names the loss)."""
    try:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # no generation yet: any new value differs from all cached ones
                cache.set(key, _clock(), timeout=None)
    except Exception:  # a cache outage must not fail a write; entries then expire on their own
        logger.warning("Cache unavailable; %s could not be invalidated.", what, exc_info=True)


def bump_on_commit(key: str, *, what: str, connection=default_connection) -> None:
    """Bump ``key`` once the current transaction commits (at once outside one).

    The generations a transaction moves at one savepoint level are bumped together, in one call,
    however often it asks. A callback is only shared within a level, so a rolled-back savepoint
    drops exactly the bumps its own writes asked for.
    """
    if isinstance(connection, ConnectionProxy):  # the connection itself: the callbacks are listed on it
        connection = connections[connection.alias]
    if not connection.in_atomic_block:
        bump(key, what=what)
        return
    level = set(connection.savepoint_ids)
    for savepoints, callback, _ in connection.run_on_commit:
        if getattr(callback, "generations_for", None) is connection and savepoints == level:
            callback.keys[key] = what
            return

    def bump_pending() -> None:
        bump(*bump_pending.keys, what=" and ".join(dict.fromkeys(bump_pending.keys.values())))

    bump_pending.generations_for = connection
    bump_pending.keys = {key: what}
    transaction.on_commit(bump_pending, using=connection.alias, robust=True)


def _clock() -> int:
    return time.time_ns() // 1000
