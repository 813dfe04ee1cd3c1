"""The coverage drain and the full recompute: when tracks are recomputed, and under which locks.

``recompute_marked`` claims coverage marks (``SELECT ... FOR UPDATE SKIP LOCKED``), recomputes the
claimed tracks and deletes the marks in one transaction; ``recompute_all`` recomputes every track and
reports drift. What a recompute computes, stores and compares lives in ``compute``.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction

from .compute import compare, compute_tracks, current_as_of, store_results, stored_results
from .models import CoverageMark

logger = logging.getLogger(__name__)

BATCH_MARKS = 5000  # marks claimed per transaction; they name a few hundred tracks at most
TRACK_CHUNK = 200  # tracks computed per round of queries in a full recompute
# "CH" namespace shared with the demand engine's locks (postings.demand.engine), one below its keys.
LOCK_NAMESPACE = 0x43480000 - 1
GLOBAL_LOCK = (LOCK_NAMESPACE, 0)


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
