"""Writes to segments. Every path (admin, API, commands) goes through these functions."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse

from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from careerhub.core.fields import as_list
from careerhub.core.redirects import redirect_moved
from careerhub.core.services import editorial_set_status, model_update, validated_save

from .models import Segment
from .signals import send_segments_shown_changed

SEGMENT_EDITABLE_FIELDS = (
    "name",
    "slug",
    "summary",
    "optimises_for",
    "looks_for",
    "pitfalls",
    "sample_employers",
    "focus_areas",
    "display_order",
    "status",
)


@transaction.atomic
def segment_create(
    *,
    name: str,
    slug: str,
    summary: str,
    optimises_for: str = "",
    looks_for: list[str] | tuple[str, ...] = (),
    pitfalls: str = "",
    sample_employers: list[str] | tuple[str, ...] = (),
    focus_areas: list[str] | tuple[str, ...] = (),
    display_order: int | None = None,
    status: str = Status.DRAFT,
) -> Segment:
    """Create a validated segment (a draft unless told otherwise); without a display order it is listed last."""
    placed = {} if display_order is None else {"display_order": display_order}
    segment = Segment(
        **placed,
        name=name,
        slug=slug,
        summary=summary,
        optimises_for=optimises_for,
        looks_for=as_list(looks_for),
        pitfalls=pitfalls,
        sample_employers=as_list(sample_employers),
        focus_areas=as_list(focus_areas),
        status=status,
    )
    return validated_save(segment)


@transaction.atomic
def segment_update(*, segment: Segment, data: dict[str, Any], based_on: int | None = None) -> Segment:
    """Change the given fields of a segment (only those); unknown fields are refused.

    ``based_on``: the version the change was made on; a segment saved since raises ``EditConflict``.
    """
    status, before = _stored_status(segment), _public_paths(segment)
    segment, _ = model_update(instance=segment, fields=SEGMENT_EDITABLE_FIELDS, data=data, based_on=based_on)
    if segment.status != status:
        send_segments_shown_changed([segment.pk])
    if before:  # a published segment: a new slug leaves a redirect from its old address
        redirect_moved(before=before, after=_public_paths(segment), note=f"Segment “{segment.name}” moved.")
    return segment


@transaction.atomic
def segment_save(*, segment: Segment) -> Segment:
    """Validate and save a segment edited in place (the admin's form does this)."""
    status, before = _stored_status(segment), _public_paths(segment)
    validated_save(segment)
    if segment.status != status:
        send_segments_shown_changed([segment.pk])
    if before:  # a published segment: a new slug leaves a redirect from its old address
        redirect_moved(before=before, after=_public_paths(segment), note=f"Segment “{segment.name}” moved.")
    return segment


def _public_paths(segment: Segment) -> dict[str, str]:
    """The public address of the stored segment (none while it is new, a draft or archived): a new slug leaves
    a redirect from it."""
    if segment.pk is None:
        return {}
    slug = Segment.objects.filter(pk=segment.pk, status=Status.PUBLISHED).values_list("slug", flat=True).first()
    return {"segment": reverse("segments:detail", kwargs={"slug": slug})} if slug else {}


@transaction.atomic
def segment_set_status(*, segments: Iterable[Segment], status: str) -> int:
    """Publish, archive or return segments to draft; return how many changed."""
    segments = list(segments)
    moving = [segment.pk for segment in segments if segment.status != status]
    changed = editorial_set_status(objects=segments, status=status)
    send_segments_shown_changed(moving)
    return changed


def _stored_status(segment: Segment) -> str | None:
    """The status saved for ``segment`` (``None`` for a new one): to tell whether a save changes what is shown."""
    if segment.pk is None:
        return None
    return Segment.objects.filter(pk=segment.pk).values_list("status", flat=True).first()


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    """Delete a segment; refused by the database while postings or tracks still refer to it."""
    content_changed()
    segment.delete()
