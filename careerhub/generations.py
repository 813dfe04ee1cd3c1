"""Generation counters in the shared cache.

Cached answers and fragments are stored with the generation current when they were computed and
used only while it is still current; writers bump it after their transaction commits. A counter
lost from the cache (evicted, a new cache) restarts from the clock, never from an old value, so no
stale entry can become current again.
"""

import logging
import time

from django.core.cache import cache
from django.db import connection as default_connection

logger = logging.getLogger(__name__)


def database_name(connection=default_connection) -> str:
    """Part of every key: several CareerHub databases (tests, developers, benchmarks) may share one Redis."""
    return str(connection.settings_dict["NAME"])


def current(key: str) -> int:
    """The generation stored under ``key``, started from the clock when there is none."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns() // 1000, timeout=None)
        generation = cache.get(key)
    return int(generation)


def bump(key: str, *, what: str) -> None:
    """Move the generation under ``key`` on; a cache outage is logged, never raised (``what`` names the loss)."""
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet: any new value differs from all cached ones
            cache.set(key, time.time_ns() // 1000, timeout=None)
    except Exception:  # a cache outage must not fail a write; entries then expire on their own
        logger.warning("Cache unavailable; %s could not be invalidated.", what, exc_info=True)
