"""Compute curriculum coverage from the source: published modules' skills against the demand summaries.

For a track and each segment it targets, over the demand window (the last ``window`` months up to
``as_of``): the segment's demand is its top N published skills by postings (every skill tied with
the Nth included), each weighted by its postings. Coverage is the weight the track's published
modules teach over the whole weight. Gaps are the top skills not taught, ranked by demand, with their
three-month trend; surplus are taught skills the segment asks for in fewer than ``surplus_share`` of
its postings. Duplication: skills taught by several published tracks at the same level, and skills
taught by more than one module of the track.

Everything for a batch of tracks is read in a fixed number of set-based queries (``read_curriculum``,
``read_demand``), then each track's ``TrackResult`` (``results``) is built in memory by small steps.
``store_results`` writes results, ``stored_results`` reads them back in their stored form and
``compare`` finds where the two differ (``recompute_coverage --verify``). The drain and the full
recompute that call these live in ``engine``.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from statistics import fmean

from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone

from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from postings.demand.models import SegmentMonthTotal, SkillDemand
from postings.demand.months import add_months, month_start
from postings.demand.selectors import Trend

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
    TrackResult,
    to_json,
)

TREND_HORIZON = 3  # months: a gap is "rising" when its share over the last 3 months grew against the 3 before

# Compared by --verify: every figure and finding, and the fingerprints of what they were computed from.
COMPARED_FIELDS = (
    "as_of",
    "window_months",
    "top_n",
    "demand_digest",
    "curriculum_digest",
    "coverage",
    "taught_skills",
    "duplicates",
    "modules",
    "segments",
)


def top_n() -> int:
    return int(getattr(settings, "CAREERHUB_COVERAGE_TOP_N", 20))


def window_months() -> int:
    return int(getattr(settings, "CAREERHUB_COVERAGE_WINDOW_MONTHS", 12))


def surplus_share() -> float:
    return float(getattr(settings, "CAREERHUB_COVERAGE_SURPLUS_SHARE", 0.05))


def current_as_of() -> datetime.date:
    """The demand window ends with the current month."""
    return month_start(timezone.localdate())


@dataclass(frozen=True)
class Parameters:
    """The settings a computation runs with, read once per batch (they are part of the demand digest)."""

    as_of: datetime.date
    top_n: int
    window: int
    surplus_below: float

    @classmethod
    def current(cls, as_of: datetime.date | None = None) -> "Parameters":
        return cls(as_of or current_as_of(), top_n(), window_months(), surplus_share())


# --- Reading the sources --------------------------------------------------------------------------


@dataclass
class SegmentDemand:
    """One segment's counted postings over the window and the two trend periods, per skill and in total."""

    total: int = 0
    current_total: int = 0
    previous_total: int = 0
    skills: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # skill: (window, current, previous)
    latest: datetime.datetime | None = None
    versions: tuple[str, str] = ("", "")  # the newest taxonomy and extractor versions of the totals read

    # Cached: every track of a batch that targets the segment reads the same ranking. Read only once
    # ``read_demand`` has filled the figures.
    @cached_property
    def ranked(self) -> list[tuple[int, int, int]]:
        """(skill, postings, rank) by postings, ties sharing a rank (1, 2, 2, 4), skill id breaking the order."""
        rows = sorted(((skill, n[0]) for skill, n in self.skills.items() if n[0] > 0), key=lambda r: (-r[1], r[0]))
        ranked, rank, previous = [], 0, None
        for position, (skill, n) in enumerate(rows, start=1):
            if n != previous:
                rank, previous = position, n
            ranked.append((skill, n, rank))
        return ranked

    @cached_property
    def ranks(self) -> dict[int, tuple[int, int]]:
        """skill: (postings, rank), for the skills asked for in the window."""
        return {skill: (n, rank) for skill, n, rank in self.ranked}

    def top(self, n_top: int) -> list[tuple[int, int, int]]:
        """The segment's demand: (skill, postings, rank) of its top ``n_top`` skills, every tie at the cut included."""
        return [row for row in self.ranked if row[2] <= n_top]

    def postings(self, skill: int) -> int:
        return self.ranks.get(skill, (0, None))[0]

    def share(self, postings: int) -> float | None:
        return round(postings / self.total, 4) if self.total else None

    def trend(self, skill: int) -> str:
        _, current, previous = self.skills.get(skill, (0, 0, 0))
        return Trend(
            skill_id=skill,
            horizon=TREND_HORIZON,
            current=current,
            current_total=self.current_total,
            previous=previous,
            previous_total=self.previous_total,
        ).label

    def state(self) -> list:
        """The figures the demand digest fingerprints."""
        return [self.total, self.current_total, self.previous_total, sorted(self.skills.items())]


def read_demand(segment_ids: set[int], *, as_of: datetime.date, window: int) -> dict[int, SegmentDemand]:
    """The demand of the given segments, in two grouped queries."""
    if not segment_ids:
        return {}
    window_from = add_months(as_of, -window + 1)
    current_from = add_months(as_of, -TREND_HORIZON + 1)
    previous_from = add_months(as_of, -2 * TREND_HORIZON + 1)
    start = min(window_from, previous_from)
    sums = {
        "n": Sum("postings", filter=Q(month__gte=window_from), default=0),
        "c": Sum("postings", filter=Q(month__gte=current_from), default=0),
        "p": Sum("postings", filter=Q(month__gte=previous_from, month__lt=current_from), default=0),
        "latest": Max("computed_at"),
    }
    demand: dict[int, SegmentDemand] = defaultdict(SegmentDemand)
    totals = (
        SegmentMonthTotal.objects.filter(segment_id__in=segment_ids, month__gte=start, month__lte=as_of)
        .values("segment_id")
        .annotate(**sums, taxonomy=Max("taxonomy_version"), extractor=Max("extractor_version"))
        .order_by()
    )
    for row in totals:
        figures = demand[row["segment_id"]]
        figures.total, figures.current_total, figures.previous_total = row["n"], row["c"], row["p"]
        figures.latest, figures.versions = row["latest"], (row["taxonomy"], row["extractor"])
    cells = (
        SkillDemand.objects.filter(
            segment_id__in=segment_ids, month__gte=start, month__lte=as_of, skill__status=Status.PUBLISHED
        )
        .values("segment_id", "skill_id")
        .annotate(**sums)
        .order_by()
    )
    for row in cells:
        figures = demand[row["segment_id"]]
        figures.skills[row["skill_id"]] = (row["n"], row["c"], row["p"])
        if row["latest"] and (figures.latest is None or row["latest"] > figures.latest):
            figures.latest = row["latest"]
    return dict(demand)


@dataclass
class Curriculum:
    """What a batch of tracks teaches, read in five queries."""

    tracks: dict[int, tuple[str, str]]  # track: (level, status)
    segments: dict[int, list[int]]  # track: segment ids
    modules: dict[int, list[int]]  # track: published module ids in order
    module_skills: dict[int, list[int]]  # module: published skill ids
    peers: dict[tuple[str, int], set[int]]  # (level, skill): published tracks teaching it

    def all_segments(self) -> set[int]:
        return {segment for segments in self.segments.values() for segment in segments}

    def teaching(self, track_id: int) -> dict[int, list[int]]:
        """skill: the track's published modules teaching it, in module order."""
        teaching: dict[int, list[int]] = defaultdict(list)
        for module_id in self.modules.get(track_id, []):
            for skill_id in self.module_skills.get(module_id, []):
                teaching[skill_id].append(module_id)
        return dict(teaching)

    def other_tracks(self, track_id: int, skill_id: int) -> list[int]:
        """The other published tracks of the track's level that teach the skill, in id order."""
        level, _ = self.tracks[track_id]
        return sorted(self.peers.get((level, skill_id), set()) - {track_id})


def read_curriculum(track_ids: list[int]) -> Curriculum:
    """The tracks' level and status, segments, published modules and their published skills, and who else
    teaches those skills at the same level."""
    from curriculum.models import Module, Track

    tracks = {
        pk: (level, status)
        for pk, level, status in Track.objects.filter(id__in=track_ids).values_list("id", "level", "status").order_by()
    }
    segments: dict[int, list[int]] = defaultdict(list)
    for track_id, segment_id in (
        Track.segments.through.objects.filter(track_id__in=tracks)
        .values_list("track_id", "segment_id")
        .order_by("track_id", "segment_id")
    ):
        segments[track_id].append(segment_id)
    modules: dict[int, list[int]] = defaultdict(list)
    for module_id, track_id in (
        Module.objects.filter(track_id__in=tracks, status=Status.PUBLISHED)
        .values_list("id", "track_id")
        .order_by("order", "id")
    ):
        modules[track_id].append(module_id)
    taught = Module.skills.through.objects.filter(module__status=Status.PUBLISHED, skill__status=Status.PUBLISHED)
    module_skills: dict[int, list[int]] = defaultdict(list)
    for module_id, skill_id in (
        taught.filter(module__track_id__in=tracks)
        .values_list("module_id", "skill_id")
        .order_by("module_id", "skill_id")
    ):
        module_skills[module_id].append(skill_id)
    peers: dict[tuple[str, int], set[int]] = defaultdict(set)
    levels = {level for level, _ in tracks.values()}
    rows = (
        taught.filter(module__track__level__in=levels, module__track__status=Status.PUBLISHED)
        .values_list("module__track__level", "skill_id", "module__track_id")
        .distinct()
        .order_by()
    )
    for level, skill_id, track_id in rows:
        peers[(level, skill_id)].add(track_id)
    return Curriculum(tracks, dict(segments), dict(modules), dict(module_skills), dict(peers))


# --- Computing ------------------------------------------------------------------------------------


def compute_tracks(track_ids: list[int], *, as_of: datetime.date | None = None) -> dict[int, TrackResult]:
    """The coverage result of each track, from the sources as they are now (seven queries for any batch)."""
    parameters = Parameters.current(as_of)
    curriculum = read_curriculum(sorted(set(track_ids)))
    demand = read_demand(curriculum.all_segments(), as_of=parameters.as_of, window=parameters.window)
    return {track_id: track_result(track_id, curriculum, demand, parameters) for track_id in curriculum.tracks}


def track_result(
    track_id: int, curriculum: Curriculum, demand: dict[int, SegmentDemand], parameters: Parameters
) -> TrackResult:
    """One track's result from the batch's curriculum and demand."""
    teaching = curriculum.teaching(track_id)
    taught = set(teaching)
    segment_ids = curriculum.segments.get(track_id, [])
    segments = [
        segment_result(segment_id, demand.get(segment_id, SegmentDemand()), taught, parameters)
        for segment_id in segment_ids
    ]
    duplicates = track_duplicates(track_id, curriculum, teaching)
    read = [demand[segment_id] for segment_id in segment_ids if segment_id in demand]
    latest = [figures.latest for figures in read if figures.latest]
    taxonomy_version, extractor_version = max((figures.versions for figures in read), default=("", ""))
    return TrackResult(
        as_of=parameters.as_of,
        window_months=parameters.window,
        top_n=parameters.top_n,
        taxonomy_version=taxonomy_version,
        extractor_version=extractor_version,
        demand_computed_at=max(latest, default=None),
        demand_digest=demand_digest(segment_ids, demand, parameters),
        curriculum_digest=curriculum_digest(track_id, curriculum, duplicates),
        coverage=overall_coverage(segments),
        taught_skills=len(taught),
        duplicates=duplicates,
        modules=module_evidence(curriculum.modules.get(track_id, []), curriculum, segment_ids, demand),
        segments=segments,
    )


def segment_result(segment_id: int, figures: SegmentDemand, taught: set[int], parameters: Parameters) -> SegmentResult:
    """A track's coverage of one segment: the taught weight of the segment's top skills, gaps and surplus."""
    top = figures.top(parameters.top_n)
    return SegmentResult(
        segment=segment_id,
        coverage=weighted_coverage(top, taught),
        postings=figures.total,
        demand_skills=len(top),
        taught_demand_skills=sum(1 for skill, _, _ in top if skill in taught),
        gaps=gaps(figures, top, taught),
        surplus=surplus(figures, taught, parameters.surplus_below),
    )


def weighted_coverage(top: list[tuple[int, int, int]], taught: set[int]) -> float | None:
    """The postings of the taught top skills over the postings of all top skills; None without demand."""
    weight = sum(postings for _, postings, _ in top)
    taught_weight = sum(postings for skill, postings, _ in top if skill in taught)
    return round(taught_weight / weight, 4) if weight else None


def gaps(figures: SegmentDemand, top: list[tuple[int, int, int]], taught: set[int]) -> list[Gap]:
    """The top skills not taught, in demand order."""
    return [
        Gap(skill=skill, postings=postings, share=figures.share(postings), rank=rank, trend=figures.trend(skill))
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


def overall_coverage(segments: list[SegmentResult]) -> float | None:
    """The mean of the segment coverages that have demand; None when no segment has."""
    with_demand = [row.coverage for row in segments if row.coverage is not None]
    return round(fmean(with_demand), 4) if with_demand else None


def track_duplicates(track_id: int, curriculum: Curriculum, teaching: dict[int, list[int]]) -> Duplicates:
    """Taught skills other published tracks of the level teach too, and skills taught by several modules."""
    across = [
        SharedSkill(skill, others) for skill in sorted(teaching) if (others := curriculum.other_tracks(track_id, skill))
    ]
    within = [RepeatedSkill(skill, teaching[skill]) for skill in sorted(teaching) if len(teaching[skill]) > 1]
    return Duplicates(across=across, within=within)


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
    return _digest([parameters.as_of, parameters.window, parameters.top_n, parameters.surplus_below, state])


def curriculum_digest(track_id: int, curriculum: Curriculum, duplicates: Duplicates) -> str:
    """Fingerprint of the track's level, status, segments, published modules with their skills, and peers."""
    level, status = curriculum.tracks[track_id]
    module_ids = curriculum.modules.get(track_id, [])
    return _digest(
        {
            "level": level,
            "status": status,
            "segments": curriculum.segments.get(track_id, []),
            "modules": [[module_id, curriculum.module_skills.get(module_id, [])] for module_id in module_ids],
            "peers": to_json(duplicates.across),
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
        top_n=result.top_n,
        taxonomy_version=result.taxonomy_version,
        extractor_version=result.extractor_version,
        demand_computed_at=result.demand_computed_at,
        demand_digest=result.demand_digest,
        curriculum_digest=result.curriculum_digest,
        coverage=result.coverage,
        taught_skills=result.taught_skills,
        duplicates=to_json(result.duplicates),
        modules=to_json(result.modules),
    )


def _segment_row(track_coverage_id: int, row: SegmentResult) -> SegmentCoverage:
    return SegmentCoverage(
        track_coverage_id=track_coverage_id,
        segment_id=row.segment,
        coverage=row.coverage,
        postings=row.postings,
        demand_skills=row.demand_skills,
        taught_demand_skills=row.taught_demand_skills,
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
            "top_n": coverage.top_n,
            "demand_digest": coverage.demand_digest,
            "curriculum_digest": coverage.curriculum_digest,
            "coverage": coverage.coverage,
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
