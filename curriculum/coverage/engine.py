"""The coverage drain and the full recompute: when tracks are recomputed, and under which locks.

``recompute_marked`` drains the coverage marks through the shared outbox (``careerhub.core.outbox``):
claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``, the claimed tracks recomputed and the marks deleted
in one transaction. ``recompute_all`` recomputes every track and reports drift. What a recompute
computes, stores and compares lives in ``compute``.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction

from careerhub.core import outbox

from .compute import compare, compute_tracks, current_as_of, store_results, stored_results
from .models import CoverageMark

logger = logging.getLogger(__name__)

BATCH_MARKS = 5000  # marks claimed per transaction; they name a few hundred tracks at most
TRACK_CHUNK = 200  # tracks computed per round of queries in a full recompute
# A track's coverage rows are locked under (TRACK_LOCKS, track id): below the demand engine's keys.
TRACK_LOCKS = outbox.LOCK_NAMESPACE - 1


def recompute_marked(*, batch_size: int = BATCH_MARKS, as_of: datetime.date | None = None) -> outbox.DrainResult:
    """Drain the coverage marks through the shared outbox; ``items`` counts the tracks recomputed."""

    def recompute(marks: list[tuple[int, int]]) -> int:
        track_ids = sorted({track_id for _, track_id in marks})
        outbox.lock([(TRACK_LOCKS, track_id) for track_id in track_ids])  # one writer per track
        store_results(compute_tracks(track_ids, as_of=as_of))
        return len(track_ids)

    return outbox.drain(CoverageMark, ("id", "track_id"), recompute, batch_size=batch_size)


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
        outbox.lock_everything()
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
