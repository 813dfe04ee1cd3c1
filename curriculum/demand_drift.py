"""Demand drift: published modules whose skills' demand in their track's segments moved a lot in six months.

The figure is the one the public skill page draws: the share of postings asking for a skill over three
complete months (``window.TREND_MONTHS``), here pooled over the segments the module's track is aimed at
(their postings asking for the skill, out of all their postings). It is read for the three months ending
with the demand window's latest complete month ("after") and for the three months ending six months
earlier ("before"). A skill has drifted when the two shares differ by at least ``min_change``, up or
down, as an absolute difference of shares: 0.10 is ten percentage points (20% -> 30%, or 45% -> 35%).
Both periods need ``window.MIN_SAMPLE`` postings in the track's segments, else there is no figure.

A module is listed once, with every skill of it that drifted, largest change first
(docs/decisions/0017-editors-home-reminders.md says why absolute points and pooled segments).
"""

from dataclasses import dataclass
from fractions import Fraction

from postings.demand.months import add_months
from postings.demand.selectors import rolling_shares
from postings.demand.window import MIN_SAMPLE, DemandWindow, months_span

from .models import Module, Track

DRIFT_MONTHS = 6  # how far apart the two periods end


@dataclass(frozen=True)
class Period:
    """Postings of a track's segments in a period: all of them, and those asking for one skill."""

    postings: int
    total: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.postings, self.total)


@dataclass(frozen=True)
class SkillDrift:
    """One skill of a module whose share moved by at least the threshold between the two periods."""

    skill_id: int
    name: str
    slug: str
    before: Period
    after: Period

    @property
    def change(self) -> Fraction:
        """The change of share (after minus before), as a fraction: 0.1 is ten percentage points up."""
        return self.after.share - self.before.share

    @property
    def change_points(self) -> float:
        return float(100 * self.change)


@dataclass(frozen=True)
class ModuleDrift:
    """A published module with the skills whose demand drifted, largest change first."""

    module_id: int
    module_title: str
    track_id: int
    track_title: str
    segment_names: tuple[str, ...]
    skills: tuple[SkillDrift, ...]
    before_label: str  # "Jan to Mar 2026" (with an en dash)
    after_label: str  # "Jul to Sep 2026"

    @property
    def largest(self) -> Fraction:
        return max(abs(skill.change) for skill in self.skills)


def drift_periods(window: DemandWindow) -> tuple[str, str]:
    """The labels of the two periods compared: the earlier, then the latest."""
    before_last = add_months(window.last, -DRIFT_MONTHS)
    return (
        months_span(add_months(before_last, -window.trend_months + 1), before_last),
        months_span(window.trend_from, window.last),
    )


def module_demand_drift(*, min_change: Fraction, window: DemandWindow | None = None) -> list[ModuleDrift]:
    """Every published module with at least one skill whose share in its track's segments moved by at least
    ``min_change`` (module docstring), the largest drift first.

    Five queries, however many modules, skills and segments: the modules, their skills, their tracks'
    segments, and the demand counts and totals of both periods (``rolling_shares``).
    """
    window = window or DemandWindow.current()
    modules = list(
        Module.objects.published()
        .select_related("track")
        .only("id", "title", "track", "track__title")
        .order_by("track_id", "order")
    )
    if not modules:
        return []
    taught: dict[int, list[tuple[int, str, str]]] = {}
    for module_id, skill_id, name, slug in Module.skills.through.objects.filter(
        module_id__in=[module.pk for module in modules]
    ).values_list("module_id", "skill_id", "skill__name", "skill__slug"):
        taught.setdefault(module_id, []).append((skill_id, name, slug))
    aimed: dict[int, list[tuple[int, str]]] = {}
    for track_id, segment_id, name in Track.segments.through.objects.filter(
        track_id__in={module.track_id for module in modules}
    ).values_list("track_id", "segment_id", "segment__name").order_by("segment__display_order", "segment__name"):
        aimed.setdefault(track_id, []).append((segment_id, name))
    segment_ids = sorted({segment_id for segments in aimed.values() for segment_id, _ in segments})
    skill_ids = sorted({skill_id for skills in taught.values() for skill_id, _, _ in skills})
    if not segment_ids or not skill_ids:
        return []
    # One point per month from six months before the latest to the latest: the first and last are compared.
    series = rolling_shares(
        segment_ids=segment_ids, skill_ids=skill_ids, as_of=window.last, months=DRIFT_MONTHS + 1,
        window=window.trend_months,
    )
    before_label, after_label = drift_periods(window)
    drifted = []
    for module in modules:
        segments = aimed.get(module.track_id, [])
        skills = [
            drift
            for skill_id, name, slug in taught.get(module.pk, [])
            if (drift := _skill_drift(series, [s for s, _ in segments], skill_id, name, slug, min_change))
        ]
        if skills:
            skills.sort(key=lambda skill: (-abs(skill.change), skill.name))
            drifted.append(ModuleDrift(
                module_id=module.pk, module_title=module.title, track_id=module.track_id,
                track_title=module.track.title, segment_names=tuple(name for _, name in segments),
                skills=tuple(skills), before_label=before_label, after_label=after_label,
            ))
    drifted.sort(key=lambda module: (-module.largest, module.track_title, module.module_title))
    return drifted


def _skill_drift(series, segment_ids: list[int], skill_id: int, name: str, slug: str,
                 min_change: Fraction) -> SkillDrift | None:
    if not segment_ids:
        return None
    points = [series[(segment_id, skill_id)] for segment_id in segment_ids]
    before = Period(postings=sum(p[0].postings for p in points), total=sum(p[0].total for p in points))
    after = Period(postings=sum(p[-1].postings for p in points), total=sum(p[-1].total for p in points))
    if before.total < MIN_SAMPLE or after.total < MIN_SAMPLE:
        return None
    drift = SkillDrift(skill_id=skill_id, name=name, slug=slug, before=before, after=after)
    return drift if abs(drift.change) >= min_change else None
