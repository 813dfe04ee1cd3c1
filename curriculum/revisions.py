"""Tracks and modules have revisions (registered from ``CurriculumConfig.ready``).

A module's snapshot holds its fields, skills, prerequisites, resources, exercises and self-check questions.
A track's holds its fields, segments and prerequisites, and its modules as the track's form lists them: a
comparison shows them, and publishing restores their order (the track form's move buttons), but a track's
revision never rewrites a module's content (modules have revisions of their own).
"""

from careerhub.core.revisions.registry import Inline, RevisionAdapter, register

from . import services
from .models import Module, Track

MODULE_ITEMS = {
    "resources": ("order", "title", "url", "kind", "free", "minutes", "note"),
    "exercises": ("order", "title", "brief", "acceptance_criteria", "hours"),
    "self_check_questions": ("order", "question", "answer"),
}


def register_revisions() -> None:
    register(
        RevisionAdapter(
            model=Track,
            fields=("title", "slug", "level", "summary", "display_order"),
            m2m=("segments", "prerequisites"),
            update=lambda track, data: services.track_update(track=track, data=data),
            set_status=lambda tracks, status: services.track_set_status(tracks=tracks, status=status),
            inlines=(Inline("modules", ("order", "title", "slug", "status"), apply=False),),
            after_apply=restore_module_order,
        )
    )
    register(
        RevisionAdapter(
            model=Module,
            # Not ``order``: a module's place is kept by moving it (module_move), never by a snapshot.
            fields=("track", "title", "slug", "summary", "outcomes", "body", "hours"),
            m2m=("skills", "prerequisites"),
            update=_module_update,
            set_status=lambda modules, status: services.module_set_status(modules=modules, status=status),
            inlines=tuple(
                Inline(
                    name,
                    fields,
                    save=lambda item: services.module_item_save(item=item),
                    delete=lambda item: services.module_item_delete(item=item),
                )
                for name, fields in MODULE_ITEMS.items()
            ),
        )
    )


def restore_module_order(track: Track, snapshot: dict) -> None:
    """Put the track's modules in the snapshot's order (modules added since keep their places after them)."""
    ids = [row["id"] for row in sorted(snapshot["inlines"].get("modules", []), key=lambda row: row["order"])]
    modules = {module.pk: module for module in track.modules.filter(pk__in=ids)}
    for position, pk in enumerate((pk for pk in ids if pk in modules), start=1):
        if modules[pk].order != position:
            services.module_move(module=modules[pk], position=position)


def _module_update(module: Module, data: dict) -> Module:
    """Apply a module's snapshot; its track only when it changed (a move to another track saves it twice)."""
    track = data.get("track")
    if track is not None and track.pk == module.track_id:
        data = {name: value for name, value in data.items() if name != "track"}
    return services.module_update(module=module, data=data)
