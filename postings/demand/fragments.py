"""Demand figures as the public pages show them, cached per generation of the summaries and per window.

Every figure reads the one demand window (``window.DemandWindow.current()``): shares over its complete
months, directions by its one trend rule, tiers by ``tiers``; the running month is counted apart as
"to date". Charts over time show a rolling 3-month share for each month of the window. Shares follow
the "too few postings" rule of ``window.MIN_SAMPLE``. Every function returns ids and numbers only
(see ``cache``); the window is part of every key, so a new month moves the figures on by itself.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from .cache import demand_cached
from .figures import Scope, SkillFigures, window_figures
from .figures import to_date_totals as _to_date_totals
from .selectors import SharePoint, SkillPair, rolling_shares, skills_asked_with
from .tiers import TIERS, SkillTier, TierTable, tier_rules, tier_table
from .window import MIN_SAMPLE, DemandWindow

T = TypeVar("T")

ROLLING_WINDOW = 3  # months behind each point of a chart over time


def _cached(name: str, window: DemandWindow, compute: Callable[[], T]) -> T:
    key = f"{name}:{window.key}"
    return demand_cached(key if len(key) < 200 else hashlib.sha1(key.encode()).hexdigest(), compute)


def _ids(values) -> str:
    return ",".join(map(str, values))


def _history(window: DemandWindow, segment_ids: list[Scope], skill_ids: list[int]) -> dict:
    return rolling_shares(
        segment_ids=segment_ids, skill_ids=skill_ids, as_of=window.last, months=window.months, window=ROLLING_WINDOW
    )


def rising_skills(*, limit: int = 12) -> dict:
    """Skills of all segments rising by the trend rule, most first: ``{"window", "rows": [SkillFigures]}``."""
    window = DemandWindow.current()

    def compute() -> dict:
        _, figures = window_figures(window=window, segment_ids=[None])
        rows = sorted(
            (f for f in figures.values() if f.direction == "rising"), key=lambda f: (-(f.change or 0), f.skill_id)
        )
        return {"window": window, "rows": rows[:limit]}

    return _cached(f"rising:{limit}", window, compute)


def segment_demand(*, segment_id: int, limit: int = 15) -> dict:
    """A segment's most asked-for skills over the window with their trends, their shares over time, and the
    postings counted apart as "to date"."""
    window = DemandWindow.current()

    def compute() -> dict:
        totals, figures = window_figures(window=window, segment_ids=[segment_id])
        ranked = sorted((f for f in figures.values() if f.postings), key=lambda f: (-f.postings, f.skill_id))[:limit]
        history = _history(window, [segment_id], [f.skill_id for f in ranked[:5]])
        total = totals.get(segment_id)
        return {
            "window": window,
            "total": total.postings if total else 0,
            "top": ranked,
            "history": {skill_id: points for (_, skill_id), points in history.items()},
            "to_date": _to_date_totals(window=window, segment_ids=[segment_id]).get(segment_id, 0),
        }

    return _cached(f"segment:{segment_id}:{limit}", window, compute)


def demand_tiers(*, segment_ids: list[int]) -> TierTable:
    """The tiers of the given segments (and the figures of all segments together) over the window."""
    window, ids = DemandWindow.current(), sorted(set(segment_ids))
    return _cached(f"tiers:{_ids(ids)}", window, lambda: tier_table(window=window, segment_ids=ids))


def skill_demand(*, skill_id: int, segment_ids: list[int]) -> dict:
    """A skill's figures in each segment and in all, its share over time, and the skills asked for with it."""
    window = DemandWindow.current()
    scopes: list[Scope] = [*sorted(segment_ids), None]

    def compute() -> dict:
        _, figures = window_figures(window=window, segment_ids=scopes, skill_ids=[skill_id])
        history = _history(window, scopes, [skill_id])
        together: list[SkillPair] = skills_asked_with(
            skill_id=skill_id, month_from=window.first, month_to=window.last, limit=12
        )
        return {
            "window": window,
            "now": {scope: figures[(scope, skill_id)] for scope in scopes},
            "history": {scope: points for (scope, _), points in history.items()},
            "together": together,
            "to_date": _to_date_totals(window=window, segment_ids=[None]).get(None, 0),
        }

    return _cached(f"skill:{skill_id}:{_ids(sorted(segment_ids))}", window, compute)


def track_evidence(*, segment_ids: list[int], skill_ids: list[int]) -> dict:
    """For each (segment, skill) of a track: its figures over the window (``{"window", "evidence"}``)."""
    window = DemandWindow.current()
    segment_ids, skill_ids = sorted(set(segment_ids)), sorted(set(skill_ids))

    def compute() -> dict:
        if not segment_ids or not skill_ids:
            return {"window": window, "evidence": {}}
        _, figures = window_figures(window=window, segment_ids=list(segment_ids), skill_ids=skill_ids)
        return {"window": window, "evidence": figures}

    return _cached(f"track:{_ids(segment_ids)}:{_ids(skill_ids)}", window, compute)


__all__ = [
    "MIN_SAMPLE",
    "TIERS",
    "DemandWindow",
    "SharePoint",
    "SkillFigures",
    "SkillTier",
    "TierTable",
    "demand_tiers",
    "rising_skills",
    "segment_demand",
    "skill_demand",
    "tier_rules",
    "track_evidence",
]
