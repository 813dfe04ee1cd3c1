"""Compute curriculum coverage from the source: published modules' skills against the demand summaries.

For a track and each segment it targets, over the demand window (the last ``window`` months up to
``as_of``): the segment's demand is its top N published skills by postings (every skill tied with
the Nth included), each weighted by its share of the segment's postings. Coverage is the weight the
track's published modules teach over the whole weight. Gaps are the top skills not taught, ranked
by demand, with their three-month trend; surplus are taught skills the segment asks for in fewer
than ``surplus_share`` of its postings. Duplication: skills taught by several published tracks at
the same level, and skills taught by more than one module of the track.

Everything for a batch of tracks is read in a fixed number of set-based queries. ``recompute_marked``
claims coverage marks (``SELECT ... FOR UPDATE SKIP LOCKED``), recomputes the claimed tracks and
deletes the marks in one transaction; ``recompute_all`` recomputes every track and reports drift.
"""

import datetime
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from postings.demand.models import SegmentMonthTotal, SkillDemand
from postings.demand.months import add_months, month_start
from postings.demand.selectors import Trend

from .models import CoverageHistory, CoverageMark, SegmentCoverage, TrackCoverage

logger = logging.getLogger(__name__)

BATCH_MARKS = 5000  # marks claimed per transaction; they name a few hundred tracks at most
TRACK_CHUNK = 200  # tracks computed per round of queries in a full recompute
TREND_HORIZON = 3  # months: a gap is "rising" when its share over the last 3 months grew against the 3 before
# "CH" namespace shared with the demand engine's locks (postings.demand.engine), one below its keys.
LOCK_NAMESPACE = 0x43480000 - 1
GLOBAL_LOCK = (LOCK_NAMESPACE, 0)

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

    def ranked(self) -> list[tuple[int, int, int]]:
        """(skill, postings, rank) by postings, ties sharing a rank (1, 2, 2, 4), skill id breaking the order."""
        rows = sorted(((skill, n[0]) for skill, n in self.skills.items() if n[0] > 0), key=lambda r: (-r[1], r[0]))
        ranked, rank, previous = [], 0, None
        for position, (skill, n) in enumerate(rows, start=1):
            if n != previous:
                rank, previous = position, n
            ranked.append((skill, n, rank))
        return ranked

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


def read_curriculum(track_ids: list[int]) -> Curriculum:
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


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def compute_tracks(track_ids: list[int], *, as_of: datetime.date | None = None) -> dict[int, dict]:
    """The coverage result of each track (JSON-ready, ids only), from the sources as they are now."""
    as_of = as_of or current_as_of()
    n_top, window, surplus_below = top_n(), window_months(), surplus_share()
    curriculum = read_curriculum(sorted(set(track_ids)))
    all_segments = {segment for segments in curriculum.segments.values() for segment in segments}
    demand = read_demand(all_segments, as_of=as_of, window=window)
    results = {}
    for track_id, (level, status) in curriculum.tracks.items():
        module_ids = curriculum.modules.get(track_id, [])
        teaching: dict[int, list[int]] = defaultdict(list)
        for module_id in module_ids:
            for skill_id in curriculum.module_skills.get(module_id, []):
                teaching[skill_id].append(module_id)
        taught = set(teaching)
        segment_ids = curriculum.segments.get(track_id, [])

        segments, rank_of = [], {}
        for segment_id in segment_ids:
            figures = demand.get(segment_id, SegmentDemand())
            ranked = figures.ranked()
            rank_of[segment_id] = {skill: (n, rank) for skill, n, rank in ranked}
            top = [(skill, n, rank) for skill, n, rank in ranked if rank <= n_top]
            top_sum = sum(n for _, n, _ in top)
            taught_sum = sum(n for skill, n, _ in top if skill in taught)
            segments.append(
                {
                    "segment": segment_id,
                    "coverage": round(taught_sum / top_sum, 4) if top_sum else None,
                    "postings": figures.total,
                    "demand_skills": len(top),
                    "taught_demand_skills": sum(1 for skill, _, _ in top if skill in taught),
                    "gaps": [
                        {
                            "skill": skill,
                            "postings": n,
                            "share": figures.share(n),
                            "rank": rank,
                            "trend": figures.trend(skill),
                        }
                        for skill, n, rank in top
                        if skill not in taught
                    ],
                    "surplus": [
                        {"skill": skill, "postings": n, "share": figures.share(n)}
                        for n, skill in sorted((rank_of[segment_id].get(skill, (0, 0))[0], skill) for skill in taught)
                        if figures.total and n / figures.total < surplus_below
                    ],
                }
            )

        duplicates = {
            "across": [
                {"skill": skill, "tracks": sorted(curriculum.peers.get((level, skill), set()) - {track_id})}
                for skill in sorted(taught)
                if curriculum.peers.get((level, skill), set()) - {track_id}
            ],
            "within": [
                {"skill": skill, "modules": teaching[skill]} for skill in sorted(taught) if len(teaching[skill]) > 1
            ],
        }
        modules = [
            {
                "module": module_id,
                "skills": [
                    {
                        "skill": skill,
                        "demand": [
                            {
                                "segment": segment_id,
                                "postings": rank_of[segment_id].get(skill, (0, None))[0],
                                "share": demand.get(segment_id, SegmentDemand()).share(
                                    rank_of[segment_id].get(skill, (0,))[0]
                                ),
                                "rank": rank_of[segment_id].get(skill, (0, None))[1],
                            }
                            for segment_id in segment_ids
                        ],
                    }
                    for skill in curriculum.module_skills.get(module_id, [])
                ],
            }
            for module_id in module_ids
        ]
        with_demand = [row["coverage"] for row in segments if row["coverage"] is not None]
        demand_state = {
            str(segment_id): [
                demand[segment_id].total,
                demand[segment_id].current_total,
                demand[segment_id].previous_total,
                sorted(demand[segment_id].skills.items()),
            ]
            for segment_id in segment_ids
            if segment_id in demand
        }
        curriculum_state = {
            "level": level,
            "status": status,
            "segments": segment_ids,
            "modules": [[module_id, curriculum.module_skills.get(module_id, [])] for module_id in module_ids],
            "peers": duplicates["across"],
        }
        latest = [demand[s].latest for s in segment_ids if s in demand and demand[s].latest]
        versions = max((demand[s].versions for s in segment_ids if s in demand), default=("", ""))
        results[track_id] = {
            "as_of": as_of.isoformat(),
            "window_months": window,
            "top_n": n_top,
            "taxonomy_version": versions[0],
            "extractor_version": versions[1],
            "demand_computed_at": max(latest) if latest else None,
            "demand_digest": _digest([as_of, window, n_top, surplus_below, demand_state]),
            "curriculum_digest": _digest(curriculum_state),
            "coverage": round(fmean(with_demand), 4) if with_demand else None,
            "taught_skills": len(taught),
            "duplicates": duplicates,
            "modules": modules,
            "segments": segments,
        }
    return results


# --- Storing --------------------------------------------------------------------------------------


def store_results(results: dict[int, dict], *, now: datetime.datetime | None = None) -> None:
    """Replace the stored coverage of these tracks; add history rows where a figure changed."""
    content_changed()
    if not results:
        return
    now = now or timezone.now()
    before_overall = dict(TrackCoverage.objects.filter(track_id__in=results).values_list("track_id", "coverage"))
    before_segments = {
        (track_id, segment_id): coverage
        for track_id, segment_id, coverage in SegmentCoverage.objects.filter(
            track_coverage__track_id__in=results
        ).values_list("track_coverage__track_id", "segment_id", "coverage")
    }
    TrackCoverage.objects.filter(track_id__in=results).delete()
    stored = TrackCoverage.objects.bulk_create(
        [
            TrackCoverage(
                track_id=track_id,
                computed_at=now,
                as_of=datetime.date.fromisoformat(result["as_of"]),
                window_months=result["window_months"],
                top_n=result["top_n"],
                taxonomy_version=result["taxonomy_version"],
                extractor_version=result["extractor_version"],
                demand_computed_at=result["demand_computed_at"],
                demand_digest=result["demand_digest"],
                curriculum_digest=result["curriculum_digest"],
                coverage=result["coverage"],
                taught_skills=result["taught_skills"],
                duplicates=result["duplicates"],
                modules=result["modules"],
            )
            for track_id, result in results.items()
        ]
    )
    if any(row.pk is None for row in stored):  # a backend that does not return ids from a bulk insert
        stored = list(TrackCoverage.objects.filter(track_id__in=results))
    ids = {row.track_id: row.pk for row in stored}
    SegmentCoverage.objects.bulk_create(
        [
            SegmentCoverage(
                track_coverage_id=ids[track_id],
                segment_id=row["segment"],
                coverage=row["coverage"],
                postings=row["postings"],
                demand_skills=row["demand_skills"],
                taught_demand_skills=row["taught_demand_skills"],
                gaps=row["gaps"],
                surplus=row["surplus"],
            )
            for track_id, result in results.items()
            for row in result["segments"]
        ]
    )
    history = []
    for track_id, result in results.items():
        as_of = datetime.date.fromisoformat(result["as_of"])
        provenance = {
            "as_of": as_of,
            "demand_digest": result["demand_digest"],
            "curriculum_digest": result["curriculum_digest"],
            "computed_at": now,
            "track_id": track_id,
        }
        if track_id not in before_overall or before_overall[track_id] != result["coverage"]:
            history.append(CoverageHistory(segment_id=None, coverage=result["coverage"], **provenance))
        for row in result["segments"]:
            key = (track_id, row["segment"])
            if key not in before_segments or before_segments[key] != row["coverage"]:
                history.append(CoverageHistory(segment_id=row["segment"], coverage=row["coverage"], **provenance))
    CoverageHistory.objects.bulk_create(history)


def stored_results(track_ids: list[int]) -> dict[int, dict]:
    """The stored coverage of these tracks in the shape ``compute_tracks`` returns (the compared fields)."""
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


# --- Incremental and full recomputes -------------------------------------------------------------


def _lock(keys, *, shared: bool = False) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute(f"SELECT {function}(%s, %s)", key)


@dataclass
class DrainResult:
    marks: int = 0
    tracks: int = 0
    batches: int = 0


def recompute_marked(*, batch_size: int = BATCH_MARKS, as_of: datetime.date | None = None) -> DrainResult:
    """Drain the coverage marks: claim a batch, recompute its tracks, delete its marks, commit; repeat."""
    result = DrainResult()
    while True:
        with transaction.atomic():
            marks = list(
                CoverageMark.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "track_id")[:batch_size]
            )
            if not marks:
                break
            track_ids = sorted({track_id for _, track_id in marks})
            _lock([GLOBAL_LOCK], shared=True)
            _lock([(LOCK_NAMESPACE, track_id) for track_id in track_ids])  # one writer per track, in id order
            store_results(compute_tracks(track_ids, as_of=as_of))
            CoverageMark.objects.filter(id__in=[mark_id for mark_id, _ in marks]).delete()
        result.marks += len(marks)
        result.tracks += len(track_ids)
        result.batches += 1
    return result


@dataclass
class Comparison:
    """Tracks whose stored coverage differs from a fresh computation."""

    differences: list[tuple[int, str, object, object]]  # (track, field, stored, fresh)
    pending: int  # differing tracks whose marks are still waiting to be drained
    tracks: int = 0

    @property
    def drift(self) -> int:
        return len({track_id for track_id, *_ in self.differences})

    def sample(self, limit: int = 20) -> list[dict]:
        return [
            {"track": track_id, "field": name, "stored": stored, "fresh": fresh}
            for track_id, name, stored, fresh in self.differences[:limit]
        ]


def compare(stored: dict[int, dict], fresh: dict[int, dict], pending: set[int]) -> tuple[list, int, list[int]]:
    """Differences per track and field, the number of pending tracks, and the tracks to rewrite."""
    fresh = json.loads(json.dumps(fresh, default=str))  # the stored form: JSON numbers and lists
    differences, pending_count, changed = [], 0, []
    for key in sorted(fresh, key=int):
        track_id, new, old = int(key), fresh[key], stored.get(int(key))
        fields = [name for name in COMPARED_FIELDS if old is None or old[name] != new[name]]
        if not fields:
            continue
        changed.append(track_id)
        if track_id in pending:
            pending_count += 1
            continue
        differences += [(track_id, name, None if old is None else old[name], new[name]) for name in fields]
    return differences, pending_count, changed


def recompute_all(*, apply: bool = True, as_of: datetime.date | None = None) -> tuple[Comparison, int]:
    """Recompute every track from the sources; report drift; with ``apply``, store what changed."""
    from curriculum.models import Track

    as_of = as_of or current_as_of()
    comparison, written = Comparison(differences=[], pending=0), 0
    with transaction.atomic():
        _lock([GLOBAL_LOCK])
        pending = set(CoverageMark.objects.values_list("track_id", flat=True).distinct().order_by())
        track_ids = list(Track.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, len(track_ids), TRACK_CHUNK):
            chunk = track_ids[start : start + TRACK_CHUNK]
            fresh = compute_tracks(chunk, as_of=as_of)
            differences, pending_count, changed = compare(stored_results(chunk), fresh, pending)
            comparison.differences += differences
            comparison.pending += pending_count
            if apply and changed:
                store_results({track_id: fresh[track_id] for track_id in changed})
                written += len(changed)
        comparison.tracks = len(track_ids)
    return comparison, written
