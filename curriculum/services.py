"""Writes to tracks and modules. Every path (admin, API, commands) goes through these functions.

Each write marks the coverage it can change in its own transaction (``coverage_mark_tracks``):
the track itself, and the tracks at its level when what it publicly teaches at that level may have
changed (cross-track duplication names them).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from careerhub.core.services import editorial_set_status, model_update, validated_save
from postings.models import Skill
from segments.models import Segment

from .coverage.marks import coverage_mark_tracks
from .models import Module, Track

TRACK_EDITABLE_FIELDS = ("title", "slug", "level", "summary", "segments", "display_order", "status")
MODULE_EDITABLE_FIELDS = ("track", "order", "title", "slug", "summary", "body", "skills", "status")


@transaction.atomic
def track_create(
    *,
    title: str,
    slug: str,
    level: str,
    summary: str,
    segments: Iterable[Segment] = (),
    display_order: int = 0,
    status: str = Status.DRAFT,
) -> Track:
    """Create a validated track aimed at the given segments."""
    track = validated_save(
        Track(title=title, slug=slug, level=level, summary=summary, display_order=display_order, status=status)
    )
    track_set_segments(track=track, segments=segments)  # marks the new track's coverage
    return track


@transaction.atomic
def track_update(*, track: Track, data: dict[str, Any], based_on: int | None = None) -> Track:
    """Change the given fields of a track (only those, ``segments`` included); unknown fields are refused.

    ``based_on``: the version the change was made on; a track saved since raises ``EditConflict``.
    """
    before = _track_state(track)
    track, _ = model_update(instance=track, fields=TRACK_EDITABLE_FIELDS, data=data, based_on=based_on)
    _mark_track(track, before)
    return track


@transaction.atomic
def track_save(*, track: Track) -> Track:
    """Validate and save a track edited in place (the admin's form does this)."""
    before = _track_state(track)
    validated_save(track)
    _mark_track(track, before)
    return track


@transaction.atomic
def track_set_segments(*, track: Track, segments: Iterable[Segment]) -> None:
    """Aim the track at exactly these segments."""
    track.segments.set(list(segments))
    coverage_mark_tracks(track_ids=[track.pk])


@transaction.atomic
def track_delete(*, track: Track) -> None:
    """Delete a track and its modules."""
    content_changed()
    level = Track.objects.filter(pk=track.pk).values_list("level", flat=True).first()
    track.delete()
    coverage_mark_tracks(levels=[level] if level else [])


def track_set_status(*, tracks: Iterable[Track], status: str) -> int:
    """Publish, archive or return tracks to draft; return how many changed."""
    tracks = list(tracks)
    with transaction.atomic():
        changed = editorial_set_status(objects=tracks, status=status)
        coverage_mark_tracks(track_ids=[track.pk for track in tracks], levels={track.level for track in tracks})
    return changed


@transaction.atomic
def module_create(
    *,
    track: Track,
    order: int,
    title: str,
    slug: str,
    summary: str = "",
    body: str = "",
    skills: Iterable[Skill] = (),
    status: str = Status.DRAFT,
) -> Module:
    """Create a validated module in a track, teaching the given skills."""
    module = validated_save(
        Module(track=track, order=order, title=title, slug=slug, summary=summary, body=body, status=status)
    )
    module_set_skills(module=module, skills=skills)  # marks the coverage of the module's track
    return module


@transaction.atomic
def module_update(*, module: Module, data: dict[str, Any], based_on: int | None = None) -> Module:
    """Change the given fields of a module (only those, ``skills`` included); unknown fields are refused.

    ``based_on``: the version the change was made on; a module saved since raises ``EditConflict``.
    """
    before = _module_tracks([module])
    module, _ = model_update(instance=module, fields=MODULE_EDITABLE_FIELDS, data=data, based_on=based_on)
    _mark_modules([module], before)
    return module


@transaction.atomic
def module_save(*, module: Module) -> Module:
    """Validate and save a module edited in place (the admin's form and inline do this)."""
    before = _module_tracks([module])
    validated_save(module)
    _mark_modules([module], before)
    return module


@transaction.atomic
def module_set_skills(*, module: Module, skills: Iterable[Skill]) -> None:
    """Make the module teach exactly these skills."""
    module.skills.set(list(skills))
    _mark_modules([module])


@transaction.atomic
def module_add_skills(*, module: Module, skills: Iterable[Skill]) -> int:
    """Make the module teach these skills too (an editor closing a coverage gap); return how many were new."""
    skills = list(skills)
    taught = set(module.skills.filter(pk__in=[skill.pk for skill in skills]).values_list("pk", flat=True))
    new = [skill for skill in skills if skill.pk not in taught]
    if new:
        module.skills.add(*new)
        _mark_modules([module])
    return len(new)


@transaction.atomic
def module_delete(*, module: Module) -> None:
    """Delete a module."""
    content_changed()
    before = _module_tracks([module])
    module.delete()
    _mark_modules([], before)


def module_set_status(*, modules: Iterable[Module], status: str) -> int:
    """Publish, archive or return modules to draft; return how many changed."""
    modules = list(modules)
    with transaction.atomic():
        changed = editorial_set_status(objects=modules, status=status)
        _mark_modules(modules)
    return changed


# --- Coverage marks -------------------------------------------------------------------------------


def _track_state(track: Track) -> tuple[str, str] | None:
    """The stored level and status of a track (None for a new one)."""
    if track.pk is None:
        return None
    return Track.objects.filter(pk=track.pk).values_list("level", "status").first()


def _mark_track(track: Track, before: tuple[str, str] | None) -> None:
    """Mark the track; and the tracks at its old and new level when its level or status changed."""
    after = (track.level, track.status)
    levels = {before[0], after[0]} if before is not None and before != after else set()
    coverage_mark_tracks(track_ids=[track.pk], levels=levels)


def _module_tracks(modules: Iterable[Module]) -> dict[int, str]:
    """The stored track (id: level) of each existing module."""
    ids = [module.pk for module in modules if module.pk is not None]
    if not ids:
        return {}
    return dict(Module.objects.filter(pk__in=ids).values_list("track_id", "track__level").order_by())


def _mark_modules(modules: Iterable[Module], before: dict[int, str] | None = None) -> None:
    """Mark the tracks of the modules (before and after the write) and the tracks at their levels."""
    tracks = dict(before or {})
    tracks.update(_module_tracks(modules))
    coverage_mark_tracks(track_ids=tracks, levels=set(tracks.values()))
