"""Reads of tracks and modules for pages, the API and other apps."""

from django.db.models import Prefetch, QuerySet

from careerhub.editorial import Status
from postings.models import Skill
from segments.selectors import segment_list

from .models import Module, Track


def track_list(*, include_unpublished: bool = False) -> QuerySet[Track]:
    """Tracks in display order with their target segments; only published ones for the public."""
    tracks = Track.objects.prefetch_related(
        Prefetch("segments", queryset=segment_list(include_unpublished=include_unpublished))
    )
    return tracks if include_unpublished else tracks.published()


def track_get(*, slug: str, include_unpublished: bool = False) -> Track | None:
    """A track with its modules in order and the skills each teaches, in a fixed number of queries."""
    modules = Module.objects.order_by("order", "id")
    skills = Skill.objects.select_related("category").order_by("name")
    if not include_unpublished:
        modules = modules.filter(status=Status.PUBLISHED)
        skills = skills.filter(status=Status.PUBLISHED)
    return (
        track_list(include_unpublished=include_unpublished)
        .prefetch_related(Prefetch("modules", queryset=modules.prefetch_related(Prefetch("skills", queryset=skills))))
        .filter(slug=slug)
        .first()
    )


def tracks_teaching(*, skill: Skill) -> QuerySet[Track]:
    """Published tracks with a published module that teaches this skill."""
    return (
        Track.objects.published()
        .filter(modules__skills=skill, modules__status=Status.PUBLISHED)
        .distinct()
        .order_by("display_order", "title")
    )
