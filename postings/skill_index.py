"""The skills index: published skills with their demand over the one window, filtered by tier and sorted.

The page's FilterSet (``filters.SkillIndexFilterSet``) validates the parameters and narrows the skills
by category and text; this module applies the demand ones (``segment``, ``tier``, ``sort``) to the
cached tier table of every published segment (``demand.fragments.demand_tiers``): no query per skill.
"""

from dataclasses import dataclass, field

from segments.models import Segment

from .demand.figures import SkillFigures
from .demand.fragments import demand_tiers
from .demand.tiers import TIERS, SkillTier, TierTable
from .models import Skill

SORTS = {"demand": "Demand (share of postings)", "name": "Name"}


@dataclass(frozen=True)
class SkillIndexRow:
    """A skill of the index: its figures in the chosen scope and the tiers it is in."""

    skill: Skill
    figures: SkillFigures
    tiers: tuple[str, ...] = ()  # in the chosen segment
    # Without a chosen segment: each tier the skill is in somewhere, with the segments it is in it for.
    tiers_by_segment: list[tuple[str, list[Segment]]] = field(default_factory=list)


def _tiers_by_segment(table: TierTable, segments: list[Segment]) -> dict[int, dict[str, list[Segment]]]:
    """``{skill: {tier: [segments]}}`` over every given segment."""
    found: dict[int, dict[str, list[Segment]]] = {}
    for segment in segments:
        for row in table.in_tier(segment.pk):
            for tier in row.tiers:
                found.setdefault(row.skill_id, {}).setdefault(tier, []).append(segment)
    return found


def _row(skill: Skill, table: TierTable, segment: Segment | None, rows: dict[int, SkillTier], everywhere: dict):
    if segment is None:
        figures = table.overall.get(skill.pk) or SkillFigures.none(skill.pk, None, table.total(None))
        tiers = everywhere.get(skill.pk, {})
        return SkillIndexRow(skill, figures, tuple(tiers), [(tier, tiers[tier]) for tier in TIERS if tier in tiers])
    row = rows.get(skill.pk)
    if row is None:
        return SkillIndexRow(skill, SkillFigures.none(skill.pk, segment.pk, table.total(segment.pk)))
    return SkillIndexRow(skill, row.figures, row.tiers)


def skill_index(
    *, skills: list[Skill], segments: list[Segment], segment: Segment | None = None, tier: str | None = None,
    sort: str = "demand",
) -> tuple[TierTable, list[SkillIndexRow]]:
    """The index's rows for ``skills``: figures in ``segment`` (all segments together when None), only those in
    ``tier`` (in that segment, or in any of ``segments``), most asked for first or by name (``sort``)."""
    ids = [s.pk for s in segments]
    if segment is not None and segment.pk not in ids:
        ids.append(segment.pk)  # an editor's preview of a draft segment
    table = demand_tiers(segment_ids=ids)
    rows = {row.skill_id: row for row in table.segments.get(segment.pk, [])} if segment is not None else {}
    everywhere = _tiers_by_segment(table, segments) if segment is None else {}
    found = [_row(skill, table, segment, rows, everywhere) for skill in skills]
    if tier:
        found = [row for row in found if tier in row.tiers]
    if sort == "name":
        found.sort(key=lambda row: (row.skill.name.lower(), row.skill.pk))
    else:
        found.sort(key=lambda row: (-row.figures.postings, row.skill.name.lower(), row.skill.pk))
    return table, found
