"""Reads of coverage for the admin dashboard, the API and the track page.

Stored findings name skills, modules and tracks by id; these selectors resolve them in one query
each (only published ones for the public), so a page costs a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, QuerySet

from careerhub.core.editorial import Status
from postings.demand.selectors import MIN_SAMPLE
from postings.models import Skill
from segments.models import Segment

from .models import CoverageHistory, CoverageMark, SegmentCoverage, TrackCoverage

SORTS = {
    "track": ("track_coverage__track__title", "segment__name"),
    "level": ("track_coverage__track__level", "track_coverage__track__title", "segment__name"),
    "segment": ("segment__name", "track_coverage__track__title"),
    "coverage": ("coverage", "track_coverage__track__title", "segment__name"),
    "postings": ("postings", "track_coverage__track__title", "segment__name"),
    "gaps": ("taught_demand_skills", "track_coverage__track__title", "segment__name"),
}


def coverage_list(*, include_unpublished: bool = False, sort: str = "") -> QuerySet[SegmentCoverage]:
    """Every track's coverage per segment, with track and segment; published tracks and segments for the public.

    ``sort`` is a key of ``SORTS``, ``-`` first for descending; tracks in display order otherwise.
    """
    rows = SegmentCoverage.objects.select_related("track_coverage__track", "segment")
    if not include_unpublished:
        rows = rows.filter(track_coverage__track__status=Status.PUBLISHED, segment__status=Status.PUBLISHED)
    descending, key = sort.startswith("-"), sort.lstrip("-")
    if key in SORTS:
        first, *rest = SORTS[key]
        # rows with no demand have no coverage: last in both directions
        first_expression = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
        return rows.order_by(first_expression, *rest)
    return rows.order_by("track_coverage__track__display_order", "track_coverage__track__title", "segment__name")


@dataclass(frozen=True)
class SkillFigure:
    """A skill with its demand in one segment over the window."""

    skill: Skill
    postings: int
    share: float | None
    rank: int | None = None
    trend: str = ""

    @property
    def rising(self) -> bool:
        return self.trend == "rising"


@dataclass
class SegmentFigures:
    """A track's coverage of one segment, resolved for display."""

    segment: Segment
    coverage: float | None
    postings: int
    demand_skills: int
    taught_demand_skills: int
    gaps: list[SkillFigure] = field(default_factory=list)
    surplus: list[SkillFigure] = field(default_factory=list)

    @property
    def few_postings(self) -> bool:
        """Too few postings for the figure to mean much; pages say so next to it."""
        return self.postings < MIN_SAMPLE

    @property
    def percent(self) -> int | None:
        return None if self.coverage is None else round(self.coverage * 100)


def skills_of(rows, *, include_unpublished: bool = False) -> dict[int, Skill]:
    """The skills named by the gaps and surplus of the given rows, in one query."""
    ids = {item["skill"] for row in rows for item in (*row.gaps, *row.surplus)}
    skills = Skill.objects.filter(pk__in=ids)
    if not include_unpublished:
        skills = skills.published()
    return skills.in_bulk()


def segment_figures(row: SegmentCoverage, skills: dict[int, Skill], *, gaps: int | None = None) -> SegmentFigures:
    """One stored row resolved with ``skills``; skills missing from it (unpublished since) are left out."""

    def figures(items, limit=None):
        resolved = [
            SkillFigure(
                skill=skills[item["skill"]],
                postings=item["postings"],
                share=item["share"],
                rank=item.get("rank"),
                trend=item.get("trend", ""),
            )
            for item in items
            if item["skill"] in skills
        ]
        return resolved[:limit] if limit is not None else resolved

    return SegmentFigures(
        segment=row.segment,
        coverage=row.coverage,
        postings=row.postings,
        demand_skills=row.demand_skills,
        taught_demand_skills=row.taught_demand_skills,
        gaps=figures(row.gaps, gaps),
        surplus=figures(row.surplus),
    )


@dataclass
class TrackCoverageSummary:
    """What the track page shows: coverage per published segment and the top gaps."""

    coverage: TrackCoverage | None
    segments: list[SegmentFigures]
    pending: bool = False

    @property
    def as_of(self) -> datetime.date | None:
        return self.coverage.as_of if self.coverage else None


def track_coverage_summary(*, track, gaps: int = 3, include_unpublished: bool = False) -> TrackCoverageSummary:
    """A track's coverage for its public page, in three queries (coverage, segment rows, gap skills)."""
    coverage = TrackCoverage.objects.filter(track=track).first()
    if coverage is None:
        return TrackCoverageSummary(coverage=None, segments=[])
    rows = coverage.segments.select_related("segment").order_by("segment__name")
    if not include_unpublished:
        rows = rows.filter(segment__status=Status.PUBLISHED)
    rows = list(rows)
    skills = skills_of(rows, include_unpublished=include_unpublished)
    return TrackCoverageSummary(coverage=coverage, segments=[segment_figures(row, skills, gaps=gaps) for row in rows])


@dataclass
class TrackCoverageDetail(TrackCoverageSummary):
    """Everything computed for one track, resolved: the admin's track page and the API's track endpoint."""

    across: list[tuple[Skill, list]] = field(default_factory=list)  # skill, other tracks teaching it
    within: list[tuple[Skill, list]] = field(default_factory=list)  # skill, modules teaching it
    modules: list[tuple] = field(default_factory=list)  # module, [(skill, [(segment, postings, share, rank)])]
    history: list[CoverageHistory] = field(default_factory=list)


def track_coverage_detail(*, track, include_unpublished: bool = False, history: int = 24) -> TrackCoverageDetail:
    """A track's whole coverage with names resolved, in a fixed number of queries (seven)."""
    from curriculum.models import Module, Track

    summary = track_coverage_summary(track=track, gaps=None, include_unpublished=include_unpublished)
    detail = TrackCoverageDetail(
        coverage=summary.coverage, segments=summary.segments, pending=CoverageMark.objects.filter(track=track).exists()
    )
    coverage = summary.coverage
    if coverage is None:
        return detail
    skill_ids = {item["skill"] for items in coverage.duplicates.values() for item in items}
    skill_ids |= {skill["skill"] for module in coverage.modules for skill in module["skills"]}
    skills = Skill.objects.filter(pk__in=skill_ids)
    tracks = Track.objects.filter(pk__in={t for item in coverage.duplicates.get("across", []) for t in item["tracks"]})
    if not include_unpublished:
        skills, tracks = skills.published(), tracks.published()
    skills, tracks = skills.in_bulk(), tracks.in_bulk()
    modules = Module.objects.in_bulk(
        {module["module"] for module in coverage.modules}
        | {m for item in coverage.duplicates.get("within", []) for m in item["modules"]}
    )
    segments = {row.segment.pk: row.segment for row in detail.segments}
    detail.across = [
        (skills[item["skill"]], [tracks[t] for t in item["tracks"] if t in tracks])
        for item in coverage.duplicates.get("across", [])
        if item["skill"] in skills
    ]
    detail.across = [(skill, others) for skill, others in detail.across if others]
    detail.within = [
        (skills[item["skill"]], [modules[m] for m in item["modules"] if m in modules])
        for item in coverage.duplicates.get("within", [])
        if item["skill"] in skills
    ]
    detail.modules = [
        (
            modules[module["module"]],
            [
                (
                    skills[skill["skill"]],
                    [
                        (segments[d["segment"]], d["postings"], d["share"], d["rank"])
                        for d in skill["demand"]
                        if d["segment"] in segments
                    ],
                )
                for skill in module["skills"]
                if skill["skill"] in skills
            ],
        )
        for module in coverage.modules
        if module["module"] in modules
    ]
    if history:
        rows = CoverageHistory.objects.filter(track=track).select_related("segment")
        if not include_unpublished:
            rows = rows.exclude(segment__status__in=[Status.DRAFT, Status.ARCHIVED])
        detail.history = list(rows[:history])
    return detail


@dataclass
class DuplicationReport:
    """Skills taught by several tracks of a level, and skills taught twice within a track."""

    across: list[tuple[str, Skill, list]]  # level, skill, tracks
    within: list[tuple[object, Skill, list]]  # track, skill, modules


def coverage_duplication() -> DuplicationReport:
    """The duplication report, live from the curriculum (drafts included, archived left out), in three queries."""
    from curriculum.models import Module, Track

    taught = (
        Module.skills.through.objects.exclude(module__status=Status.ARCHIVED)
        .exclude(module__track__status=Status.ARCHIVED)
        .values_list("module__track__level", "module__track_id", "module_id", "skill_id")
        .order_by("module__track_id", "module__order", "module_id")
    )
    by_level: dict[tuple[str, int], set[int]] = defaultdict(set)
    by_track: dict[tuple[int, int], list[int]] = defaultdict(list)
    for level, track_id, module_id, skill_id in taught:
        by_level[(level, skill_id)].add(track_id)
        by_track[(track_id, skill_id)].append(module_id)
    across = {key: tracks for key, tracks in by_level.items() if len(tracks) > 1}
    within = {key: modules for key, modules in by_track.items() if len(modules) > 1}
    skills = Skill.objects.in_bulk({skill for _, skill in across} | {skill for _, skill in within})
    tracks = Track.objects.in_bulk({t for ts in across.values() for t in ts} | {track for track, _ in within})
    modules = Module.objects.in_bulk({m for ms in within.values() for m in ms})
    return DuplicationReport(
        across=sorted(
            ((level, skills[skill], sorted((tracks[t] for t in ts), key=str)) for (level, skill), ts in across.items()),
            key=lambda row: (row[0], row[1].name),
        ),
        within=sorted(
            ((tracks[track], skills[skill], [modules[m] for m in ms]) for (track, skill), ms in within.items()),
            key=lambda row: (str(row[0]), row[1].name),
        ),
    )
