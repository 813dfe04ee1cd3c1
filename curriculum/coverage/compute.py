"""Compute curriculum coverage from the source: published modules' skills against the demand summaries.

For a track and each segment it targets, over the demand window (the last ``window`` complete months up to
``as_of``): the segment's demand is its published skills in a tier (``postings.demand.tiers``: core,
distinguishing or rising, judged against all segments' figures over the same window), each weighted by its
postings. Coverage is **cumulative**: the weight taught once a
learner finishes the track, by its published modules and those of the published tracks before it on
the learning path (its prerequisites, transitively), over the whole weight; ``own_coverage`` is the
weight the track's own modules teach. Gaps are the tiered skills neither teaches (the path's gaps), most
asked for first, with their tiers and three-month trend; surplus are the track's own taught skills the segment asks for
in fewer than ``surplus_share`` of its postings. Duplication: skills taught by several published tracks
at the same level, skills taught by more than one module of the track, and skills taught again after a
track before it on the path already taught them.

Everything for a batch of tracks is read in a fixed number of set-based queries (``sources``), then each
track's ``TrackResult`` (``results``) is built in memory by small steps. ``store_results`` writes
results, ``stored_results`` reads them back in their stored form and ``compare`` finds where the two
differ (``recompute_coverage --verify``). The drain and the full recompute that call these live in
``engine``.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from statistics import fmean

from django.conf import settings
from django.utils import timezone

from careerhub.core.cache import content_changed
from postings.demand.tiers import tier_thresholds
from postings.demand.window import WINDOW_MONTHS, DemandWindow

from .models import CoverageHistory, SegmentCoverage, TrackCoverage
from .results import (
    Duplicates,
    Evidence,
    Gap,
    ModuleEvidence,
    RepeatedSkill,
    SegmentResult,
    SharedSkill,
    SkillEvidence,
    Surplus,
    TaughtBefore,
    TrackResult,
    to_json,
)
from .sources import Curriculum, SegmentDemand, read_curriculum, read_demand

# Compared by --verify: every figure and finding, and the fingerprints of what they were computed from.
COMPARED_FIELDS = (
    "as_of",
    "window_months",
    "demand_digest",
    "curriculum_digest",
    "coverage",
    "own_coverage",
    "path",
    "taught_skills",
    "duplicates",
    "modules",
    "segments",
)


def window_months() -> int:
    return int(getattr(settings, "CAREERHUB_COVERAGE_WINDOW_MONTHS", WINDOW_MONTHS))


def surplus_share() -> float:
    return float(getattr(settings, "CAREERHUB_COVERAGE_SURPLUS_SHARE", 0.05))


def current_as_of() -> datetime.date:
    """The last month of the one demand window (``postings.demand.window``): the latest complete month, so
    coverage's shares and gaps are the figures every other page shows (the running month is left out)."""
    return DemandWindow.current().last


@dataclass(frozen=True)
class Parameters:
    """The settings a computation runs with, read once per batch (they are part of the demand digest)."""

    as_of: datetime.date
    window: int
    surplus_below: float

    @classmethod
    def current(cls, as_of: datetime.date | None = None) -> "Parameters":
        return cls(as_of or current_as_of(), window_months(), surplus_share())


# --- Computing ------------------------------------------------------------------------------------


def compute_tracks(track_ids: list[int], *, as_of: datetime.date | None = None) -> dict[int, TrackResult]:
    """The coverage result of each track, from the sources as they are now (eight queries for any batch)."""
    parameters = Parameters.current(as_of)
    curriculum = read_curriculum(sorted(set(track_ids)))
    demand = read_demand(curriculum.all_segments(), as_of=parameters.as_of, window=parameters.window)
    return {track_id: track_result(track_id, curriculum, demand, parameters) for track_id in curriculum.tracks}


def track_result(
    track_id: int, curriculum: Curriculum, demand: dict[int, SegmentDemand], parameters: Parameters
) -> TrackResult:
    """One track's result from the batch's curriculum and demand."""
    teaching = curriculum.teaching(track_id)
    before = curriculum.taught_before(track_id)
    own = set(teaching)
    segment_ids = curriculum.segments.get(track_id, [])
    segments = [
        segment_result(segment_id, demand.get(segment_id, SegmentDemand()), own | set(before), parameters, own=own)
        for segment_id in segment_ids
    ]
    duplicates = track_duplicates(track_id, curriculum, teaching, before)
    read = [demand[segment_id] for segment_id in segment_ids if segment_id in demand]
    latest = [figures.latest for figures in read if figures.latest]
    taxonomy_version, extractor_version = max((figures.versions for figures in read), default=("", ""))
    return TrackResult(
        as_of=parameters.as_of,
        window_months=parameters.window,
        taxonomy_version=taxonomy_version,
        extractor_version=extractor_version,
        demand_computed_at=max(latest, default=None),
        demand_digest=demand_digest(segment_ids, demand, parameters),
        curriculum_digest=curriculum_digest(track_id, curriculum, duplicates),
        coverage=overall_coverage(segments),
        taught_skills=len(own),
        duplicates=duplicates,
        modules=module_evidence(curriculum.modules.get(track_id, []), curriculum, segment_ids, demand),
        segments=segments,
        own_coverage=overall_coverage(segments, own=True),
        path=curriculum.path.get(track_id, []),
    )


def segment_result(
    segment_id: int, figures: SegmentDemand, taught: set[int], parameters: Parameters, *, own: set[int] | None = None
) -> SegmentResult:
    """A track's coverage of one segment: the weight of the segment's tiered skills ``taught`` (cumulative: by the
    track and the tracks before it) and ``own`` (by the track alone, ``taught`` when not given), the gaps
    (not taught at all) and the surplus (of the track's own skills)."""
    own = taught if own is None else own
    top = figures.demand
    return SegmentResult(
        segment=segment_id,
        coverage=weighted_coverage(top, taught),
        postings=figures.total,
        demand_skills=len(top),
        taught_demand_skills=sum(1 for skill, _, _ in top if skill in taught),
        gaps=gaps(figures, top, taught),
        surplus=surplus(figures, own, parameters.surplus_below),
        own_coverage=weighted_coverage(top, own),
        own_taught_demand_skills=sum(1 for skill, _, _ in top if skill in own),
    )


def weighted_coverage(top: list[tuple[int, int, int]], taught: set[int]) -> float | None:
    """The postings of the taught demand skills over the postings of all of them; None without demand."""
    weight = sum(postings for _, postings, _ in top)
    taught_weight = sum(postings for skill, postings, _ in top if skill in taught)
    return round(taught_weight / weight, 4) if weight else None


def gaps(figures: SegmentDemand, top: list[tuple[int, int, int]], taught: set[int]) -> list[Gap]:
    """The demand skills not taught, most asked for first, each with its tiers and trend."""
    return [
        Gap(
            skill=skill,
            postings=postings,
            share=figures.share(postings),
            rank=rank,
            trend=figures.trend(skill),
            tiers=list(figures.tiers.get(skill, ())),
        )
        for skill, postings, rank in top
        if skill not in taught
    ]


def surplus(figures: SegmentDemand, taught: set[int], below: float) -> list[Surplus]:
    """Taught skills asked for in fewer than ``below`` of the segment's postings (never asked: 0), fewest first.

    A segment without postings in the window has no surplus: nothing to measure the teaching against.
    """
    if not figures.total:
        return []
    by_postings = sorted((figures.postings(skill), skill) for skill in taught)
    return [
        Surplus(skill=skill, postings=postings, share=figures.share(postings))
        for postings, skill in by_postings
        if postings / figures.total < below
    ]


def overall_coverage(segments: list[SegmentResult], *, own: bool = False) -> float | None:
    """The mean of the segment coverages (cumulative, or ``own``) that have demand; None when no segment has."""
    figures = [row.own_coverage if own else row.coverage for row in segments]
    with_demand = [figure for figure in figures if figure is not None]
    return round(fmean(with_demand), 4) if with_demand else None


def track_duplicates(
    track_id: int, curriculum: Curriculum, teaching: dict[int, list[int]], before: dict[int, list[int]] | None = None
) -> Duplicates:
    """Taught skills other published tracks of the level teach too, skills taught by several modules, and
    skills a track before this one on the path (``before``: skill to those tracks) taught already."""
    before = before or {}
    across = [
        SharedSkill(skill, others) for skill in sorted(teaching) if (others := curriculum.other_tracks(track_id, skill))
    ]
    within = [RepeatedSkill(skill, teaching[skill]) for skill in sorted(teaching) if len(teaching[skill]) > 1]
    again = [TaughtBefore(skill, before[skill]) for skill in sorted(teaching) if skill in before]
    return Duplicates(across=across, within=within, before=again)


def module_evidence(
    module_ids: list[int], curriculum: Curriculum, segment_ids: list[int], demand: dict[int, SegmentDemand]
) -> list[ModuleEvidence]:
    """Each published module's skills with their demand in every targeted segment."""
    figures = {segment_id: demand.get(segment_id, SegmentDemand()) for segment_id in segment_ids}
    return [
        ModuleEvidence(
            module=module_id,
            skills=[
                SkillEvidence(
                    skill=skill, demand=[evidence(segment_id, figures[segment_id], skill) for segment_id in segment_ids]
                )
                for skill in curriculum.module_skills.get(module_id, [])
            ],
        )
        for module_id in module_ids
    ]


def evidence(segment_id: int, figures: SegmentDemand, skill: int) -> Evidence:
    """One segment's demand for a skill; a skill it never asked for has 0 postings and no rank."""
    postings, rank = figures.ranks.get(skill, (0, None))
    return Evidence(segment=segment_id, postings=postings, share=figures.share(postings), rank=rank)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def demand_digest(segment_ids: list[int], demand: dict[int, SegmentDemand], parameters: Parameters) -> str:
    """Fingerprint of the demand figures read and the settings applied to them."""
    state = {str(segment_id): demand[segment_id].state() for segment_id in segment_ids if segment_id in demand}
    return _digest([parameters.as_of, parameters.window, tier_thresholds(), parameters.surplus_below, state])


def curriculum_digest(track_id: int, curriculum: Curriculum, duplicates: Duplicates) -> str:
    """Fingerprint of the track's level, status, segments, published modules with their skills, peers, and
    the tracks before it on the path with their published modules and skills."""
    level, status = curriculum.tracks[track_id]

    def taught(track: int) -> list:
        modules = curriculum.modules.get(track, [])
        return [[module_id, curriculum.module_skills.get(module_id, [])] for module_id in modules]

    return _digest(
        {
            "level": level,
            "status": status,
            "segments": curriculum.segments.get(track_id, []),
            "modules": taught(track_id),
            "peers": to_json(duplicates.across),
            "path": [[ancestor, taught(ancestor)] for ancestor in curriculum.path.get(track_id, [])],
        }
    )


# --- Storing and reading back ---------------------------------------------------------------------


def store_results(results: dict[int, TrackResult], *, now: datetime.datetime | None = None) -> None:
    """Replace the stored coverage of these tracks; add history rows where a figure changed."""
    if not results:
        return
    content_changed()  # the API's answers show coverage
    now = now or timezone.now()
    before = _stored_coverages(list(results))
    TrackCoverage.objects.filter(track_id__in=results).delete()
    ids = _insert_tracks(results, now)
    SegmentCoverage.objects.bulk_create(
        [_segment_row(ids[track_id], row) for track_id, result in results.items() for row in result.segments]
    )
    CoverageHistory.objects.bulk_create(
        [row for track_id, result in results.items() for row in _history_rows(track_id, result, before, now)]
    )


def _insert_tracks(results: dict[int, TrackResult], now: datetime.datetime) -> dict[int, int]:
    """Insert the tracks' ``TrackCoverage`` rows; their ids by track."""
    stored = TrackCoverage.objects.bulk_create(
        [_track_row(track_id, result, now) for track_id, result in results.items()]
    )
    if any(row.pk is None for row in stored):  # a backend that does not return ids from a bulk insert
        stored = list(TrackCoverage.objects.filter(track_id__in=results))
    return {row.track_id: row.pk for row in stored}


def _stored_coverages(track_ids: list[int]) -> dict[tuple[int, int | None], float | None]:
    """(track, segment or None for overall): the coverage stored now, in two queries."""
    overall = TrackCoverage.objects.filter(track_id__in=track_ids).values_list("track_id", "coverage")
    segments = SegmentCoverage.objects.filter(track_coverage__track_id__in=track_ids).values_list(
        "track_coverage__track_id", "segment_id", "coverage"
    )
    return {(track_id, None): coverage for track_id, coverage in overall} | {
        (track_id, segment_id): coverage for track_id, segment_id, coverage in segments
    }


def _track_row(track_id: int, result: TrackResult, now: datetime.datetime) -> TrackCoverage:
    return TrackCoverage(
        track_id=track_id,
        computed_at=now,
        as_of=result.as_of,
        window_months=result.window_months,
        taxonomy_version=result.taxonomy_version,
        extractor_version=result.extractor_version,
        demand_computed_at=result.demand_computed_at,
        demand_digest=result.demand_digest,
        curriculum_digest=result.curriculum_digest,
        coverage=result.coverage,
        own_coverage=result.own_coverage,
        path=list(result.path),
        taught_skills=result.taught_skills,
        duplicates=to_json(result.duplicates),
        modules=to_json(result.modules),
    )


def _segment_row(track_coverage_id: int, row: SegmentResult) -> SegmentCoverage:
    return SegmentCoverage(
        track_coverage_id=track_coverage_id,
        segment_id=row.segment,
        coverage=row.coverage,
        own_coverage=row.own_coverage,
        postings=row.postings,
        demand_skills=row.demand_skills,
        taught_demand_skills=row.taught_demand_skills,
        own_taught_demand_skills=row.own_taught_demand_skills,
        gaps=to_json(row.gaps),
        surplus=to_json(row.surplus),
    )


def _history_rows(track_id: int, result: TrackResult, before: dict, now: datetime.datetime) -> list[CoverageHistory]:
    """A history row for the overall figure and for each segment's figure that is new or changed."""
    provenance = {
        "track_id": track_id,
        "as_of": result.as_of,
        "demand_digest": result.demand_digest,
        "curriculum_digest": result.curriculum_digest,
        "computed_at": now,
    }
    figures = [(None, result.coverage)] + [(row.segment, row.coverage) for row in result.segments]
    return [
        CoverageHistory(segment_id=segment_id, coverage=coverage, **provenance)
        for segment_id, coverage in figures
        if (track_id, segment_id) not in before or before[(track_id, segment_id)] != coverage
    ]


def stored_form(result: TrackResult) -> dict:
    """The compared fields of a fresh result as ``stored_results`` reads them back (JSON values)."""
    return {name: to_json(getattr(result, name)) for name in COMPARED_FIELDS}


def stored_results(track_ids: list[int]) -> dict[int, dict]:
    """The stored coverage of these tracks: their compared fields in stored form (see ``stored_form``)."""
    results: dict[int, dict] = {}
    for coverage in TrackCoverage.objects.filter(track_id__in=track_ids).prefetch_related("segments"):
        results[coverage.track_id] = {
            "as_of": coverage.as_of.isoformat(),
            "window_months": coverage.window_months,
            "demand_digest": coverage.demand_digest,
            "curriculum_digest": coverage.curriculum_digest,
            "coverage": coverage.coverage,
            "own_coverage": coverage.own_coverage,
            "path": coverage.path,
            "taught_skills": coverage.taught_skills,
            "duplicates": coverage.duplicates,
            "modules": coverage.modules,
            "segments": [
                {
                    "segment": row.segment_id,
                    "coverage": row.coverage,
                    "postings": row.postings,
                    "demand_skills": row.demand_skills,
                    "taught_demand_skills": row.taught_demand_skills,
                    "gaps": row.gaps,
                    "surplus": row.surplus,
                    "own_coverage": row.own_coverage,
                    "own_taught_demand_skills": row.own_taught_demand_skills,
                }
                for row in sorted(coverage.segments.all(), key=lambda row: row.segment_id)
            ],
        }
    return results


def compare(
    stored: dict[int, dict], fresh: dict[int, TrackResult], pending: set[int]
) -> tuple[list[tuple[int, str, object, object]], int, list[int]]:
    """Differences per track and field (stored and fresh values in stored form), the number of differing
    tracks whose marks are still pending, and the differing tracks (to rewrite)."""
    differences, pending_count, changed = [], 0, []
    for track_id in sorted(fresh):
        new, old = stored_form(fresh[track_id]), stored.get(track_id)
        names = [name for name in COMPARED_FIELDS if old is None or old[name] != new[name]]
        if not names:
            continue
        changed.append(track_id)
        if track_id in pending:
            pending_count += 1
            continue
        differences += [(track_id, name, None if old is None else old[name], new[name]) for name in names]
    return differences, pending_count, changed
