"""Reads of coverage for the admin dashboard, the API and the track page.

Stored findings name skills, modules and tracks by id; these selectors resolve them in one query
each (only published ones for the public), so a page costs a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import F, QuerySet

from careerhub.core.editorial import Status
from curriculum.models import Track
from curriculum.path import learning_path
from curriculum.selectors import track_path
from postings.demand.selectors import MIN_SAMPLE
from postings.models import Skill
from segments.models import Segment

from .models import CoverageHistory, CoverageMark, SegmentCoverage, TrackCoverage

SORTS = {
    "track": ("track_coverage__track__title", "segment__name"),
    "level": ("track_coverage__track__level", "track_coverage__track__title", "segment__name"),
    "segment": ("segment__name", "track_coverage__track__title"),
    "coverage": ("coverage", "track_coverage__track__title", "segment__name"),
    "own": ("own_coverage", "track_coverage__track__title", "segment__name"),
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
    tiers: tuple[str, ...] = ()  # of a gap: its tiers in the segment ("core", "distinguishing", "rising")

    @property
    def rising(self) -> bool:
        return self.trend == "rising"


@dataclass
class SegmentFigures:
    """A track's coverage of one segment, resolved for display: ``coverage`` (cumulative, with the tracks
    before it on the path) and ``own_coverage`` (its own modules)."""

    segment: Segment
    coverage: float | None
    postings: int
    demand_skills: int
    taught_demand_skills: int
    gaps: list[SkillFigure] = field(default_factory=list)
    surplus: list[SkillFigure] = field(default_factory=list)
    own_coverage: float | None = None
    own_taught_demand_skills: int = 0

    @property
    def few_postings(self) -> bool:
        """Too few postings for the figure to mean much; pages say so next to it."""
        return self.postings < MIN_SAMPLE

    @property
    def percent(self) -> int | None:
        return None if self.coverage is None else round(self.coverage * 100)

    @property
    def own_percent(self) -> int | None:
        return None if self.own_coverage is None else round(self.own_coverage * 100)

    @property
    def before_percent(self) -> int | None:
        """What the tracks before it on the path cover that the track itself does not add."""
        return None if self.percent is None or self.own_percent is None else self.percent - self.own_percent

    @classmethod
    def of(cls, row: SegmentCoverage, skills: dict[int, Skill], *, gaps: int | None = None, **extra):
        """One stored row resolved with ``skills``; skills missing from it (unpublished since) are left out."""
        return cls(
            segment=row.segment,
            coverage=row.coverage,
            postings=row.postings,
            demand_skills=row.demand_skills,
            taught_demand_skills=row.taught_demand_skills,
            gaps=_skill_figures(row.gaps, skills)[:gaps],
            surplus=_skill_figures(row.surplus, skills),
            own_coverage=row.own_coverage,
            own_taught_demand_skills=row.own_taught_demand_skills,
            **extra,
        )


def _skill_figures(items: list[dict], skills: dict[int, Skill]) -> list[SkillFigure]:
    """Stored gaps or surplus with their skills resolved; only surplus items carry no rank or trend."""
    return [
        SkillFigure(
            skill=skills[item["skill"]],
            postings=item["postings"],
            share=item["share"],
            rank=item.get("rank"),
            trend=item.get("trend", ""),
            tiers=tuple(item.get("tiers", ())),
        )
        for item in items
        if item["skill"] in skills
    ]


def skills_of(rows, *, include_unpublished: bool = False) -> dict[int, Skill]:
    """The skills named by the gaps and surplus of the given rows, in one query."""
    ids = {item["skill"] for row in rows for item in (*row.gaps, *row.surplus)}
    skills = Skill.objects.filter(pk__in=ids)
    if not include_unpublished:
        skills = skills.published()
    return skills.in_bulk()


def segment_figures(row: SegmentCoverage, skills: dict[int, Skill], *, gaps: int | None = None) -> SegmentFigures:
    """One stored row resolved with ``skills`` (the first ``gaps`` gaps only, when given)."""
    return SegmentFigures.of(row, skills, gaps=gaps)


# What a row of the coverage list shows: the track's stored result is read without its large
# ``modules`` and ``duplicates`` documents, the segment and track without their texts.
ROW_FIELDS = (
    "coverage", "own_coverage", "postings", "demand_skills", "taught_demand_skills", "own_taught_demand_skills",
    "gaps", "surplus", "segment__slug",
    "segment__name", "track_coverage__as_of", "track_coverage__computed_at", "track_coverage__track__slug",
    "track_coverage__track__title", "track_coverage__track__level",
)


def coverage_list_rows(*, include_unpublished: bool = False) -> QuerySet[SegmentCoverage]:
    """``coverage_list`` as plain rows (``values()``) of what the API's list shows."""
    return coverage_list(include_unpublished=include_unpublished).values(*ROW_FIELDS)


def coverage_rows(rows: list[dict], *, include_unpublished: bool = False) -> list[dict]:
    """A page of ``coverage_list_rows`` with the skills of its gaps and surplus resolved, in one query.

    Skills that are no longer visible (unpublished since the result was computed) are left out.
    """
    ids = {item["skill"] for row in rows for item in (*row["gaps"], *row["surplus"])}
    skills = Skill.objects.filter(pk__in=ids)
    if not include_unpublished:
        skills = skills.published()
    refs = {pk: (slug, name) for pk, slug, name in skills.values_list("pk", "slug", "name")}
    for row in rows:
        row["gaps"] = [_gap_row(item, refs[item["skill"]]) for item in row["gaps"] if item["skill"] in refs]
        row["surplus"] = [
            {"skill": refs[item["skill"]][0], "name": refs[item["skill"]][1], "postings": item["postings"],
             "share": item["share"]}
            for item in row["surplus"]
            if item["skill"] in refs
        ]
        row["few_postings"] = row["postings"] < MIN_SAMPLE
    return rows


def _gap_row(item: dict, ref: tuple[str, str]) -> dict:
    trend = item.get("trend", "")
    return {"skill": ref[0], "name": ref[1], "postings": item["postings"], "share": item["share"],
            "rank": item.get("rank"), "trend": trend, "rising": trend == "rising", "tiers": item.get("tiers", [])}


@dataclass(frozen=True)
class SegmentBestPath:
    """The path of tracks that covers a segment best: its last track's cumulative coverage of the segment
    (what a learner has been taught once they finish it), what that track adds itself, and the tracks
    before it on the learning path."""

    track: Track
    coverage: float
    own_coverage: float | None
    postings: int
    before: list[Track]  # the tracks before it on the path, in path order

    @property
    def tracks(self) -> list[Track]:
        return [*self.before, self.track]


def segment_best_path(*, segment: Segment) -> SegmentBestPath | None:
    """The published track whose cumulative coverage of ``segment`` is highest (on a tie, the shorter path,
    then display order), with the published tracks before it; None when no coverage of it is computed."""
    rows = list(coverage_list().filter(segment=segment, coverage__isnull=False))
    if not rows:
        return None
    steps = {step.track.pk: step for step in track_path().steps}
    rows = [row for row in rows if row.track_coverage.track_id in steps]
    if not rows:
        return None
    best = max(
        rows,
        key=lambda row: (
            row.coverage,
            -len(steps[row.track_coverage.track_id].ancestors),
            -steps[row.track_coverage.track_id].position,
        ),
    )
    step = steps[best.track_coverage.track_id]
    return SegmentBestPath(
        track=step.track, coverage=best.coverage, own_coverage=best.own_coverage, postings=best.postings,
        before=step.ancestors,
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

    @property
    def computed(self) -> bool:
        """False until the track's coverage is first computed (its figures are then empty)."""
        return self.coverage is not None

    @property
    def curriculum_digest(self) -> str:
        return self.coverage.curriculum_digest if self.coverage else ""

    @property
    def taught_skills(self) -> int:
        return self.coverage.taught_skills if self.coverage else 0


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


# The detail's findings are named tuples: templates unpack them (``{% for skill, tracks in detail.across %}``)
# and serializers read them by name.


class TaughtElsewhere(NamedTuple):
    """A taught skill, with the other published tracks of the level that teach it too."""

    skill: Skill
    tracks: list


class TaughtBefore(NamedTuple):
    """A taught skill that tracks before this one on the learning path teach already (in path order)."""

    skill: Skill
    tracks: list


class TaughtTwice(NamedTuple):
    """A skill taught by several modules of the track, with those modules in track order."""

    skill: Skill
    modules: list


class SegmentEvidence(NamedTuple):
    """What one segment asks of a taught skill (0 postings and no rank: not asked for in the window)."""

    segment: Segment
    postings: int
    share: float | None
    rank: int | None


class SkillEvidenceFigures(NamedTuple):
    """A skill of a module with its demand in each segment shown."""

    skill: Skill
    demand: list[SegmentEvidence]


class ModuleEvidenceFigures(NamedTuple):
    """A published module of the track with the demand behind each of its skills."""

    module: object
    skills: list[SkillEvidenceFigures]


@dataclass
class TrackCoverageDetail(TrackCoverageSummary):
    """Everything computed for one track, resolved: the admin's track page and the API's track endpoint."""

    track: object = None
    across: list[TaughtElsewhere] = field(default_factory=list)
    within: list[TaughtTwice] = field(default_factory=list)
    before: list[TaughtBefore] = field(default_factory=list)
    path: list = field(default_factory=list)  # the tracks before it whose teaching counts, in path order
    modules: list[ModuleEvidenceFigures] = field(default_factory=list)
    history: list[CoverageHistory] = field(default_factory=list)


def track_coverage_detail(
    *, track, include_unpublished: bool = False, history: int = 24, evidence: bool = True
) -> TrackCoverageDetail:
    """A track's whole coverage with names resolved, in a fixed number of queries (seven).

    Skills and tracks unpublished since the computation are left out for the public; so are segments
    (with the summary's rows). ``evidence=False`` leaves out what names modules (each module's stored
    evidence, skills taught twice within the track), one query fewer: the public coverage page shows
    the live demand behind each module's skills instead.
    """
    summary = track_coverage_summary(track=track, gaps=None, include_unpublished=include_unpublished)
    detail = TrackCoverageDetail(
        coverage=summary.coverage,
        segments=summary.segments,
        pending=CoverageMark.objects.filter(track=track).exists(),
        track=track,
    )
    coverage = summary.coverage
    if coverage is None:
        return detail
    names = _names_of(coverage, include_unpublished=include_unpublished, modules=evidence)
    segments = {row.segment.pk: row.segment for row in detail.segments}
    detail.across = _taught_elsewhere(coverage.duplicates.get("across", []), names)
    detail.before = [
        TaughtBefore(skill, tracks) for skill, tracks in _taught_elsewhere(coverage.duplicates.get("before", []), names)
    ]
    detail.path = [names.tracks[pk] for pk in coverage.path if pk in names.tracks]
    if evidence:
        detail.within = _taught_twice(coverage.duplicates.get("within", []), names)
        detail.modules = [
            _module_evidence(item, names, segments) for item in coverage.modules if item["module"] in names.modules
        ]
    if history:
        detail.history = _history(track, history, include_unpublished=include_unpublished)
    return detail


@dataclass(frozen=True)
class _Names:
    """The skills, tracks and modules a stored result names, by id."""

    skills: dict[int, Skill]
    tracks: dict[int, object]
    modules: dict[int, object]


def _names_of(coverage: TrackCoverage, *, include_unpublished: bool, modules: bool = True) -> _Names:
    """Resolve the ids of a stored result's findings, in three queries (skills, other tracks, modules), two
    without the modules (``modules=False``: their skills are not resolved either)."""
    from curriculum.models import Module, Track

    skill_ids, track_ids, module_ids = _ids_named(coverage, modules=modules)
    skills, tracks = Skill.objects.filter(pk__in=skill_ids), Track.objects.filter(pk__in=track_ids)
    if not include_unpublished:
        skills, tracks = skills.published(), tracks.published()
    named_modules = Module.objects.in_bulk(module_ids) if modules else {}
    return _Names(skills=skills.in_bulk(), tracks=tracks.in_bulk(), modules=named_modules)


def _ids_named(coverage: TrackCoverage, *, modules: bool = True) -> tuple[set[int], set[int], set[int]]:
    """The skill, track and module ids a stored result's duplicates and module evidence name (without what only
    the modules' findings name when ``modules`` is False)."""
    duplicates = coverage.duplicates
    skill_ids = {item["skill"] for key, items in duplicates.items() if modules or key != "within" for item in items}
    if modules:
        skill_ids |= {skill["skill"] for module in coverage.modules for skill in module["skills"]}
    track_ids = {t for key in ("across", "before") for item in duplicates.get(key, []) for t in item["tracks"]}
    track_ids |= set(coverage.path)
    module_ids = {module["module"] for module in coverage.modules}
    module_ids |= {m for item in duplicates.get("within", []) for m in item["modules"]}
    return skill_ids, track_ids, module_ids


def _taught_elsewhere(items: list[dict], names: _Names) -> list[TaughtElsewhere]:
    """Stored ``across`` (or ``before``) duplicates resolved; a skill whose other tracks are all hidden is left out."""
    resolved = [
        TaughtElsewhere(names.skills[item["skill"]], [names.tracks[t] for t in item["tracks"] if t in names.tracks])
        for item in items
        if item["skill"] in names.skills
    ]
    return [row for row in resolved if row.tracks]


def _taught_twice(items: list[dict], names: _Names) -> list[TaughtTwice]:
    """Stored ``within`` duplicates resolved."""
    return [
        TaughtTwice(names.skills[item["skill"]], [names.modules[m] for m in item["modules"] if m in names.modules])
        for item in items
        if item["skill"] in names.skills
    ]


def _module_evidence(item: dict, names: _Names, segments: dict[int, Segment]) -> ModuleEvidenceFigures:
    """One stored module's evidence resolved, for the segments shown."""
    return ModuleEvidenceFigures(
        names.modules[item["module"]],
        [
            SkillEvidenceFigures(
                names.skills[skill["skill"]],
                [
                    SegmentEvidence(segments[d["segment"]], d["postings"], d["share"], d["rank"])
                    for d in skill["demand"]
                    if d["segment"] in segments
                ],
            )
            for skill in item["skills"]
            if skill["skill"] in names.skills
        ],
    )


def _history(track, limit: int, *, include_unpublished: bool) -> list[CoverageHistory]:
    """The track's latest coverage changes, newest first; the public sees none against a hidden segment."""
    rows = CoverageHistory.objects.filter(track=track).select_related("segment")
    if not include_unpublished:
        rows = rows.exclude(segment__status__in=[Status.DRAFT, Status.ARCHIVED])
    return list(rows[:limit])


@dataclass
class DuplicationReport:
    """Skills taught by several tracks of a level, skills taught twice within a track, and skills a track
    teaches again after a track before it on the learning path."""

    across: list[tuple[str, Skill, list]]  # level, skill, tracks
    within: list[tuple[object, Skill, list]]  # track, skill, modules
    again: list[tuple[object, Skill, list]] = field(default_factory=list)  # track, skill, tracks before it


def coverage_duplication() -> DuplicationReport:
    """The duplication report, live from the curriculum (drafts included, archived left out), in five queries."""
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
    again = _taught_again(by_track)
    skills = Skill.objects.in_bulk({skill for _, skill in (*across, *within, *again)})
    tracks = Track.objects.in_bulk(
        {t for ts in (*across.values(), *again.values()) for t in ts} | {track for track, _ in (*within, *again)}
    )
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
        again=sorted(
            ((tracks[track], skills[skill], [tracks[t] for t in ts]) for (track, skill), ts in again.items()),
            key=lambda row: (str(row[0]), row[1].name),
        ),
    )


def _taught_again(by_track: dict[tuple[int, int], list[int]]) -> dict[tuple[int, int], list[int]]:
    """(track, skill): the tracks before it on the learning path that teach the skill too (archived tracks and
    links through them left out), in path order."""
    from curriculum.models import Track

    links = (
        Track.prerequisites.through.objects.exclude(from_track__status=Status.ARCHIVED)
        .exclude(to_track__status=Status.ARCHIVED)
        .values_list("from_track_id", "to_track_id")
    )
    teaching: dict[int, set[int]] = defaultdict(set)
    for track_id, skill_id in by_track:
        teaching[track_id].add(skill_id)
    path = learning_path(teaching, links)
    again = {}
    for track_id, ancestors in path.ancestors.items():
        for skill_id in teaching[track_id]:
            if before := [ancestor for ancestor in ancestors if skill_id in teaching[ancestor]]:
                again[(track_id, skill_id)] = before
    return again
