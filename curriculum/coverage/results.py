"""What a coverage computation finds, as dataclasses, and their one conversion to the stored JSON.

``compute.compute_tracks`` builds a ``TrackResult`` per track; ``compute.store_results`` writes its
figures to ``TrackCoverage``/``SegmentCoverage`` columns and its findings, through ``to_json``, to the
JSON fields (``TrackCoverage.duplicates``/``modules``, ``SegmentCoverage.gaps``/``surplus``). Findings
name skills, segments, modules and tracks by id, so a renamed one never leaves a stale name behind.

The JSON keys are the field names, in declaration order: changing a field's name changes the stored
format (and makes ``recompute_coverage --verify`` report every track), so rename with a migration.
"""

import datetime
from dataclasses import dataclass, field, is_dataclass


@dataclass(frozen=True)
class Gap:
    """A skill of the segment's tiers that the track does not teach, ranked by demand, with its trend and tiers."""

    skill: int
    postings: int
    share: float | None
    rank: int
    trend: str
    tiers: list[str] = field(default_factory=list)  # "core", "distinguishing", "rising" (``postings.demand.tiers``)


@dataclass(frozen=True)
class Surplus:
    """A taught skill the segment asks for in fewer than the surplus share of its postings."""

    skill: int
    postings: int
    share: float | None


@dataclass(frozen=True)
class Evidence:
    """What one segment asks of a taught skill: postings, share of the segment's postings, rank.

    A skill the segment never asked for in the window has 0 postings and no rank.
    """

    segment: int
    postings: int
    share: float | None
    rank: int | None


@dataclass(frozen=True)
class SkillEvidence:
    """A skill a module teaches, with its demand in each segment the track targets (in segment id order)."""

    skill: int
    demand: list[Evidence]


@dataclass(frozen=True)
class ModuleEvidence:
    """A published module of the track and the demand behind each published skill it teaches."""

    module: int
    skills: list[SkillEvidence]


@dataclass(frozen=True)
class SharedSkill:
    """A taught skill that other published tracks of the same level teach too."""

    skill: int
    tracks: list[int]


@dataclass(frozen=True)
class RepeatedSkill:
    """A skill taught by more than one published module of the track (modules in track order)."""

    skill: int
    modules: list[int]


@dataclass(frozen=True)
class TaughtBefore:
    """A taught skill that tracks before this one on the learning path teach already (tracks in path order)."""

    skill: int
    tracks: list[int]


@dataclass(frozen=True)
class Duplicates:
    """Duplication of a track's teaching: across the tracks of its level, within the track, and after the
    tracks before it on the learning path (``before``)."""

    across: list[SharedSkill]
    within: list[RepeatedSkill]
    before: list[TaughtBefore] = field(default_factory=list)


@dataclass(frozen=True)
class SegmentResult:
    """How much of one targeted segment's demand (its tiered skills) a track teaches; ``coverage`` is None without
    demand.

    ``coverage``, ``taught_demand_skills`` and ``gaps`` are cumulative (the track with the tracks before it
    on the learning path); ``own_coverage`` and ``own_taught_demand_skills`` the track's own modules' alone;
    ``surplus`` is of the track's own skills.
    """

    segment: int
    coverage: float | None
    postings: int
    demand_skills: int
    taught_demand_skills: int
    gaps: list[Gap]
    surplus: list[Surplus]
    own_coverage: float | None = None
    own_taught_demand_skills: int = 0


@dataclass(frozen=True)
class TrackResult:
    """A track's coverage, with the demand snapshot and curriculum state it was computed from."""

    as_of: datetime.date
    window_months: int
    taxonomy_version: str
    extractor_version: str
    demand_computed_at: datetime.datetime | None
    demand_digest: str
    curriculum_digest: str
    coverage: float | None  # the mean of the (cumulative) segment coverages that have demand
    taught_skills: int  # by the track's own modules
    duplicates: Duplicates
    modules: list[ModuleEvidence]
    segments: list[SegmentResult]  # in segment id order
    own_coverage: float | None = None  # the mean of the segments' own coverages that have demand
    path: list[int] = field(default_factory=list)  # the published tracks before it on the path, in path order


def to_json(value):
    """The stored JSON form of a result or any part of it: dataclasses become objects keyed by field name
    (in declaration order), lists stay lists, dates become ISO text; numbers, text and None are kept."""
    # A full recompute converts some 100,000 objects and lists of ids: scalars are copied without a call.
    if isinstance(value, list | tuple):
        return [item if isinstance(item, _SCALARS) else to_json(item) for item in value]
    if is_dataclass(value):
        # ``vars`` holds the fields in declaration order (none of these classes has slots or other attributes).
        return {name: item if isinstance(item, _SCALARS) else to_json(item) for name, item in vars(value).items()}
    if isinstance(value, datetime.date):  # datetimes too: ISO text, as Django's JSON encoder writes them
        return value.isoformat()
    return value


_SCALARS = (int, float, str, type(None))
