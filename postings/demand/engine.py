"""The demand engine's recompute: summary cells recounted from the source rows, never patched.

``recompute_marked`` drains the demand marks through the shared outbox (``careerhub.core.outbox``):
each batch claims marks, recounts the cells, day counts and totals they name in set-based queries,
replaces the stored rows, and the outbox deletes exactly the marks it claimed, all in one
transaction. ``recompute_all`` rebuilds every cell from two GROUP BY queries and reports drift.

Concurrency (PostgreSQL): each batch takes a transaction-level advisory lock per segment-month it
recomputes, and one per month for the all-segments rows, so two workers never write the same cell
from different snapshots; ``recompute_all`` holds every batch off (``outbox.lock_everything``).
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from careerhub.core import outbox
from careerhub.core.visibility import public, public_q
from segments.models import Segment

from ..models import Posting, PostingSkill
from . import signals
from .cache import demand_generation_bump_on_commit
from .marks import COUNTED_LINK, COUNTED_POSTING, counted_cell_updates, drain_request_flag
from .models import DemandMark, DemandRun, SegmentDayCount, SegmentMonthTotal, SkillDemand
from .months import add_months, days_of_month, month_start
from .versions import current_versions

logger = logging.getLogger(__name__)

# Marks claimed per transaction. A burst of 10,000 postings writes ~90,000 marks, which
# coalesce to a few hundred cells per batch; see docs/benchmarks.md for the measurements.
BATCH_MARKS = 20_000

# A segment-month's rows are locked under (LOCK_NAMESPACE + year * 12 + month, segment id), the
# all-segments rows of a month under (..., ALL_SEGMENTS), so they sort after its segments.
ALL_SEGMENTS = 2**31 - 1

# The rows of published segments: the all-segments rows add up these only (the one visibility rule).
PUBLIC_SEGMENT = public_q(Segment, "segment__")

CellKey = tuple[int | None, datetime.date, int]  # (segment id or None for all, month, skill id)
TotalKey = tuple[int | None, datetime.date]
DayKey = tuple[int, datetime.date]  # (segment id, day)
# (id, segment id, month, skill id or None for a total, the total's day or None for the whole month)
Mark = tuple[int, int, datetime.date, int | None, datetime.date | None]
MARK_FIELDS = ("id", "segment_id", "month", "skill_id", "day")


@dataclass
class Recount:
    """Fresh figures for a set of cells, straight from the source rows."""

    cells: dict[CellKey, int] = field(default_factory=dict)
    totals: dict[TotalKey, int] = field(default_factory=dict)
    days: dict[DayKey, int] = field(default_factory=dict)  # the parts of the per-segment totals


# --- Recounting from the source -------------------------------------------------------------


def recount_cells(groups: dict[tuple[int, datetime.date], set[int]]) -> dict[CellKey, int]:
    """Counted postings per (segment, month, skill) for the given skills of each segment-month.

    Reads the cell each link counts in (``PostingSkill.counted_*``, kept by the write side), so a
    cell's recount is an index-only count of its own links however many postings its month holds.
    The full recompute counts through the postings instead, which checks those copies too.
    """
    if not groups:
        return {}
    return _count_links_by_cell(reduce(or_, [
        Q(counted_segment_id=segment_id, counted_month=month, skill_id__in=sorted(skills))
        for (segment_id, month), skills in groups.items()
    ]))


def _count_links_by_cell(condition: Q) -> dict[CellKey, int]:
    """Links per demand cell, by the cell each link says it counts in (an index-only count)."""
    rows = (
        PostingSkill.objects.filter(condition)
        .values_list("counted_segment_id", "counted_month", "skill_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(segment_id, month, skill_id): n for segment_id, month, skill_id, n in rows}


def recount_days(segment_days: set[DayKey]) -> dict[DayKey, int]:
    """Counted postings per (segment, day), for the given segment-days (the index of counted postings answers it)."""
    if not segment_days:
        return {}
    rows = (
        Posting.objects.filter(COUNTED_POSTING, reduce(or_, [
            Q(segment_id=segment_id, posted_on__in=days) for segment_id, days in _days_by_segment(segment_days)
        ]))
        .values_list("segment_id", "posted_on")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(segment_id, day): n for segment_id, day, n in rows}


def _days_by_segment(segment_days: Iterable[DayKey]) -> list[tuple[int, list[datetime.date]]]:
    by_segment: dict[int, set[datetime.date]] = defaultdict(set)
    for segment_id, day in segment_days:
        by_segment[segment_id].add(day)
    return [(segment_id, sorted(days)) for segment_id, days in sorted(by_segment.items())]


def _replace_days(keys: Iterable[DayKey], fresh: dict[DayKey, int]) -> None:
    keys = sorted(set(keys))
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        SegmentDayCount.objects.filter(
            reduce(or_, [Q(segment_id=segment_id, day__in=days) for segment_id, days in _days_by_segment(chunk)])
        ).delete()
        SegmentDayCount.objects.bulk_create(
            [SegmentDayCount(segment_id=s, day=d, postings=fresh[(s, d)]) for s, d in chunk if fresh.get((s, d))]
        )


def _sum_days(segment_months: set[tuple[int, datetime.date]]) -> dict[TotalKey, int]:
    """Per-segment month totals, added up from the stored day counts."""
    if not segment_months:
        return {}
    rows = (
        SegmentDayCount.objects.filter(reduce(or_, [
            Q(segment_id=segment_id, day__gte=month, day__lt=add_months(month, 1))
            for segment_id, month in segment_months
        ]))
        .annotate(month=TruncMonth("day"))
        .values_list("segment_id", "month")
        .annotate(n=Sum("postings"))
        .order_by()
    )
    return {(segment_id, month): n for segment_id, month, n in rows}


def _replace_cells(keys: list[CellKey], fresh: dict[CellKey, int], versions: tuple[str, str], now) -> None:
    """Replace the stored rows of ``keys`` with ``fresh`` counts (rows with no postings are removed)."""
    by_scope: dict[tuple[int | None, datetime.date], set[int]] = defaultdict(set)
    for segment_id, month, skill_id in keys:
        by_scope[(segment_id, month)].add(skill_id)
    if not by_scope:
        return
    SkillDemand.objects.filter(
        reduce(or_, [
            Q(segment_id=segment_id, month=month, skill_id__in=sorted(skills)) if segment_id
            else Q(segment__isnull=True, month=month, skill_id__in=sorted(skills))
            for (segment_id, month), skills in by_scope.items()
        ])
    ).delete()
    taxonomy_version, extractor_version = versions
    rows = []
    for segment_id, month, skill_id in keys:
        if postings := fresh.get((segment_id, month, skill_id)):
            rows.append(
                SkillDemand(segment_id=segment_id, month=month, skill_id=skill_id, postings=postings, computed_at=now,
                            taxonomy_version=taxonomy_version, extractor_version=extractor_version)
            )
    SkillDemand.objects.bulk_create(rows, batch_size=5000)


def _replace_totals(keys: Iterable[TotalKey], fresh: dict[TotalKey, int], versions: tuple[str, str], now) -> None:
    keys = list(keys)
    if not keys:
        return
    SegmentMonthTotal.objects.filter(
        reduce(or_, [
            Q(segment_id=segment_id, month=month) if segment_id else Q(segment__isnull=True, month=month)
            for segment_id, month in keys
        ])
    ).delete()
    taxonomy_version, extractor_version = versions
    SegmentMonthTotal.objects.bulk_create(
        [
            SegmentMonthTotal(segment_id=segment_id, month=month, postings=fresh[(segment_id, month)], computed_at=now,
                              taxonomy_version=taxonomy_version, extractor_version=extractor_version)
            for segment_id, month in keys
            if fresh.get((segment_id, month))
        ]
    )


# --- Incremental ----------------------------------------------------------------------------


def segment_month_locks(marks: Iterable[Mark]) -> list[tuple[int, int]]:
    """The advisory lock keys of the segment-months the marks name, and of their months' all-segments rows."""
    keys = set()
    for _, segment_id, month, _, _ in marks:
        month_key = outbox.LOCK_NAMESPACE + month.year * 12 + month.month
        keys.update({(month_key, segment_id), (month_key, ALL_SEGMENTS)})
    return sorted(keys)


def recompute_claimed(marks: list[Mark]) -> int:
    """Recompute every cell the claimed marks name; return how many cells were recomputed.

    Runs inside the claiming transaction (``outbox.drain``), which deletes the marks afterwards.
    """
    outbox.lock(segment_month_locks(marks))
    cell_groups: dict[tuple[int, datetime.date], set[int]] = defaultdict(set)
    day_groups: set[DayKey] = set()
    for _, segment_id, month, skill_id, day in marks:
        if skill_id is not None:
            cell_groups[(segment_id, month)].add(skill_id)
        elif day is not None:
            day_groups.add((segment_id, day))
        else:  # a total's mark that names no day: every day of the month
            day_groups.update((segment_id, one) for one in days_of_month(month))
    total_groups = {(segment_id, month_start(day)) for segment_id, day in day_groups}

    segment_keys = [(s, m, k) for (s, m), skills in sorted(cell_groups.items()) for k in sorted(skills)]
    _store_claimed(cell_groups, segment_keys, day_groups, total_groups, current_versions(), timezone.now())
    signals.summaries_changed.send(sender=SkillDemand, segment_ids={mark[1] for mark in marks})
    # Pages cache demand figures per generation: the new one starts when this batch commits.
    demand_generation_bump_on_commit()
    all_keys = {(m, k) for _, m, k in segment_keys}
    return len(segment_keys) + len(all_keys) + 2 * len(total_groups)


def _store_claimed(cell_groups, segment_keys, day_groups, total_groups, versions, now) -> None:
    """Recount and replace the claimed cells, their all-segments rows, the claimed days and their months' totals."""
    _replace_cells(segment_keys, recount_cells(cell_groups), versions, now)

    # All segments together: the sum of the (now exact) per-segment rows of each claimed skill-month, of
    # published segments only (a segment's status change marks its cells: ``marks.mark_segments_shown_changed``).
    skills_by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for _, month, skill_id in segment_keys:
        skills_by_month[month].add(skill_id)
    all_keys = [(None, m, k) for m, skills in skills_by_month.items() for k in skills]
    all_fresh: dict[CellKey, int] = {}
    if all_keys:
        rows = (
            SkillDemand.objects.filter(PUBLIC_SEGMENT)
            .filter(reduce(or_, [Q(month=m, skill_id__in=sorted(k)) for m, k in skills_by_month.items()]))
            .values_list("month", "skill_id")
            .annotate(n=Sum("postings"))
            .order_by()
        )
        all_fresh = {(None, month, skill_id): n for month, skill_id, n in rows}
    _replace_cells(all_keys, all_fresh, versions, now)

    # Totals: the claimed days recounted, then each month's days added up.
    _replace_days(day_groups, recount_days(day_groups))
    _replace_totals(total_groups, _sum_days(total_groups), versions, now)
    total_months = {month for _, month in total_groups}
    if total_months:
        sums = (
            SegmentMonthTotal.objects.filter(PUBLIC_SEGMENT, month__in=total_months)
            .values_list("month")
            .annotate(n=Sum("postings"))
            .order_by()
        )
        _replace_totals([(None, m) for m in total_months], {(None, m): n for m, n in sums}, versions, now)


def recompute_marked(*, max_batches: int | None = None, batch_size: int = BATCH_MARKS) -> outbox.DrainResult:
    """Drain the demand marks (see ``careerhub.core.outbox.drain``); ``items`` counts the cells recomputed."""
    outbox.forget_drain_request(drain_request_flag())  # writes committed from now on queue another drain
    return outbox.drain(DemandMark, MARK_FIELDS, recompute_claimed, batch_size=batch_size, max_batches=max_batches)


# --- Full recompute and verification --------------------------------------------------------


def recount_everything() -> Recount:
    """Every cell and total from the source rows, in two set-based GROUP BY queries."""
    recount = Recount()
    shown = set(public(Segment.objects.all()).values_list("id", flat=True))  # counted in the all-segments rows
    links = (
        PostingSkill.objects.filter(COUNTED_LINK)
        .annotate(month=TruncMonth("posting__posted_on"))
        .values_list("posting__segment_id", "month", "skill_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Fetched whole (one row per cell, tens of thousands at most), not through a server-side cursor:
    # PostgreSQL plans cursors for the first rows and picks a much slower plan for this aggregate.
    for segment_id, month, skill_id, n in links:
        recount.cells[(segment_id, month, skill_id)] = n
        if segment_id in shown:
            key = (None, month, skill_id)
            recount.cells[key] = recount.cells.get(key, 0) + n
    days = (
        Posting.objects.filter(COUNTED_POSTING)
        .values_list("segment_id", "posted_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    for segment_id, day, n in days:
        recount.days[(segment_id, day)] = n
        month = month_start(day)
        recount.totals[(segment_id, month)] = recount.totals.get((segment_id, month), 0) + n
        if segment_id in shown:
            recount.totals[(None, month)] = recount.totals.get((None, month), 0) + n
    return recount


def stored_summaries() -> Recount:
    stored = Recount()
    stored.cells = {
        (segment_id, month, skill_id): n
        for segment_id, month, skill_id, n in SkillDemand.objects.values_list(
            "segment_id", "month", "skill_id", "postings"
        )
    }
    stored.totals = {
        (segment_id, month): n
        for segment_id, month, n in SegmentMonthTotal.objects.values_list("segment_id", "month", "postings")
    }
    days = SegmentDayCount.objects.values_list("segment_id", "day", "postings")
    stored.days = {(segment_id, day): n for segment_id, day, n in days}
    return stored


@dataclass
class Comparison:
    """Differences between stored summaries and a fresh recount."""

    cells: list[tuple[CellKey, int, int]]  # (key, stored, fresh)
    totals: list[tuple[TotalKey, int, int]]
    pending: int  # differences explained by marks not yet drained
    # Cells whose links' copies of their demand cell (``PostingSkill.counted_*``) disagree with
    # their postings: (key, counted from the copies, fresh). Checked when asked for.
    copies: list[tuple[CellKey, int, int]] = field(default_factory=list)
    # Per-segment day counts (the parts of the month totals) that differ: (key, stored, fresh).
    days: list[tuple[DayKey, int, int]] = field(default_factory=list)

    @property
    def drift(self) -> int:
        return len(self.cells) + len(self.totals) + len(self.copies) + len(self.days)

    def sample(self, limit: int = 50) -> list[dict]:
        cells = [{"segment": s, "month": f"{m:%Y-%m}", "skill": k, "stored": a, "fresh": b}
                 for (s, m, k), a, b in self.cells]
        totals = [{"segment": s, "month": f"{m:%Y-%m}", "skill": None, "stored": a, "fresh": b}
                  for (s, m), a, b in self.totals]
        copies = [{"segment": s, "month": f"{m:%Y-%m}", "skill": k, "stored": a, "fresh": b, "links": True}
                  for (s, m, k), a, b in self.copies]
        days = [{"segment": s, "month": f"{d:%Y-%m}", "day": f"{d:%Y-%m-%d}", "skill": None, "stored": a, "fresh": b}
                for (s, d), a, b in self.days]
        return (cells + totals + copies + days)[:limit]


def compare(stored: Recount, fresh: Recount) -> Comparison:
    """Every cell and total that differs, except those whose marks are still waiting to be drained."""
    pending_months = set(DemandMark.objects.values_list("segment_id", "month").distinct().order_by())

    def in_flight(segment_id: int | None, month: datetime.date) -> bool:
        return (segment_id, month) in pending_months or (
            segment_id is None and any(m == month for _, m in pending_months)
        )

    pending = 0

    def settled(differences: list[tuple], segment_month) -> list[tuple]:
        """The differences no pending mark explains, sorted; the others are counted as pending."""
        nonlocal pending
        kept = [row for row in differences if not in_flight(*segment_month(row[0]))]
        pending += len(differences) - len(kept)
        return sorted(kept, key=lambda row: tuple(part or 0 for part in row[0]))

    return Comparison(
        cells=settled(outbox.differences(stored.cells, fresh.cells), lambda key: key[:2]),
        totals=settled(outbox.differences(stored.totals, fresh.totals), lambda key: key),
        days=settled(outbox.differences(stored.days, fresh.days), lambda key: (key[0], month_start(key[1]))),
        pending=pending,
    )


def recount_copies() -> dict[CellKey, int]:
    """Every per-segment cell counted from the links' copies of their cell (what the drain reads)."""
    return _count_links_by_cell(Q(counted_month__isnull=False))


def stale_copies(fresh: Recount) -> list[tuple[CellKey, int, int]]:
    """Cells the drain would miscount because some links' copies of their cell are out of date."""
    copies = recount_copies()
    counted = {key: n for key, n in fresh.cells.items() if key[0] is not None}
    return sorted(
        ((key, copies.get(key, 0), counted.get(key, 0)) for key in copies.keys() | counted.keys()
         if copies.get(key, 0) != counted.get(key, 0)),
        key=lambda row: (row[0][0], row[0][1], row[0][2]),
    )


def repair_copies(segment_months: Iterable[tuple[int, datetime.date]]) -> None:
    """Copy the current cell onto every link of these segment-months, and onto links that claim to count there."""
    for segment_id, month in sorted(set(segment_months)):
        in_month = Q(posting__posted_on__gte=month, posting__posted_on__lt=add_months(month, 1))
        PostingSkill.objects.filter(
            Q(in_month, posting__segment_id=segment_id) | Q(counted_segment_id=segment_id, counted_month=month)
        ).update(**counted_cell_updates())


@transaction.atomic
def recompute_all(*, apply: bool = True, check_copies: bool = False) -> tuple[Comparison, int]:
    """Recount every cell from the source; report drift; with ``apply``, store the fresh figures.

    With ``check_copies`` the links' copies of their cell are checked against the same recount
    (and, with ``apply``, repaired where they differ). Returns the comparison (made before
    applying) and the number of cells written.
    """
    outbox.lock_everything()
    stored = stored_summaries()
    fresh = recount_everything()
    comparison = compare(stored, fresh)
    if check_copies:
        comparison.copies = stale_copies(fresh)
        if apply:
            repair_copies((segment_id, month) for (segment_id, month, _), _, _ in comparison.copies)
    if not apply:
        return comparison, 0
    versions, now = current_versions(), timezone.now()
    changed_cells = [key for key, _, _ in outbox.differences(stored.cells, fresh.cells)]
    changed_totals = [key for key, _, _ in outbox.differences(stored.totals, fresh.totals)]
    changed_days = [key for key, _, _ in outbox.differences(stored.days, fresh.days)]
    for start in range(0, len(changed_cells), 5000):
        _replace_cells(changed_cells[start : start + 5000], fresh.cells, versions, now)
    _replace_totals(changed_totals, fresh.totals, versions, now)
    _replace_days(changed_days, fresh.days)
    changed_segments = {key[0] for key in changed_cells} | {key[0] for key in changed_totals}
    signals.summaries_changed.send(sender=SkillDemand, segment_ids=changed_segments - {None})
    if changed_cells or changed_totals:
        demand_generation_bump_on_commit()
    return comparison, len(changed_cells) + len(changed_totals)


def record_run(kind: str, trigger: str, *, started_at=None) -> DemandRun:
    """A run's row; ``started_at`` for a run recorded once it has finished (``started_at`` is set on insert)."""
    run = DemandRun.objects.create(kind=kind, trigger=trigger)
    if started_at is not None:
        run.started_at = started_at
    return run


def finish_run(run: DemandRun, **fields) -> DemandRun:
    for name, value in fields.items():
        setattr(run, name, value)
    run.finished_at = timezone.now()
    run.save()
    return run
