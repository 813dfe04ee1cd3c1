"""The write side of coverage: mark the tracks a write affects, in the write's own transaction.

Curriculum services call ``coverage_mark_tracks`` for every write that can move a track's
coverage (its level, status, segments, modules or their skills); the demand engine calls
``coverage_mark_segments`` (registered in ``CurriculumConfig.ready``) when it replaces the
summaries of a segment. After commit, the demand engine's coalescing task is requested: it
drains the demand marks and then the coverage marks.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from careerhub.core.cache import content_changed
from careerhub.core.prepared import execute_prepared
from postings.demand.marks import request_recompute

from .models import CoverageMark


def coverage_mark_tracks(*, track_ids: Iterable[int | None] = (), levels: Iterable[str] = ()) -> int:
    """Mark the given tracks, and every track at the given levels (their duplication findings name each other)."""
    from curriculum.models import Track

    ids = {track_id for track_id in track_ids if track_id is not None}
    levels = set(levels)
    if levels:
        ids.update(Track.objects.filter(level__in=levels).values_list("id", flat=True).order_by())
    return _insert(ids)


def coverage_mark_segments(segment_ids: set[int]) -> None:
    """Mark every track aimed at one of these segments (their demand summaries changed).

    Called inside the demand engine's batch, whose task drains the coverage marks next
    (``on_drained``): no further recompute is requested.
    """
    from curriculum.models import Track

    # One INSERT ... SELECT, prepared on PostgreSQL: this runs in every demand batch, where each round trip counts.
    # Nothing is read back, so it goes out with the batch's store in the drain's pipeline.
    through = Track.segments.through._meta
    quote = connection.ops.quote_name
    segment_ids = sorted(segment_ids)
    if not segment_ids:
        return
    insert = (
        f"INSERT INTO {quote(CoverageMark._meta.db_table)} (track_id, created_at) "
        f"SELECT DISTINCT track_id, %(now)s FROM {quote(through.db_table)} WHERE segment_id "
    )
    if connection.vendor == "postgresql":
        execute_prepared(insert + "= ANY(%(segments)s::bigint[])", {"now": timezone.now(), "segments": segment_ids},
                         rows=False)
        return
    with connection.cursor() as cursor:
        names = [f"segment_{n}" for n in range(len(segment_ids))]
        cursor.execute(
            insert + f"IN ({', '.join(f'%({name})s' for name in names)})",
            {"now": timezone.now(), **dict(zip(names, segment_ids, strict=True))},
        )


def coverage_mark_skills(skill_ids: set[int]) -> int:
    """Mark the tracks whose figures can name these skills (published, unpublished or deleted just now).

    Every track aimed at a segment (a skill can enter or leave any segment's top skills), and every
    track that teaches one of the skills.
    """
    from curriculum.models import Module, Track

    aimed = Track.segments.through.objects.values_list("track_id", flat=True)
    teaching = Module.skills.through.objects.filter(skill_id__in=skill_ids).values_list("module__track_id", flat=True)
    return _insert(set(aimed) | set(teaching))


def _insert(track_ids: set[int]) -> int:
    """Mark the tracks and request the coalescing recompute after commit."""
    content_changed()
    if not track_ids:
        return 0
    CoverageMark.objects.bulk_create([CoverageMark(track_id=track_id) for track_id in sorted(track_ids)])
    # robust: a broker outage must not fail a committed write; the beat drain picks the marks up.
    transaction.on_commit(request_recompute, robust=True)
    return len(track_ids)
