"""Skills' demand over the one window (``window.DemandWindow``): each one's share and trend, per scope.

Read set-based from the summaries: one grouped query for the scopes' totals and one for their skills'
counts, whatever the numbers of scopes and skills. ``None`` as a segment id is all segments together.
Every figure reads complete months only; ``to_date_totals`` counts the running month apart.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, Sum

from careerhub.core.editorial import Status

from .models import SegmentMonthTotal, SkillDemand
from .selectors import scopes_filter
from .window import MIN_SAMPLE, DemandWindow, change_points, trend_direction

Scope = int | None


@dataclass(frozen=True)
class ScopeTotals:
    """A scope's counted postings over the window, in the trend's latest period, and in the period before."""

    postings: int = 0
    current: int = 0
    previous: int = 0


@dataclass(frozen=True)
class SkillFigures:
    """One skill in one scope over the window: how many postings ask for it, out of how many, and its trend."""

    skill_id: int
    segment_id: Scope
    postings: int  # postings asking for the skill over the window
    total: int  # the scope's postings over the window
    current: int  # ... and the same over the trend's latest period
    current_total: int
    previous: int  # ... and over the period before it
    previous_total: int

    @classmethod
    def none(cls, skill_id: int, segment_id: Scope, totals: ScopeTotals) -> "SkillFigures":
        """A skill no posting of the scope asked for in the window."""
        return cls(skill_id, segment_id, 0, totals.postings, 0, totals.current, 0, totals.previous)

    @property
    def enough(self) -> bool:
        """Enough postings in the scope to show a share (``MIN_SAMPLE``)."""
        return self.total >= MIN_SAMPLE

    @property
    def share(self) -> float | None:
        """The share of the scope's postings, or None with too few postings (0.0 when none asked for it)."""
        return self.postings / self.total if self.enough else None

    @property
    def current_share(self) -> float | None:
        """The share over the trend's latest period (None with too few postings in it)."""
        return self.current / self.current_total if self.current_total >= MIN_SAMPLE else None

    @property
    def previous_share(self) -> float | None:
        """The share over the period the trend compares with (None with too few postings in it)."""
        return self.previous / self.previous_total if self.previous_total >= MIN_SAMPLE else None

    @cached_property
    def direction(self) -> str:
        """"rising", "stable", "falling" or "too few postings" (``window.trend_direction``).

        Kept once computed: the tiers read it when their table is built, and the table is cached with it."""
        return trend_direction(self.current, self.current_total, self.previous, self.previous_total)

    @property
    def change(self) -> float | None:
        """The change of share between the trend's periods in percentage points (None with too few postings)."""
        return change_points(self.current, self.current_total, self.previous, self.previous_total)


def _sums(window: DemandWindow) -> dict:
    return {
        "n": Sum("postings", filter=Q(month__gte=window.first), default=0),
        "c": Sum("postings", filter=Q(month__gte=window.trend_from), default=0),
        "p": Sum("postings", filter=Q(month__gte=window.previous_from, month__lt=window.trend_from), default=0),
    }


def _span(window: DemandWindow, segment_ids: list[Scope]) -> Q:
    return Q(month__gte=window.start, month__lte=window.last) & scopes_filter(segment_ids)


def scope_totals(*, window: DemandWindow, segment_ids: list[Scope]) -> dict[Scope, ScopeTotals]:
    """Each scope's postings over the window and the trend's two periods (one grouped query).

    A scope without postings in the window is absent: read it with ``.get(scope, ScopeTotals())``.
    """
    rows = (
        SegmentMonthTotal.objects.filter(_span(window, segment_ids))
        .values("segment_id")
        .annotate(**_sums(window))
        .order_by()
    )
    return {row["segment_id"]: ScopeTotals(row["n"], row["c"], row["p"]) for row in rows}


def skill_counts(
    *, window: DemandWindow, segment_ids: list[Scope], skill_ids: list[int] | None = None
) -> dict[tuple[Scope, int], tuple[int, int, int]]:
    """``{(scope, skill): (window, latest period, period before)}`` postings of published skills (one grouped query)."""
    cells = SkillDemand.objects.filter(_span(window, segment_ids), skill__status=Status.PUBLISHED)
    if skill_ids is not None:
        cells = cells.filter(skill_id__in=skill_ids)
    rows = cells.values("segment_id", "skill_id").annotate(**_sums(window)).order_by()
    return {(row["segment_id"], row["skill_id"]): (row["n"], row["c"], row["p"]) for row in rows}


def figures_of(
    key: tuple[Scope, int], counts: tuple[int, int, int], totals: dict[Scope, ScopeTotals]
) -> SkillFigures:
    """The figures of one (scope, skill) from its counts and its scope's totals."""
    scope, skill_id = key
    total = totals.get(scope, ScopeTotals())
    n, c, p = counts
    return SkillFigures(skill_id, scope, n, total.postings, c, total.current, p, total.previous)


def window_figures(
    *, window: DemandWindow, segment_ids: list[Scope], skill_ids: list[int] | None = None
) -> tuple[dict[Scope, ScopeTotals], dict[tuple[Scope, int], SkillFigures]]:
    """The scopes' totals and the figures of each (scope, skill) over the window, in two queries.

    With ``skill_ids`` every pair is present (a skill no posting asked for has zero postings and its
    scope's totals, so a page can say "mentioned in none of N postings"); without them, the skills some
    posting of the scope asked for in the window's months.
    """
    totals = scope_totals(window=window, segment_ids=segment_ids)
    counts = skill_counts(window=window, segment_ids=segment_ids, skill_ids=skill_ids)
    figures = {key: figures_of(key, n, totals) for key, n in counts.items()}
    for scope in segment_ids:
        for skill_id in skill_ids or ():
            if (scope, skill_id) not in figures:
                figures[(scope, skill_id)] = SkillFigures.none(skill_id, scope, totals.get(scope, ScopeTotals()))
    return totals, figures


def to_date_totals(*, window: DemandWindow, segment_ids: list[Scope]) -> dict[Scope, int]:
    """Each scope's postings in the months left out as "to date" (the running month and any later one)."""
    rows = (
        SegmentMonthTotal.objects.filter(scopes_filter(segment_ids), month__gte=window.to_date)
        .values_list("segment_id")
        .annotate(n=Sum("postings"))
        .order_by()
    )
    return dict(rows)
