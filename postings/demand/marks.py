"""The write side of the demand engine: mark what a write changes, in the write's own transaction.

Services wrap every write that can move a demand figure in ``demand_marks(...)``: the cells the
affected postings count in are collected before the write and again after it, and the union is
inserted as ``DemandMark`` rows in the same transaction. A rolled-back write leaves no mark; a
committed one can never lose its mark. After commit, one recompute task is requested.
"""

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from careerhub.core.bulk import insert_rows
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status

from ..models import Posting, PostingSkill, PostingSkillState
from .models import DemandMark
from .months import month_start

logger = logging.getLogger(__name__)

# A posting counts in demand when it is published and not a duplicate of another posting;
# a skill link counts unless an editor rejected it.
COUNTED_POSTING = Q(status=Status.PUBLISHED, duplicate_of__isnull=True)
COUNTED_LINK_STATE = ~Q(state=PostingSkillState.REJECTED)
COUNTED_LINK = COUNTED_LINK_STATE & Q(posting__status=Status.PUBLISHED, posting__duplicate_of__isnull=True)

# (segment id, month, skill id), or (segment id, day, None) for the segment's count of that day,
# a part of its month's total
Cell = tuple[int, datetime.date, int | None]

# While set, a recompute is queued and will see every mark committed before it starts.
DRAIN_PENDING_KEY = "demand:drain-pending:{database}"
DRAIN_PENDING_TTL = 120  # seconds; the beat drain covers a worker lost before clearing it
ID_CHUNK = 2000


def cells_of_postings(posting_ids: Iterable[int]) -> set[Cell]:
    """The demand cells the given postings count in right now (two queries per chunk of ids)."""
    cells: set[Cell] = set()
    ids = sorted(set(posting_ids))
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        where = {
            posting_id: (segment_id, posted_on)
            for posting_id, segment_id, posted_on in Posting.objects.filter(COUNTED_POSTING, pk__in=chunk)
            .values_list("id", "segment_id", "posted_on")
            .order_by()
        }
        cells.update((segment_id, day, None) for segment_id, day in where.values())
        links = PostingSkill.objects.filter(COUNTED_LINK_STATE, posting_id__in=list(where))
        for posting_id, skill_id in links.values_list("posting_id", "skill_id").order_by():
            segment_id, day = where[posting_id]
            cells.add((segment_id, month_start(day), skill_id))
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

    def add(self, posting_ids: Iterable[int]) -> None:
        """Postings the write created: they have no cells before it."""
        self.posting_ids.update(posting_ids)


@contextmanager
def demand_marks(posting_ids: Iterable[int] = ()) -> Iterator[MarkCollector]:
    """Mark the cells of ``posting_ids`` (and of postings added to the collector) before and after a write.

    Must run inside the write's transaction, so the marks commit or roll back with it.
    """
    collector = MarkCollector(posting_ids)
    yield collector
    sync_counted_cells(collector.posting_ids)
    collector.cells |= cells_of_postings(collector.posting_ids)
    insert_marks(collector.cells)


def insert_marks(cells: Iterable[Cell]) -> int:
    """Insert marks for the given cells and request a recompute after commit."""
    content_changed()
    now = timezone.now()
    marks = [
        (segment_id, date, skill_id, None, now) if skill_id is not None
        else (segment_id, month_start(date), None, date, now)
        for segment_id, date, skill_id in cells
    ]
    if not marks:
        return 0
    insert_rows(DemandMark, ("segment_id", "month", "skill_id", "day", "created_at"), marks)
    # robust: a broker outage must not fail a committed write; its marks wait for the beat drain.
    transaction.on_commit(request_recompute, robust=True)
    return len(marks)


def drain_pending_key() -> str:
    """The flag is per database: several CareerHub databases may share one Redis."""
    return DRAIN_PENDING_KEY.format(database=connection.settings_dict["NAME"])


def request_recompute() -> None:
    """Queue one recompute unless one is queued already: a burst of writes becomes a few recomputes."""
    from .tasks import recompute_marked_demand

    try:
        first = cache.add(drain_pending_key(), 1, timeout=DRAIN_PENDING_TTL)
    except Exception:  # a cache outage must not lose a recompute: queue one anyway
        logger.warning("Cache unavailable; queueing a demand recompute without coalescing.", exc_info=True)
        first = True
    if first:
        recompute_marked_demand.delay()
