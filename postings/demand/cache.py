"""Cached demand figures for the public pages, invalidated by a generation number.

Every recompute that changes summaries bumps the generation after its transaction commits;
cached figures are keyed by the generation, so a page never shows figures older than the
last committed recompute, and superseded entries simply expire. Entries hold plain numbers
and ids only: names, slugs and publication state are read fresh on every request, so an
unpublished skill or a renamed segment never lingers in a cached fragment.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")

GENERATION_KEY = "demand:generation:{database}"
FRAGMENT_KEY = "demand:fragment:{database}:{generation}:{name}"
# A backstop only: entries are superseded by the generation long before they expire.
FRAGMENT_TTL = 6 * 3600


def _database() -> str:
    # Several CareerHub databases (tests, developers) may share one Redis.
    return str(connection.settings_dict["NAME"])


def demand_generation() -> int:
    """The current generation; a lost one (evicted, new cache) restarts from the clock, never from an old value."""
    key = GENERATION_KEY.format(database=_database())
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns() // 1000, timeout=None)
        generation = cache.get(key)
    return int(generation)


def demand_generation_bump() -> None:
    """Make every cached demand fragment stale. Called after a recompute's transaction commits."""
    key = GENERATION_KEY.format(database=_database())
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet: any new value differs from all cached ones
            cache.set(key, time.time_ns() // 1000, timeout=None)
    except Exception:  # a cache outage must not fail a recompute; entries expire on their own
        logger.warning("Cache unavailable; demand fragments could not be invalidated.", exc_info=True)


def demand_generation_bump_on_commit() -> None:
    """Bump the generation once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(demand_generation_bump, robust=True)


def demand_cached(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached under ``name`` for the current generation of demand summaries.

    ``name`` must identify everything the result depends on besides the summaries (segment id, skill ids...).
    """
    try:
        key = FRAGMENT_KEY.format(database=_database(), generation=demand_generation(), name=name)
        value = cache.get(key)
    except Exception:
        logger.warning("Cache unavailable; computing demand figures without it.", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=FRAGMENT_TTL)
        except Exception:
            logger.warning("Cache unavailable; demand figures not stored.", exc_info=True)
    return value
