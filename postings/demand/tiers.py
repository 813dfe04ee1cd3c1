"""Skill tiers per segment over the one demand window: core, distinguishing and rising.

For a segment and a published skill, over the window (``window.DemandWindow``, complete months only):

- **core**: asked for in at least ``CORE_SHARE`` of the segment's postings;
- **distinguishing**: its share in the segment is at least ``DISTINGUISHING_LIFT`` times its share in
  all other segments (the postings of all segments together less this segment's: the *lift*), with at
  least ``DISTINGUISHING_MIN_POSTINGS`` of the segment's postings asking for it; a skill no other
  segment asked for is distinguishing, its lift unbounded;
- **rising**: its trend in the segment is "rising" by the one trend rule (``window.trend_direction``).

Every share needs ``MIN_SAMPLE`` postings behind it (the segment's, the other segments', each trend
period's). A skill may be in several tiers, or none. Thresholds compare exact fractions, so a figure
sitting on a threshold is in the tier. ``docs/demand.md`` has the formulas with a worked example.

Read set-based: two grouped queries (``figures.scope_totals``, ``figures.skill_counts``) for any
number of segments, the scope of all segments included; the tiers are then derived in memory.
"""

from dataclasses import dataclass
from fractions import Fraction

from segments.models import Segment

from .figures import Scope, ScopeTotals, SkillFigures, figures_of, scope_totals, skill_counts
from .window import MIN_SAMPLE, TREND_MIN_POINTS, TREND_MIN_POSTINGS, TREND_MIN_RELATIVE, DemandWindow

CORE_SHARE = 0.25
DISTINGUISHING_LIFT = 2.0
# Fewer postings than this make a lift out of chance: 2 postings of 40 against 1 of 400 is a lift of 10.
DISTINGUISHING_MIN_POSTINGS = 5

CORE, DISTINGUISHING, RISING = "core", "distinguishing", "rising"
TIERS = (CORE, DISTINGUISHING, RISING)


@dataclass(frozen=True)
class SkillTier:
    """A published skill in one segment over the window: its figures there and elsewhere, and its tiers."""

    figures: SkillFigures
    other_postings: int  # postings of all other segments asking for it, over the window
    other_total: int  # postings of all other segments over the window
    tiers: tuple[str, ...]

    @property
    def skill_id(self) -> int:
        return self.figures.skill_id

    @property
    def other_share(self) -> float | None:
        return self.other_postings / self.other_total if self.other_total >= MIN_SAMPLE else None

    @property
    def lift(self) -> float | None:
        """Share here over share elsewhere; None when either has too few postings or no other segment asks."""
        share, other = self.figures.share, self.other_share
        return share / other if share is not None and other else None

    @property
    def only_here(self) -> bool:
        """Enough postings elsewhere, none of them asking for it (an unbounded lift)."""
        return self.other_total >= MIN_SAMPLE and self.other_postings == 0 and self.figures.postings > 0


def is_core(figures: SkillFigures) -> bool:
    return figures.enough and Fraction(figures.postings, figures.total) >= Fraction(str(CORE_SHARE))


def is_distinguishing(figures: SkillFigures, other_postings: int, other_total: int) -> bool:
    if not figures.enough or other_total < MIN_SAMPLE or figures.postings < DISTINGUISHING_MIN_POSTINGS:
        return False
    here, elsewhere = Fraction(figures.postings, figures.total), Fraction(other_postings, other_total)
    return here >= Fraction(str(DISTINGUISHING_LIFT)) * elsewhere


def tiers_of(figures: SkillFigures, other_postings: int, other_total: int) -> tuple[str, ...]:
    """The tiers a skill with these figures is in, in ``TIERS`` order."""
    found = {
        CORE: is_core(figures),
        DISTINGUISHING: is_distinguishing(figures, other_postings, other_total),
        RISING: figures.direction == RISING,
    }
    return tuple(tier for tier in TIERS if found[tier])


@dataclass(frozen=True)
class TierTable:
    """Tiers of several segments over one window, with the figures of all segments together."""

    window: DemandWindow
    totals: dict[Scope, ScopeTotals]
    # Per segment: every published skill some posting of it asked for over the window, in or out of a tier,
    # most asked for first.
    segments: dict[int, list[SkillTier]]
    overall: dict[int, SkillFigures]  # all segments together, per skill

    def total(self, scope: Scope) -> ScopeTotals:
        return self.totals.get(scope, ScopeTotals())

    def in_tier(self, segment_id: int, tier: str | None = None) -> list[SkillTier]:
        """The segment's skills in ``tier`` (in any tier when None)."""
        return [row for row in self.segments.get(segment_id, []) if (tier in row.tiers if tier else row.tiers)]


def tier_table(*, window: DemandWindow, segment_ids: list[int]) -> TierTable:
    """The tiers of the given segments over ``window``, in two queries."""
    scopes: list[Scope] = [*segment_ids, None]
    totals = scope_totals(window=window, segment_ids=scopes)
    figures = {key: figures_of(key, n, totals) for key, n in skill_counts(window=window, segment_ids=scopes).items()}
    overall = {skill_id: f for (scope, skill_id), f in figures.items() if scope is None}
    everyone = totals.get(None, ScopeTotals())
    segments: dict[int, list[SkillTier]] = {segment_id: [] for segment_id in segment_ids}
    for (scope, skill_id), here in figures.items():
        if scope is None or here.postings == 0:
            continue
        everywhere = overall.get(skill_id)
        other_postings = (everywhere.postings if everywhere else 0) - here.postings
        other_total = everyone.postings - here.total
        segments[scope].append(
            SkillTier(here, other_postings, other_total, tiers_of(here, other_postings, other_total))
        )
    for rows in segments.values():
        rows.sort(key=lambda row: (-row.figures.postings, row.skill_id))
    return TierTable(window=window, totals=totals, segments=segments, overall=overall)


def segment_tiers(*, segment: Segment, window: DemandWindow, tier: str | None = None) -> list[SkillTier]:
    """The segment's skills in a tier over ``window`` (in any tier when ``tier`` is None), most asked for first."""
    return tier_table(window=window, segment_ids=[segment.pk]).in_tier(segment.pk, tier)


TIER_NAMES = {CORE: "Core", DISTINGUISHING: "Distinguishing", RISING: "Rising"}


def tier_rule(tier: str, window: DemandWindow) -> str:
    """The rule of a tier in words, with its thresholds and periods, as the pages state it."""
    if tier == CORE:
        return f"Asked for in at least {CORE_SHARE:.0%} of the segment's postings over the {window.label}."
    if tier == DISTINGUISHING:
        return (
            f"Its share of the segment's postings is at least {DISTINGUISHING_LIFT:g} times its share of all other "
            f"segments' postings together (the lift), over the {window.label}, with at least "
            f"{DISTINGUISHING_MIN_POSTINGS} of the segment's postings asking for it."
        )
    return (
        f"Its share in {window.trend_label} grew by at least {TREND_MIN_POINTS:g} percentage points and by at "
        f"least {TREND_MIN_RELATIVE:.0%} of its earlier value, with at least {TREND_MIN_POSTINGS} postings "
        "asking for it in the latest period."
    )


def tier_rules(window: DemandWindow) -> list[dict]:
    """Each tier's name and rule, in ``TIERS`` order, and the thresholds behind them (for pages and the API)."""
    return [{"tier": tier, "name": TIER_NAMES[tier], "rule": tier_rule(tier, window)} for tier in TIERS]


def tier_thresholds() -> dict:
    """The numbers the tiers are decided by."""
    return {
        "min_sample": MIN_SAMPLE,
        "core_share": CORE_SHARE,
        "distinguishing_lift": DISTINGUISHING_LIFT,
        "distinguishing_min_postings": DISTINGUISHING_MIN_POSTINGS,
        "trend_min_points": TREND_MIN_POINTS,
        "trend_min_relative": TREND_MIN_RELATIVE,
        "trend_min_postings": TREND_MIN_POSTINGS,
    }
