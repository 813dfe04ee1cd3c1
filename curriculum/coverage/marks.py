"""The write side of coverage: mark the tracks a write affects, in the write's own transaction.

Curriculum services call ``coverage_mark_tracks`` for every write that can move a track's
coverage (its level, status, segments, prerequisites, modules or their skills), which marks the tracks
after it on the learning path too (their cumulative coverage counts what it teaches); the demand engine calls
``coverage_mark_segments`` (registered in ``CurriculumConfig.ready``) when it replaces the
summaries of a segment. After commit, the demand engine's coalescing task is requested: it
drains the demand marks and then the coverage marks.
"""

from collections.abc import Iterable

from careerhub.core.cache import content_changed
from postings.demand.marks import request_drain_after_commit

from .models import CoverageMark


def coverage_mark_tracks(*, track_ids: Iterable[int | None] = (), levels: Iterable[str] = ()) -> int:
    """Mark the given tracks, every track at the given levels (their duplication findings name each other),
    and every track after one of those on the learning path."""
    from curriculum.models import Track

    ids = {track_id for track_id in track_ids if track_id is not None}
    levels = set(levels)
    if levels:
        ids.update(Track.objects.filter(level__in=levels).values_list("id", flat=True).order_by())
    return _insert(ids | tracks_after(ids))


def tracks_after(track_ids: set[int]) -> set[int]:
    """The tracks that come after one of these on the learning path, directly or not (one query)."""
    from curriculum.models import Track
    from curriculum.path import descendants_of

    if not track_ids:
        return set()
    return descendants_of(track_ids, Track.prerequisites.through.objects.values_list("from_track_id", "to_track_id"))


def coverage_mark_segments(*, segment_ids: set[int], **kwargs) -> None:
    """Mark every track aimed at a segment when the summaries of any segment changed (a ``summaries_changed``
    receiver): a segment's tiers are judged against all segments' figures (the distinguishing tier's lift),
    so one segment's postings can move another's demand.

    It runs inside the demand engine's batch, whose task drains the coverage marks next
    (``demand_drained``): no further drain is requested.
    """
    from curriculum.models import Track

    if not segment_ids:
        return
    aimed = Track.segments.through.objects.all()
    track_ids = sorted(set(aimed.values_list("track_id", flat=True)))
    CoverageMark.objects.bulk_create([CoverageMark(track_id=track_id) for track_id in track_ids])


def coverage_mark_skills(*, skill_ids: set[int], **kwargs) -> int:
    """Mark the tracks whose figures can name these skills (published, unpublished or deleted just now).

    Every track aimed at a segment (a skill can enter or leave any segment's tiers), every track
    that teaches one of the skills, and the tracks after those on the learning path.
    """
    from curriculum.models import Module, Track

    aimed = Track.segments.through.objects.values_list("track_id", flat=True)
    teaching = set(
        Module.skills.through.objects.filter(skill_id__in=skill_ids).values_list("module__track_id", flat=True)
    )
    return _insert(set(aimed) | teaching | tracks_after(teaching))


def _insert(track_ids: set[int]) -> int:
    """Mark the tracks and request the coalescing recompute after commit; no track, no mark and no cache bump."""
    if not track_ids:
        return 0
    content_changed()
    CoverageMark.objects.bulk_create([CoverageMark(track_id=track_id) for track_id in sorted(track_ids)])
    request_drain_after_commit()
    return len(track_ids)
