"""Cached demand figures for the public pages, invalidated by a generation number.

Every recompute that changes summaries bumps the generation after its transaction commits;
cached figures are keyed by the generation, so a page never shows figures older than the
last committed recompute, and superseded entries simply expire. Entries hold plain numbers
and ids only: names, slugs and publication state are read fresh on every request, so an
unpublished skill or a renamed segment never lingers in a cached fragment.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from careerhub.core.cache import CONTENT, DEMAND, bump, bump_on_commit, generation
from careerhub.core.degrade import step_aside

logger = logging.getLogger(__name__)

T = TypeVar("T")

FRAGMENT_KEY = "demand:fragment:{database}:{generation}:{name}"
# A backstop only: entries are superseded by the generation long before they expire.
FRAGMENT_TTL = 6 * 3600


def _database() -> str:
    return str(connection.settings_dict["NAME"])


def demand_generation() -> int:
    """The current generation of demand figures (see ``careerhub.core.cache``)."""
    return generation(DEMAND)


def demand_generation_bump() -> None:
    """Make every cached demand fragment stale. Called after a recompute's transaction commits."""
    bump(DEMAND)


def demand_generation_bump_on_commit() -> None:
    """Bump the generation once the current transaction commits (at once outside a transaction).

    The API shows demand summaries too: its cached answers go stale with the same commit.
    """
    bump_on_commit(DEMAND, CONTENT)


def demand_cached(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached under ``name`` for the current generation of demand summaries.

    ``name`` must identify everything the result depends on besides the summaries (segment id, skill ids...).
    """
    try:
        key = FRAGMENT_KEY.format(database=_database(), generation=demand_generation(), name=name)
        value = cache.get(key)
    except Exception as error:
        step_aside("demand-figures", error, "figures are computed from the database")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=FRAGMENT_TTL)
        except Exception as error:
            step_aside("demand-figures", error, "figures are computed from the database")
    return value
