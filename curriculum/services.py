"""Writes to tracks and modules. Every path (admin, API, commands) goes through these functions.

Each write marks the coverage it can change in its own transaction (``coverage_mark_tracks``):
the track itself, the tracks at its level when what it publicly teaches at that level may have
changed (cross-track duplication names them), and the tracks after it on the learning path (their
cumulative coverage counts what it teaches).
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse

from careerhub.core import outbox
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from careerhub.core.fields import as_list
from careerhub.core.redirects import redirect_moved
from careerhub.core.revisions.permissions import require_status_change
from careerhub.core.services import StatusChange, editorial_set_status, model_update, validated_save
from postings.models import Skill
from segments.models import Segment

from .coverage.marks import coverage_mark_tracks
from .models import Exercise, Module, Resource, SelfCheckQuestion, Track
from .path import closes_cycle
from .prerequisites import prerequisite_problem

ModuleItem = Resource | Exercise | SelfCheckQuestion

TRACK_EDITABLE_FIELDS = ("title", "slug", "level", "summary", "segments", "prerequisites", "display_order", "status")
MODULE_EDITABLE_FIELDS = (
    "track",
    "order",
    "title",
    "slug",
    "summary",
    "outcomes",
    "body",
    "hours",
    "skills",
    "prerequisites",
    "status",
)


@transaction.atomic
def track_create(
    *,
    title: str,
    slug: str,
    level: str,
    summary: str,
    segments: Iterable[Segment] = (),
    prerequisites: Iterable[Track] = (),
    display_order: int | None = None,
    status: str = Status.DRAFT,
    by: Any = None,
) -> Track:
    """Create a validated track aimed at the given segments, after the given prerequisite tracks; without a
    display order it is listed last.

    ``by`` (the acting user; None for the system) needs the publishing permission to create it published.
    """
    require_status_change(by, Track, before=None, after=status)
    placed = {} if display_order is None else {"display_order": display_order}
    track = validated_save(Track(title=title, slug=slug, level=level, summary=summary, status=status, **placed))
    track_set_segments(track=track, segments=segments)  # marks the new track's coverage
    prerequisites = list(prerequisites)
    if prerequisites:
        track_set_prerequisites(track=track, prerequisites=prerequisites)
    return track


@transaction.atomic
def track_update(*, track: Track, data: dict[str, Any], based_on: int | None = None, by: Any = None) -> Track:
    """Change the given fields of a track (only those, ``segments`` and ``prerequisites`` included); unknown
    fields are refused.

    ``based_on``: the version the change was made on; a track saved since raises ``EditConflict``.
    """
    data = dict(data)
    prerequisites = data.pop("prerequisites", None)
    before, paths = _track_state(track), _track_paths(track.pk)
    track, _ = model_update(instance=track, fields=TRACK_EDITABLE_FIELDS, data=data, based_on=based_on, by=by)
    _mark_track(track, before)
    _redirect_moved(paths, _track_paths, track.pk, f"Track “{track.title}” moved.")
    if prerequisites is not None:
        track_set_prerequisites(track=track, prerequisites=prerequisites)
    return track


@transaction.atomic
def track_save(*, track: Track) -> Track:
    """Validate and save a track edited in place (the admin's form does this)."""
    before, paths = _track_state(track), _track_paths(track.pk)
    validated_save(track)
    _mark_track(track, before)
    _redirect_moved(paths, _track_paths, track.pk, f"Track “{track.title}” moved.")
    return track


@transaction.atomic
def track_set_segments(*, track: Track, segments: Iterable[Segment]) -> None:
    """Aim the track at exactly these segments."""
    track.segments.set(list(segments))
    coverage_mark_tracks(track_ids=[track.pk])


# Prerequisite writes are taken one at a time (PostgreSQL advisory lock): two links written at once,
# each fine alone, could otherwise close a cycle together.
PATH_LOCK = (outbox.LOCK_NAMESPACE - 2, 0)


def track_prerequisites_problem(*, track: Track, prerequisites: Iterable[Track]) -> str | None:
    """Why ``track`` cannot follow exactly these tracks, or None when it can (the admin's form asks too).

    A cycle is named by slugs from ``track`` on, each arrow read "comes after": ``a → b → a``.
    """
    wanted = {prerequisite.pk for prerequisite in prerequisites}
    if track.pk is None:
        return None  # nothing comes after a track not saved yet, so it closes no cycle
    if track.pk in wanted:
        return f"A track cannot be its own prerequisite ({track.slug})."
    edges = Track.prerequisites.through.objects.values_list("from_track_id", "to_track_id")
    ring = closes_cycle(track.pk, wanted, edges)
    if ring is None:
        return None
    slugs = dict(Track.objects.filter(pk__in=ring).values_list("pk", "slug"))
    return f"Prerequisites would form a cycle: {' → '.join(slugs[pk] for pk in ring)}."


@transaction.atomic
def track_set_prerequisites(*, track: Track, prerequisites: Iterable[Track]) -> None:
    """Make the track come after exactly these tracks on the learning path; refuse itself and any cycle."""
    prerequisites = list(prerequisites)
    outbox.lock([PATH_LOCK])
    problem = track_prerequisites_problem(track=track, prerequisites=prerequisites)
    if problem:
        raise ValidationError({"prerequisites": problem})
    if set(track.prerequisites.all()) != set(prerequisites):
        track.prerequisites.set(prerequisites)
        content_changed()
        coverage_mark_tracks(track_ids=[track.pk])  # and the tracks after it (see ``coverage_mark_tracks``)


@transaction.atomic
def track_delete(*, track: Track) -> None:
    """Delete a track and its modules."""
    content_changed()
    level = Track.objects.filter(pk=track.pk).values_list("level", flat=True).first()
    after = list(track.next_tracks.values_list("pk", flat=True))  # they no longer count what it taught
    track.delete()
    coverage_mark_tracks(track_ids=after, levels=[level] if level else [])


def track_set_status(*, tracks: Iterable[Track], status: str) -> StatusChange:
    """Publish, archive or return tracks to draft; say how many changed, and warn of a track published with no
    published module (``track_publish_warnings``: allowed, but its page lists no module)."""
    tracks = list(tracks)
    with transaction.atomic():
        changed = editorial_set_status(objects=tracks, status=status)
        coverage_mark_tracks(track_ids=[track.pk for track in tracks], levels={track.level for track in tracks})
    warnings = track_publish_warnings(tracks=tracks) if status == Status.PUBLISHED else []
    return StatusChange(changed=changed, warnings=tuple(warnings))


def track_publish_warnings(*, tracks: Iterable[Track]) -> list[str]:
    """What an editor publishing these tracks should know: each published track that has no published module."""
    empty = (
        Track.objects.filter(pk__in=[track.pk for track in tracks], status=Status.PUBLISHED)
        .exclude(modules__status=Status.PUBLISHED)
        .order_by("display_order", "title")
        .values_list("title", flat=True)
    )
    return [
        f"“{title}” is published with no published module: its page lists no modules until one is published."
        for title in empty
    ]


@transaction.atomic
def module_create(
    *,
    track: Track,
    title: str,
    slug: str,
    order: int | None = None,
    summary: str = "",
    outcomes: Iterable[str] = (),
    body: str = "",
    hours: Decimal | int | None = None,
    skills: Iterable[Skill] = (),
    prerequisites: Iterable[Module] = (),
    status: str = Status.DRAFT,
    by: Any = None,
) -> Module:
    """Create a validated module teaching the given skills: last in its track, or at position ``order``
    (the modules from there on move down one). ``by`` needs the publishing permission to create it published."""
    require_status_change(by, Module, before=None, after=status)
    module = Module(
        track=track,
        order=order,
        title=title,
        slug=slug,
        summary=summary,
        outcomes=as_list(outcomes),
        body=body,
        hours=hours,
        status=status,
    )
    module_save(module=module)
    module_set_skills(module=module, skills=skills)  # marks the coverage of the module's track
    prerequisites = list(prerequisites)
    if prerequisites:
        module_set_prerequisites(module=module, prerequisites=prerequisites)
    return module


@transaction.atomic
def module_update(*, module: Module, data: dict[str, Any], based_on: int | None = None, by: Any = None) -> Module:
    """Change the given fields of a module (only those, ``skills`` and ``prerequisites`` included); unknown
    fields are refused. A new ``order`` moves the module there; a new ``track`` takes it to the end of that track.

    ``based_on``: the version the change was made on; a module saved since raises ``EditConflict``.
    """
    data = dict(data)
    placement = {name: data.pop(name) for name in ("track", "order") if name in data}
    prerequisites = data.pop("prerequisites", None)
    if "outcomes" in data:
        data["outcomes"] = as_list(data["outcomes"])
    before, paths = _module_tracks([module]), _module_paths(module.pk)
    # The version is checked (and the fields written) first: a move saves the module too.
    module, _ = model_update(instance=module, fields=MODULE_EDITABLE_FIELDS, data=data, based_on=based_on, by=by)
    if placement:
        module.track = placement.get("track", module.track)
        _module_place(module, position=placement.get("order"))
    if prerequisites is not None:
        module_set_prerequisites(module=module, prerequisites=prerequisites)
    _mark_modules([module], before)
    _redirect_moved(paths, _module_paths, module.pk, f"Module “{module.title}” moved.")
    return module


@transaction.atomic
def module_save(*, module: Module, position: int | None = None) -> Module:
    """Validate and save a module edited in place (the admin's form and inline do this).

    ``position`` (for a new module, its ``order`` if set) is where it should stand: it is put there and
    the track renumbered. Otherwise a new module goes last, a module keeps its place (an ``order`` changed
    in memory is not a move: an inline's rows still hold the numbers they were read with), and a module
    moved to another track goes to its end while the track it left closes the gap.

    A published module whose address changes (a new slug, another track) leaves a redirect from the old one.
    """
    paths = _module_paths(module.pk)
    _module_place(module, position=position)
    _redirect_moved(paths, _module_paths, module.pk, f"Module “{module.title}” moved.")
    return module


def _module_place(module: Module, *, position: int | None) -> None:
    """``module_save`` without its redirect: save the module where it should stand and renumber."""
    stored = Module.objects.filter(pk=module.pk).values_list("track_id", "order").first() if module.pk else None
    if position is None and stored is None:
        position = module.order
    before = _module_tracks([module])
    _lock_tracks([module.track_id, *([stored[0]] if stored else [])])
    if stored is None or module.track_id != stored[0]:
        module.order = _next_order(module.track_id)
    else:
        module.order = stored[1]
    validated_save(module)
    if stored is not None and module.track_id != stored[0]:
        _renumber(stored[0])
    if position is not None and position != module.order:
        module_move(module=module, position=position)
    _mark_modules([module], before)


@transaction.atomic
def module_move(*, module: Module, position: int) -> Module:
    """Put a module at ``position`` in its track (past the end means last) and renumber the track 1..n."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 1:
        raise ValidationError({"order": "A position is a whole number from 1."})
    _lock_tracks([module.track_id])
    ids = [pk for pk in _track_module_ids(module.track_id) if pk != module.pk]
    position = min(position, len(ids) + 1)
    ids.insert(position - 1, module.pk)
    _renumber(module.track_id, ids)
    module.order = position
    _mark_modules([module])
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
def module_set_prerequisites(*, module: Module, prerequisites: Iterable[Module]) -> None:
    """Make these modules (of any track) the ones to know before ``module``; a cycle is refused, naming it."""
    prerequisites = list(prerequisites)
    problem = prerequisite_problem(module=module, prerequisites=prerequisites)
    if problem:
        raise ValidationError({"prerequisites": problem})
    if set(module.prerequisites.all()) != set(prerequisites):
        module.prerequisites.set(prerequisites)
        content_changed()


@transaction.atomic
def module_delete(*, module: Module) -> None:
    """Delete a module; the modules after it in its track move up one."""
    content_changed()
    before = _module_tracks([module])
    _lock_tracks(list(before))
    module.delete()
    for track_id in before:
        _renumber(track_id)
    _mark_modules([], before)


def module_set_status(*, modules: Iterable[Module], status: str) -> int:
    """Publish, archive or return modules to draft; return how many changed."""
    modules = list(modules)
    with transaction.atomic():
        changed = editorial_set_status(objects=modules, status=status)
        _mark_modules(modules)
    return changed


@transaction.atomic
def module_item_save(*, item: ModuleItem) -> ModuleItem:
    """Validate and save a resource, exercise or self-check question of a module; without an order it goes last."""
    if item.order is None and item.module_id is not None:
        top = type(item).objects.filter(module_id=item.module_id).aggregate(top=Max("order"))["top"]
        item.order = (top or 0) + 1
    return validated_save(item)


@transaction.atomic
def module_item_delete(*, item: ModuleItem) -> None:
    """Delete a resource, exercise or self-check question of a module."""
    content_changed()
    item.delete()


# --- Module order ------------------------------------------------------------------------------------


def _lock_tracks(track_ids: Iterable[int | None]) -> None:
    """Lock the tracks whose modules are renumbered, in id order, so that two editors' moves take turns."""
    ids = sorted({pk for pk in track_ids if pk is not None})
    list(Track.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _next_order(track_id: int) -> int:
    return (Module.objects.filter(track_id=track_id).aggregate(top=Max("order"))["top"] or 0) + 1


def _track_module_ids(track_id: int) -> list[int]:
    return list(Module.objects.filter(track_id=track_id).order_by("order", "id").values_list("pk", flat=True))


def _renumber(track_id: int, ids: list[int] | None = None) -> None:
    """Number the track's modules 1..n in the order of ``ids`` (default: their present order).

    Two steps, so that no row ever takes a position another still holds: PostgreSQL checks the unique
    (track, order) row by row, not at the end of the statement. The modules that move first step past
    the track's highest position, then take their places; each is saved, so its history records it.
    """
    current = dict(Module.objects.filter(track_id=track_id).values_list("pk", "order"))
    ids = _track_module_ids(track_id) if ids is None else ids
    wanted = {pk: position for position, pk in enumerate(ids, start=1)}
    moving = [pk for pk, position in wanted.items() if current.get(pk) != position]
    if not moving:
        return
    Module.objects.filter(pk__in=moving).update(order=F("order") + max(current.values()))
    for module in Module.objects.filter(pk__in=moving).order_by("pk"):
        module.order = wanted[module.pk]
        module.save(update_fields=["order", "updated_at"])
    content_changed()


# --- Redirects ----------------------------------------------------------------------------------


def _track_paths(track_id: int | None) -> dict[Any, str]:
    """The public addresses of a stored published track: its page, its coverage page and its published modules'."""
    if track_id is None:
        return {}
    slug = Track.objects.filter(pk=track_id, status=Status.PUBLISHED).values_list("slug", flat=True).first()
    if slug is None:
        return {}
    paths: dict[Any, str] = {
        "track": reverse("curriculum:track-detail", kwargs={"slug": slug}),
        "coverage": reverse("curriculum:track-coverage", kwargs={"slug": slug}),
    }
    modules = Module.objects.filter(track_id=track_id, status=Status.PUBLISHED).values_list("pk", "slug")
    for pk, module_slug in modules:
        paths[("module", pk)] = reverse("curriculum:module-detail", kwargs={"track_slug": slug, "slug": module_slug})
    return paths


def _module_paths(module_id: int | None) -> dict[Any, str]:
    """The public address of a stored module (it and its track published)."""
    if module_id is None:
        return {}
    row = (
        Module.objects.filter(pk=module_id, status=Status.PUBLISHED, track__status=Status.PUBLISHED)
        .values_list("slug", "track__slug")
        .first()
    )
    if row is None:
        return {}
    return {("module", module_id): reverse("curriculum:module-detail", kwargs={"track_slug": row[1], "slug": row[0]})}


def _redirect_moved(before: dict[Any, str], paths: Callable[[int], dict[Any, str]], pk: int, note: str) -> None:
    """Leave a redirect from each of ``before``'s addresses that ``paths(pk)`` now gives another one."""
    if before:  # only published content has addresses to keep
        redirect_moved(before=before, after=paths(pk), note=note)


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
