"""Skills have revisions: their public text and names, and their aliases (registered from ``PostingsConfig.ready``)."""

from careerhub.core.revisions.registry import Inline, RevisionAdapter, register

from . import services
from .models import Skill


def register_revisions() -> None:
    register(
        RevisionAdapter(
            model=Skill,
            fields=tuple(name for name in services.SKILL_EDITABLE_FIELDS if name != "status"),
            update=lambda skill, data: services.skill_update(skill=skill, data=data),
            set_status=lambda skills, status: services.skill_set_status(skills=skills, status=status),
            inlines=(
                Inline(
                    "aliases",
                    ("text", "case_sensitive", "ambiguous"),
                    save=lambda alias: services.skill_alias_save(alias=alias, by_editor=True),
                    delete=lambda alias: services.skill_alias_delete(alias=alias, by_editor=True),
                ),
            ),
        )
    )
