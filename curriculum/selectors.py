"""Reads of tracks and modules for pages, the API and other apps."""

from django.db.models import Prefetch, QuerySet

from careerhub.core.editorial import Status
from postings.models import Skill
from segments.selectors import segment_list

from .models import Module, Track


def track_list(*, include_unpublished: bool = False) -> QuerySet[Track]:
    """Tracks in display order with their target segments; only published ones for the public."""
    tracks = Track.objects.prefetch_related(
        Prefetch("segments", queryset=segment_list(include_unpublished=include_unpublished))
    )
    return tracks if include_unpublished else tracks.published()


TRACK_ROW_FIELDS = (
    "id", "slug", "title", "level", "summary", "display_order", "status", "published_at", "updated_at", "version",
)


def track_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``track_list`` as plain rows of what a list of the API shows; segments from ``track_segment_slugs``."""
    tracks = Track.objects.all() if include_unpublished else Track.objects.published()
    return tracks.values(*TRACK_ROW_FIELDS)


def track_segment_slugs(track_ids, *, include_unpublished: bool = False) -> dict[int, list[str]]:
    """The slugs of the segments each track targets, in the segments' display order (one query, plain rows)."""
    links = Track.segments.through.objects.filter(track_id__in=list(track_ids))
    if not include_unpublished:
        links = links.filter(segment__status=Status.PUBLISHED)
    slugs: dict[int, list[str]] = {}
    for track_id, slug in links.order_by("segment__display_order", "segment__name").values_list(
        "track_id", "segment__slug"
    ):
        slugs.setdefault(track_id, []).append(slug)
    return slugs


def track_list_with_modules(*, include_unpublished: bool = False) -> QuerySet[Track]:
    """Tracks with their modules in order and the skills each teaches, in a fixed number of queries."""
    modules = Module.objects.order_by("order", "id")
    skills = Skill.objects.select_related("category").order_by("name")
    if not include_unpublished:
        modules = modules.filter(status=Status.PUBLISHED)
        skills = skills.filter(status=Status.PUBLISHED)
    return track_list(include_unpublished=include_unpublished).prefetch_related(
        Prefetch("modules", queryset=modules.prefetch_related(Prefetch("skills", queryset=skills)))
    )


def track_get(*, slug: str, include_unpublished: bool = False) -> Track | None:
    """A track with its modules in order and the skills each teaches, in a fixed number of queries."""
    return track_list_with_modules(include_unpublished=include_unpublished).filter(slug=slug).first()


def module_list(*, include_unpublished: bool = False) -> QuerySet[Module]:
    """Modules by track and order with the skills they teach (``taught_skills``, a list); the public sees
    published modules of published tracks, and only published skills.

    A list rather than the ``skills`` manager: Django builds no queryset per module for it.
    """
    # What a module shows of each skill (slug, name, category), not the skills' texts and dates.
    skills = Skill.objects.select_related("category").only("id", "slug", "name", "status", "category__slug")
    skills = skills.order_by("name")
    modules = Module.objects.select_related("track").order_by("track__display_order", "track__title", "order", "id")
    if not include_unpublished:
        skills = skills.filter(status=Status.PUBLISHED)
        modules = modules.filter(status=Status.PUBLISHED, track__status=Status.PUBLISHED)
    return modules.prefetch_related(Prefetch("skills", queryset=skills, to_attr="taught_skills"))


MODULE_ROW_FIELDS = (
    "id", "track__slug", "order", "slug", "title", "summary", "body", "status", "published_at", "updated_at", "version",
)


def module_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``module_list`` as plain rows of what a list of the API shows, without their skills (``taught_skill_rows``)."""
    modules = Module.objects.order_by("track__display_order", "track__title", "order", "id")
    if not include_unpublished:
        modules = modules.filter(status=Status.PUBLISHED, track__status=Status.PUBLISHED)
    return modules.values(*MODULE_ROW_FIELDS)


def taught_skill_rows(module_ids, *, include_unpublished: bool = False) -> dict[int, list[dict]]:
    """The skills each module teaches as ``module_list`` gives them (slug, name, category), as plain rows."""
    links = Module.skills.through.objects.filter(module_id__in=list(module_ids))
    if not include_unpublished:
        links = links.filter(skill__status=Status.PUBLISHED)
    rows: dict[int, list[dict]] = {}
    for module_id, slug, name, category in links.order_by("skill__name").values_list(
        "module_id", "skill__slug", "skill__name", "skill__category__slug"
    ):
        rows.setdefault(module_id, []).append({"slug": slug, "name": name, "category": category})
    return rows


def skills_with_teaching(skills: QuerySet[Skill]) -> QuerySet[Skill]:
    """The skills with ``teaching_modules``: the published modules of published tracks that teach each."""
    modules = (
        Module.objects.filter(status=Status.PUBLISHED, track__status=Status.PUBLISHED)
        .select_related("track")
        .order_by("track__display_order", "track__title", "order")
        # What a skill shows of each (slugs and titles), not the modules' and tracks' texts.
        .only("id", "slug", "title", "track__slug", "track__title")
    )
    return skills.prefetch_related(Prefetch("modules", queryset=modules, to_attr="teaching_modules"))


def teaching_rows(skill_ids) -> dict[int, list[dict]]:
    """What ``skills_with_teaching`` gives each skill, as plain rows (track, track_title, module, module_title)."""
    links = Module.skills.through.objects.filter(
        skill_id__in=list(skill_ids), module__status=Status.PUBLISHED, module__track__status=Status.PUBLISHED
    ).order_by("module__track__display_order", "module__track__title", "module__order")
    rows: dict[int, list[dict]] = {}
    for skill_id, track, track_title, module, module_title in links.values_list(
        "skill_id", "module__track__slug", "module__track__title", "module__slug", "module__title"
    ):
        rows.setdefault(skill_id, []).append(
            {"track": track, "track_title": track_title, "module": module, "module_title": module_title}
        )
    return rows


def tracks_teaching(*, skill: Skill) -> QuerySet[Track]:
    """Published tracks with a published module that teaches this skill."""
    return (
        Track.objects.published()
        .filter(modules__skills=skill, modules__status=Status.PUBLISHED)
        .distinct()
        .order_by("display_order", "title")
    )


def modules_teaching(*, skill: Skill) -> QuerySet[Module]:
    """Published modules of published tracks that teach this skill, with their track, in track order."""
    return (
        Module.objects.published()
        .filter(skills=skill, track__status=Status.PUBLISHED)
        .select_related("track")
        .order_by("track__display_order", "track__title", "order")
    )


def module_get(*, track_slug: str, slug: str, include_unpublished: bool = False) -> Module | None:
    """A module with its track, the track's segments and modules (for navigation), and the skills it teaches."""
    skills = Skill.objects.select_related("category").order_by("name")
    siblings = Module.objects.order_by("order", "id").only("id", "title", "slug", "order", "status", "track_id")
    modules = Module.objects.select_related("track")
    if not include_unpublished:
        skills = skills.filter(status=Status.PUBLISHED)
        siblings = siblings.filter(status=Status.PUBLISHED)
        modules = modules.filter(status=Status.PUBLISHED, track__status=Status.PUBLISHED)
    return (
        modules.filter(track__slug=track_slug, slug=slug)
        .prefetch_related(
            Prefetch("skills", queryset=skills),
            Prefetch("track__segments", queryset=segment_list(include_unpublished=include_unpublished)),
            Prefetch("track__modules", queryset=siblings),
        )
        .first()
    )
