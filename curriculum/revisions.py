"""Tracks and modules have revisions (registered from ``CurriculumConfig.ready``).

A module's snapshot holds its fields, skills, prerequisites, resources, exercises and self-check questions.
A track's holds its fields, segments and prerequisites, and its modules as the track's form lists them: a
comparison shows them, but a track's revision never rewrites a module (modules have revisions of their own).
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
        )
    )
    register(
        RevisionAdapter(
            model=Module,
            # Not ``order``: a module's place is kept by moving it (module_move), never by a snapshot.
            fields=("track", "title", "slug", "summary", "outcomes", "body", "hours"),
            m2m=("skills", "prerequisites"),
            update=lambda module, data: services.module_update(module=module, data=data),
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
