"""The write side of the demand engine: mark what a write changes, in the write's own transaction.

Services wrap every write that can move a demand figure in ``demand_marks(...)``: the cells the
affected postings count in are collected before the write and again after it, and the union is
inserted as ``DemandMark`` rows in the same transaction. A rolled-back write leaves no mark; a
committed one can never lose its mark. After commit, one recompute task is requested.
"""

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from careerhub.core import outbox
from careerhub.core.bulk import insert_rows
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status

from ..models import Posting, PostingSkill, PostingSkillState
from .models import DemandMark
from .months import month_start

# What counts in demand, the one definition: a posting counts when it is published and not a duplicate of
# another posting; a skill link counts unless an editor rejected it. Queries use the Q objects; the batch
# write path, which sets the links' copies of their cell as it inserts them, asks the two functions below
# (tests/postings/test_demand_engine.py checks that both forms agree).
COUNTED_STATUS = Status.PUBLISHED
UNCOUNTED_LINK_STATE = PostingSkillState.REJECTED
COUNTED_POSTING = Q(status=COUNTED_STATUS, duplicate_of__isnull=True)
COUNTED_LINK_STATE = ~Q(state=UNCOUNTED_LINK_STATE)
COUNTED_LINK = COUNTED_LINK_STATE & Q(posting__status=COUNTED_STATUS, posting__duplicate_of__isnull=True)


def posting_counts(status: str, duplicate_of_id: int | None) -> bool:
    """``COUNTED_POSTING`` for values in hand."""
    return status == COUNTED_STATUS and duplicate_of_id is None


def link_counts(state: str) -> bool:
    """``COUNTED_LINK_STATE`` for values in hand."""
    return state != UNCOUNTED_LINK_STATE

# (segment id, month, skill id), or (segment id, day, None) for the segment's count of that day,
# a part of its month's total
Cell = tuple[int, datetime.date, int | None]

# While set, a drain is queued and will see every mark committed before it starts (``outbox.request_drain``).
DRAIN_REQUEST_FLAG = "demand:drain-requested:{database}"
ID_CHUNK = 2000


# (posting id, segment id, posted on, status, duplicate of) and (posting id, skill id, link state): the
# rows the cells of postings are derived from, read from the database or in hand while a batch is written.
PostingFacts = tuple[int, int, datetime.date, str, int | None]
LinkFacts = tuple[int, int, str]


def counted_cell(posting: PostingFacts, state: str) -> tuple[int | None, datetime.date | None]:
    """The cell a link of this posting in this state counts in (its copy on ``PostingSkill``), or (None, None)."""
    _, segment_id, posted_on, status, duplicate_of_id = posting
    if posting_counts(status, duplicate_of_id) and link_counts(state):
        return segment_id, month_start(posted_on)
    return None, None


def cells_of(postings: Iterable[PostingFacts], links: Iterable[LinkFacts]) -> set[Cell]:
    """The demand cells these postings count in, by the counted rule: their days, and a cell per counted link."""
    by_id = {posting[0]: posting for posting in postings}
    cells: set[Cell] = {
        (segment_id, posted_on, None)
        for _, segment_id, posted_on, status, duplicate_of_id in by_id.values()
        if posting_counts(status, duplicate_of_id)
    }
    for posting_id, skill_id, state in links:
        segment_id, month = counted_cell(by_id[posting_id], state)
        if month is not None:
            cells.add((segment_id, month, skill_id))
    return cells


def cells_of_postings(posting_ids: Iterable[int]) -> set[Cell]:
    """The demand cells the given postings count in right now (two queries per chunk of ids)."""
    cells: set[Cell] = set()
    ids = sorted(set(posting_ids))
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        postings = Posting.objects.filter(pk__in=chunk).order_by()
        links = PostingSkill.objects.filter(posting_id__in=chunk).order_by()
        cells |= cells_of(
            postings.values_list("id", "segment_id", "posted_on", "status", "duplicate_of_id"),
            links.values_list("posting_id", "skill_id", "state"),
        )
    return cells


def counted_cell_updates() -> dict:
    """``PostingSkill`` column values that copy, set-based, the demand cell each link counts in from its posting."""
    counted = Posting.objects.filter(COUNTED_POSTING, pk=OuterRef("posting_id"))
    month = counted.annotate(month=TruncMonth("posted_on")).values("month")[:1]
    rejected = When(state=PostingSkillState.REJECTED, then=None)
    return {
        "counted_segment_id": Case(rejected, default=Subquery(counted.values("segment_id")[:1])),
        "counted_month": Case(rejected, default=Subquery(month)),
    }


def sync_counted_cells(posting_ids: Iterable[int]) -> None:
    """Copy each posting's current demand cell onto its skill links (``PostingSkill.counted_*``).

    Runs in the write's transaction, after the write and before its marks are drained, so the
    drain's recount of a cell reads exactly the links that count in it.
    """
    ids = sorted(set(posting_ids))
    for start in range(0, len(ids), ID_CHUNK):
        PostingSkill.objects.filter(posting_id__in=ids[start : start + ID_CHUNK]).update(**counted_cell_updates())


class MarkCollector:
    """Collects the postings a write touches; see ``demand_marks``."""

    def __init__(self, posting_ids: Iterable[int]):
        self.posting_ids = set(posting_ids)
        self.cells = cells_of_postings(self.posting_ids)

    def add_written(self, postings: list[PostingFacts], links: list[LinkFacts]) -> None:
        """Postings the write created with their links, as the rows it wrote (their cells already copied on the
        links with ``counted_cell``): their cells come from those rows, with no second read or write."""
        self.cells |= cells_of(postings, links)


@contextmanager
def demand_marks(posting_ids: Iterable[int] = ()) -> Iterator[MarkCollector]:
    """Mark the cells of ``posting_ids`` before and after a write (and those of postings the write created).

    Must run inside the write's transaction, so the marks commit or roll back with it.
    """
    collector = MarkCollector(posting_ids)
    yield collector
    sync_counted_cells(collector.posting_ids)
    collector.cells |= cells_of_postings(collector.posting_ids)
    insert_marks(collector.cells)


def insert_marks(cells: Iterable[Cell]) -> int:
    """Insert marks for the given cells and request a drain after commit."""
    content_changed()
    now = timezone.now()
    marks = [
        (segment_id, date, skill_id, None, now) if skill_id is not None
        else (segment_id, month_start(date), None, date, now)
        for segment_id, date, skill_id in cells
    ]
    if not marks:
        return 0
    # Plain rows (COPY on PostgreSQL): a batch of a thousand new postings marks thousands of cells.
    insert_rows(DemandMark, ("segment_id", "month", "skill_id", "day", "created_at"), marks)
    request_drain_after_commit()
    return len(marks)


def drain_request_flag() -> str:
    """The flag is per database: several CareerHub databases may share one Redis."""
    return DRAIN_REQUEST_FLAG.format(database=connection.settings_dict["NAME"])


def request_drain_after_commit() -> None:
    """Queue one demand drain after commit unless one is queued already (coverage marks ask for the same)."""
    from .tasks import recompute_marked_demand

    outbox.request_drain_after_commit(drain_request_flag(), recompute_marked_demand)


def mark_segments_shown_changed(sender, *, segment_ids: Iterable[int], **kwargs) -> int:
    """Mark every cell and day of segments published or hidden (``segments.signals.segments_shown_changed``).

    Their own rows keep their counts; the drain recounts them and, with them, the all-segments rows of
    their months, which count published segments only. Inside the status change's transaction.
    """
    from .models import SegmentDayCount, SkillDemand

    segment_ids = sorted(segment_ids)
    cells: set[Cell] = set(
        SkillDemand.objects.filter(segment_id__in=segment_ids).values_list("segment_id", "month", "skill_id")
    )
    days = SegmentDayCount.objects.filter(segment_id__in=segment_ids).values_list("segment_id", "day")
    cells.update((segment_id, day, None) for segment_id, day in days)
    return insert_marks(cells)
