"""Demand figures as the public pages show them, cached per generation of the summaries.

"Now" is the last quarter up to the latest month with postings; a direction (rising, stable,
falling) compares the last 12 months with the 12 before; charts over time show a rolling
3-month share for each of the last 12 months. Shares follow the "too few postings" rule of
``selectors.MIN_SAMPLE``. Every function returns ids and numbers only (see ``cache``).
"""

import datetime
import hashlib
from dataclasses import dataclass

from .cache import demand_cached
from .months import add_months
from .selectors import (
    MIN_SAMPLE,
    SharePoint,
    SkillPair,
    Trend,
    latest_month,
    rolling_shares,
    skills_asked_with,
    window_totals,
    window_trends,
)

NOW_MONTHS = 3
TREND_MONTHS = 12
HISTORY_MONTHS = 12
ROLLING_WINDOW = 3


@dataclass(frozen=True)
class Evidence:
    """How often a scope's postings asked for a skill now, and which way that is going."""

    skill_id: int
    postings: int
    total: int
    direction: str  # "rising", "stable", "falling" or "too few postings"
    change: float | None  # percentage points over the trend horizon

    @property
    def share(self) -> float | None:
        return self.postings / self.total if self.total >= MIN_SAMPLE else None


def _evidence(now: Trend | None, trend: Trend | None, skill_id: int, total_now: int) -> Evidence:
    return Evidence(
        skill_id=skill_id,
        postings=now.current if now else 0,
        total=now.current_total if now else total_now,
        direction=trend.label if trend else "too few postings",
        change=trend.change if trend else None,
    )


def _now_totals(segment_ids: list[int | None], as_of: datetime.date) -> dict[int | None, int]:
    return window_totals(segment_ids=segment_ids, as_of=as_of, months=NOW_MONTHS)


def rising_skills(*, limit: int = 12) -> dict:
    """Skills whose share of all postings grew most this quarter against the last: ``{"as_of", "rows"}``."""

    def compute() -> dict:
        as_of = latest_month()
        if as_of is None:
            return {"as_of": None, "rows": []}
        trends = window_trends(segment_ids=[None], skill_ids=None, as_of=as_of, horizon=NOW_MONTHS)
        rows = sorted(
            (trend for trend in trends.values() if (trend.change or 0) > 0),
            key=lambda trend: (-(trend.change or 0), trend.skill_id),
        )[:limit]
        return {"as_of": as_of, "rows": rows}

    return demand_cached(f"rising:{limit}", compute)


def segment_demand(*, segment_id: int, limit: int = 15) -> dict:
    """A segment's top skills now, each with its direction and its share over time."""

    def compute() -> dict:
        as_of = latest_month()
        if as_of is None:
            return {"as_of": None, "total": 0, "top": [], "history": {}}
        now = window_trends(segment_ids=[segment_id], skill_ids=None, as_of=as_of, horizon=NOW_MONTHS)
        total = _now_totals([segment_id], as_of).get(segment_id, 0)
        ranked = sorted((t for t in now.values() if t.current), key=lambda t: (-t.current, t.skill_id))[:limit]
        ids = [t.skill_id for t in ranked]
        trends = window_trends(segment_ids=[segment_id], skill_ids=ids, as_of=as_of, horizon=TREND_MONTHS)
        top = [_evidence(t, trends.get((segment_id, t.skill_id)), t.skill_id, total) for t in ranked]
        history = rolling_shares(
            segment_ids=[segment_id], skill_ids=ids[:5], as_of=as_of, months=HISTORY_MONTHS, window=ROLLING_WINDOW
        )
        return {
            "as_of": as_of,
            "total": total,
            "top": top,
            "history": {skill_id: points for (_, skill_id), points in history.items()},
        }

    return demand_cached(f"segment:{segment_id}:{limit}", compute)


def skill_demand(*, skill_id: int, segment_ids: list[int]) -> dict:
    """A skill's share now and over time in each segment and in all, and the skills asked for with it."""
    scopes: list[int | None] = [*sorted(segment_ids), None]

    def compute() -> dict:
        as_of = latest_month()
        if as_of is None:
            return {"as_of": None, "now": {}, "history": {}, "together": []}
        now = window_trends(segment_ids=scopes, skill_ids=[skill_id], as_of=as_of, horizon=NOW_MONTHS)
        trends = window_trends(segment_ids=scopes, skill_ids=[skill_id], as_of=as_of, horizon=TREND_MONTHS)
        totals = _now_totals(scopes, as_of)
        evidence = {
            scope: _evidence(now.get((scope, skill_id)), trends.get((scope, skill_id)), skill_id, totals.get(scope, 0))
            for scope in scopes
        }
        history = rolling_shares(
            segment_ids=scopes, skill_ids=[skill_id], as_of=as_of, months=HISTORY_MONTHS, window=ROLLING_WINDOW
        )
        together: list[SkillPair] = skills_asked_with(
            skill_id=skill_id, month_from=add_months(as_of, -TREND_MONTHS + 1), month_to=as_of, limit=12
        )
        return {
            "as_of": as_of,
            "now": evidence,
            "history": {scope: points for (scope, _), points in history.items()},
            "together": together,
        }

    return demand_cached(f"skill:{skill_id}:{','.join(map(str, sorted(segment_ids)))}", compute)


def track_evidence(*, segment_ids: list[int], skill_ids: list[int]) -> dict:
    """For each (segment, skill) of a track: its share of the segment's postings now, and its direction."""
    segment_ids, skill_ids = sorted(set(segment_ids)), sorted(set(skill_ids))

    def compute() -> dict:
        as_of = latest_month()
        if as_of is None or not segment_ids or not skill_ids:
            return {"as_of": as_of, "evidence": {}}
        now = window_trends(segment_ids=list(segment_ids), skill_ids=skill_ids, as_of=as_of, horizon=NOW_MONTHS)
        trends = window_trends(segment_ids=list(segment_ids), skill_ids=skill_ids, as_of=as_of, horizon=TREND_MONTHS)
        totals = _now_totals(list(segment_ids), as_of)
        return {
            "as_of": as_of,
            "evidence": {
                (segment_id, skill_id): _evidence(
                    now.get((segment_id, skill_id)),
                    trends.get((segment_id, skill_id)),
                    skill_id,
                    totals.get(segment_id, 0),
                )
                for segment_id in segment_ids
                for skill_id in skill_ids
            },
        }

    key = f"track:{','.join(map(str, segment_ids))}:{','.join(map(str, skill_ids))}"
    return demand_cached(key if len(key) < 200 else f"track:{hashlib.sha1(key.encode()).hexdigest()}", compute)


__all__ = ["Evidence", "SharePoint", "rising_skills", "segment_demand", "skill_demand", "track_evidence"]
