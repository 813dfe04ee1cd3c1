"""What a coverage computation reads: the demand of the targeted segments (with their skills' tiers, judged
against all segments' figures) and the curriculum of a batch of tracks (with the tracks before them on the
learning path), each in a fixed number of set-based queries.

``compute`` turns these into results.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max, Q, Sum

from careerhub.core.editorial import Status
from curriculum.path import learning_path
from postings.demand.figures import SkillFigures
from postings.demand.models import SegmentMonthTotal, SkillDemand
from postings.demand.selectors import scopes_filter
from postings.demand.tiers import tiers_of
from postings.demand.window import TREND_MONTHS, DemandWindow

TREND_HORIZON = TREND_MONTHS  # a skill is "rising" when its share over the last 3 months grew against the 3 before


@dataclass
class SegmentDemand:
    """One segment's counted postings over the window and the two trend periods, per skill and in total, and the
    tiers of its skills (``postings.demand.tiers``, judged against all segments' figures)."""

    total: int = 0
    current_total: int = 0
    previous_total: int = 0
    skills: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # skill: (window, current, previous)
    latest: datetime.datetime | None = None
    versions: tuple[str, str] = ("", "")  # the newest taxonomy and extractor versions of the totals read
    tiers: dict[int, tuple[str, ...]] = field(default_factory=dict)  # skill: its tiers, for skills in one at least

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

    @cached_property
    def demand(self) -> list[tuple[int, int, int]]:
        """The segment's demand: (skill, postings, rank) of its skills in a tier (core, distinguishing or rising),
        most asked for first."""
        return [row for row in self.ranked if row[0] in self.tiers]

    def postings(self, skill: int) -> int:
        return self.ranks.get(skill, (0, None))[0]

    def share(self, postings: int) -> float | None:
        return round(postings / self.total, 4) if self.total else None

    def trend(self, skill: int) -> str:
        """The skill's trend here by the one rule (``postings.demand.window.trend_direction``)."""
        return self.figures(skill).direction

    def figures(self, skill: int, segment_id: int | None = None) -> SkillFigures:
        """The skill's figures here, as the tiers read them."""
        n, c, p = self.skills.get(skill, (0, 0, 0))
        return SkillFigures(skill, segment_id, n, self.total, c, self.current_total, p, self.previous_total)

    def judge(self, everywhere: "SegmentDemand") -> None:
        """Fill ``tiers`` against ``everywhere``, the figures of all segments together (the lift's other side:
        all segments less this one)."""
        self.tiers = {}
        for skill, (n, _, _) in self.skills.items():
            if n > 0 and (found := tiers_of(self.figures(skill), everywhere.skills.get(skill, (0,))[0] - n,
                                            everywhere.total - self.total)):
                self.tiers[skill] = found

    def state(self) -> list:
        """The figures the demand digest fingerprints: this segment's, and the tiers all segments' gave them."""
        return [self.total, self.current_total, self.previous_total, sorted(self.skills.items()),
                sorted(self.tiers.items())]


def read_demand(segment_ids: set[int], *, as_of: datetime.date, window: int) -> dict[int, SegmentDemand]:
    """The demand of the given segments over the window ending with ``as_of``, their skills' tiers judged
    against all segments together, in two grouped queries (the segments' rows and those of all segments)."""
    if not segment_ids:
        return {}
    span = DemandWindow(last=as_of, months=window, trend_months=TREND_HORIZON)
    sums = {
        "n": Sum("postings", filter=Q(month__gte=span.first), default=0),
        "c": Sum("postings", filter=Q(month__gte=span.trend_from), default=0),
        "p": Sum("postings", filter=Q(month__gte=span.previous_from, month__lt=span.trend_from), default=0),
        "latest": Max("computed_at"),
    }
    scopes = scopes_filter([*sorted(segment_ids), None]) & Q(month__gte=span.start, month__lte=as_of)
    demand: dict[int | None, SegmentDemand] = defaultdict(SegmentDemand)
    totals = (
        SegmentMonthTotal.objects.filter(scopes)
        .values("segment_id")
        .annotate(**sums, taxonomy=Max("taxonomy_version"), extractor=Max("extractor_version"))
        .order_by()
    )
    for row in totals:
        figures = demand[row["segment_id"]]
        figures.total, figures.current_total, figures.previous_total = row["n"], row["c"], row["p"]
        figures.latest, figures.versions = row["latest"], (row["taxonomy"], row["extractor"])
    cells = (
        SkillDemand.objects.filter(scopes, skill__status=Status.PUBLISHED)
        .values("segment_id", "skill_id")
        .annotate(**sums)
        .order_by()
    )
    for row in cells:
        figures = demand[row["segment_id"]]
        figures.skills[row["skill_id"]] = (row["n"], row["c"], row["p"])
        if row["latest"] and (figures.latest is None or row["latest"] > figures.latest):
            figures.latest = row["latest"]
    everywhere = demand.pop(None, SegmentDemand())
    for figures in demand.values():
        figures.judge(everywhere)
    return dict(demand)


@dataclass
class Curriculum:
    """What a batch of tracks teaches, and what the tracks before them on the learning path teach, read in
    six queries."""

    tracks: dict[int, tuple[str, str]]  # track: (level, status)
    segments: dict[int, list[int]]  # track: segment ids
    modules: dict[int, list[int]]  # track (of the batch or before one): published module ids in order
    module_skills: dict[int, list[int]]  # module: published skill ids
    peers: dict[tuple[str, int], set[int]]  # (level, skill): published tracks teaching it
    # track: the published tracks before it on the learning path (transitively, through published ones), in
    # path order. Their published modules count as taught once a learner finishes the track.
    path: dict[int, list[int]] = field(default_factory=dict)

    def all_segments(self) -> set[int]:
        return {segment for segments in self.segments.values() for segment in segments}

    def teaching(self, track_id: int) -> dict[int, list[int]]:
        """skill: the track's published modules teaching it, in module order."""
        teaching: dict[int, list[int]] = defaultdict(list)
        for module_id in self.modules.get(track_id, []):
            for skill_id in self.module_skills.get(module_id, []):
                teaching[skill_id].append(module_id)
        return dict(teaching)

    def taught_before(self, track_id: int) -> dict[int, list[int]]:
        """skill: the tracks before this one on the path that teach it, in path order."""
        before: dict[int, list[int]] = defaultdict(list)
        for ancestor in self.path.get(track_id, []):
            for skill_id in self.teaching(ancestor):
                before[skill_id].append(ancestor)
        return dict(before)

    def other_tracks(self, track_id: int, skill_id: int) -> list[int]:
        """The other published tracks of the track's level that teach the skill, in id order."""
        level, _ = self.tracks[track_id]
        return sorted(self.peers.get((level, skill_id), set()) - {track_id})


def read_curriculum(track_ids: list[int]) -> Curriculum:
    """The tracks' level and status, segments, published prerequisite tracks (transitively), the published
    modules of all of these and their published skills, and who else teaches those skills at the same level."""
    from curriculum.models import Track

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
    path = read_path(tracks)
    modules, module_skills = read_modules({*tracks, *(ancestor for before in path.values() for ancestor in before)})
    peers = read_peers({level for level, _ in tracks.values()})
    return Curriculum(tracks, dict(segments), modules, module_skills, peers, path)


def read_path(track_ids) -> dict[int, list[int]]:
    """For each track: the published tracks before it on the learning path, in path order (one query).

    A prerequisite that is not published teaches nothing yet, and the tracks before it are not counted
    through it: the path a learner sees holds published tracks only.
    """
    from curriculum.models import Track

    edges = list(
        Track.prerequisites.through.objects.filter(to_track__status=Status.PUBLISHED)
        .values_list("from_track_id", "to_track_id")
        .order_by()
    )
    path = learning_path({*track_ids, *(track for edge in edges for track in edge)}, edges)
    return {track_id: path.ancestors[track_id] for track_id in track_ids if path.ancestors[track_id]}


def _taught():
    from curriculum.models import Module

    return Module.skills.through.objects.filter(module__status=Status.PUBLISHED, skill__status=Status.PUBLISHED)


def read_modules(track_ids: set[int]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """The tracks' published modules in order, and each module's published skills (two queries)."""
    from curriculum.models import Module

    modules: dict[int, list[int]] = defaultdict(list)
    for module_id, track_id in (
        Module.objects.filter(track_id__in=track_ids, status=Status.PUBLISHED)
        .values_list("id", "track_id")
        .order_by("order", "id")
    ):
        modules[track_id].append(module_id)
    module_skills: dict[int, list[int]] = defaultdict(list)
    for module_id, skill_id in (
        _taught().filter(module__track_id__in=track_ids)
        .values_list("module_id", "skill_id")
        .order_by("module_id", "skill_id")
    ):
        module_skills[module_id].append(skill_id)
    return dict(modules), dict(module_skills)


def read_peers(levels: set[str]) -> dict[tuple[str, int], set[int]]:
    """(level, skill): the published tracks of the level that teach the skill (one query)."""
    peers: dict[tuple[str, int], set[int]] = defaultdict(set)
    rows = (
        _taught().filter(module__track__level__in=levels, module__track__status=Status.PUBLISHED)
        .values_list("module__track__level", "skill_id", "module__track_id")
        .distinct()
        .order_by()
    )
    for level, skill_id, track_id in rows:
        peers[(level, skill_id)].add(track_id)
    return dict(peers)
