"""Which taxonomy and extractor a summary row was computed from."""

from django.db.models import Count, Max

from ..models import Skill, SkillAlias

EXTRACTOR_VERSION = "editorial-links-1"


def taxonomy_version() -> str:
    """A fingerprint of the taxonomy that changes whenever a skill or alias is added, edited or removed."""
    skills = Skill.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    aliases = SkillAlias.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    stamp = max((at for at in (skills["at"], aliases["at"]) if at), default=None)
    return f"{skills['n']}s-{aliases['n']}a-{stamp:%Y%m%d%H%M%S%f}" if stamp else "empty"


def current_versions() -> tuple[str, str]:
    return taxonomy_version(), EXTRACTOR_VERSION
