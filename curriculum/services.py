"""Writes to tracks and modules. Every path (admin, API, commands) goes through these functions."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from careerhub.editorial import Status
from careerhub.services import editorial_set_status, model_update, validated_save
from postings.models import Skill
from segments.models import Segment

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
    track_set_segments(track=track, segments=segments)
    return track


@transaction.atomic
def track_update(*, track: Track, data: dict[str, Any]) -> Track:
    """Change the given fields of a track (``segments`` included); unknown fields are refused."""
    track, _ = model_update(instance=track, fields=TRACK_EDITABLE_FIELDS, data=data)
    return track


@transaction.atomic
def track_save(*, track: Track) -> Track:
    """Validate and save a track edited in place (the admin's form does this)."""
    return validated_save(track)


@transaction.atomic
def track_set_segments(*, track: Track, segments: Iterable[Segment]) -> None:
    """Aim the track at exactly these segments."""
    track.segments.set(list(segments))


@transaction.atomic
def track_delete(*, track: Track) -> None:
    """Delete a track and its modules."""
    track.delete()


def track_set_status(*, tracks: Iterable[Track], status: str) -> int:
    """Publish, archive or return tracks to draft; return how many changed."""
    return editorial_set_status(objects=tracks, status=status)


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
    module_set_skills(module=module, skills=skills)
    return module


@transaction.atomic
def module_update(*, module: Module, data: dict[str, Any]) -> Module:
    """Change the given fields of a module (``skills`` included); unknown fields are refused."""
    module, _ = model_update(instance=module, fields=MODULE_EDITABLE_FIELDS, data=data)
    return module


@transaction.atomic
def module_save(*, module: Module) -> Module:
    """Validate and save a module edited in place (the admin's form and inline do this)."""
    return validated_save(module)


@transaction.atomic
def module_set_skills(*, module: Module, skills: Iterable[Skill]) -> None:
    """Make the module teach exactly these skills."""
    module.skills.set(list(skills))


@transaction.atomic
def module_delete(*, module: Module) -> None:
    module.delete()


def module_set_status(*, modules: Iterable[Module], status: str) -> int:
    """Publish, archive or return modules to draft; return how many changed."""
    return editorial_set_status(objects=modules, status=status)
