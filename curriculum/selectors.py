"""Reads of tracks and modules for pages, the API and other apps."""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Avg, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from careerhub.core.editorial import Status
from careerhub.core.visibility import public, public_q
from postings.models import Skill
from segments.selectors import segment_list

from .models import Exercise, Module, Resource, SelfCheckQuestion, Track
from .path import learning_path


def track_list(*, include_unpublished: bool = False) -> QuerySet[Track]:
    """Tracks in display order with their target segments; only published ones for the public."""
    tracks = Track.objects.prefetch_related(
        Prefetch("segments", queryset=segment_list(include_unpublished=include_unpublished))
    )
    return tracks if include_unpublished else tracks.published()


def _neighbours(*, include_unpublished: bool) -> QuerySet[Track]:
    """Tracks as a track's prerequisites or next tracks show them: slug and title, in display order."""
    tracks = Track.objects.order_by("display_order", "title").only("id", "slug", "title", "level", "status")
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
    return _linked_slugs(links, "track_id", "segment", "name", include_unpublished=include_unpublished)


def track_prerequisite_slugs(track_ids, *, include_unpublished: bool = False) -> dict[int, list[str]]:
    """The slugs of each track's prerequisites, in display order (one query, plain rows)."""
    links = Track.prerequisites.through.objects.filter(from_track_id__in=list(track_ids))
    return _linked_slugs(links, "from_track_id", "to_track", "title", include_unpublished=include_unpublished)


def _linked_slugs(links: QuerySet, owner: str, target: str, name: str, *, include_unpublished: bool) -> dict:
    """``{owner id: [target slug, ...]}`` from a many-to-many table, targets in display order, then name."""
    if not include_unpublished:
        links = links.filter(**{f"{target}__status": Status.PUBLISHED})
    slugs: dict[int, list[str]] = {}
    ordered = links.order_by(f"{target}__display_order", f"{target}__{name}")
    for owner_id, slug in ordered.values_list(owner, f"{target}__slug"):
        slugs.setdefault(owner_id, []).append(slug)
    return slugs


def _modules_with_skills(*, include_unpublished: bool) -> Prefetch:
    """A track's modules in order, each with the skills it teaches (two queries for any number of tracks)."""
    modules = Module.objects.order_by("order", "id")
    skills = Skill.objects.select_related("category").order_by("name")
    if not include_unpublished:
        modules = modules.filter(status=Status.PUBLISHED)
        skills = skills.filter(status=Status.PUBLISHED)
    return Prefetch("modules", queryset=modules.prefetch_related(Prefetch("skills", queryset=skills)))


def track_list_with_modules(*, include_unpublished: bool = False) -> QuerySet[Track]:
    """Tracks with their modules in order and the skills each teaches, in a fixed number of queries."""
    return track_list(include_unpublished=include_unpublished).prefetch_related(
        _modules_with_skills(include_unpublished=include_unpublished),
        Prefetch("prerequisites", queryset=_neighbours(include_unpublished=include_unpublished)),
    )


def track_get_with_modules(*, slug: str, include_unpublished: bool = False) -> Track | None:
    """A track with its segments and its modules in order with the skills each teaches, in four queries: what
    its coverage page reads (the tracks around it come from the stored coverage)."""
    tracks = track_list(include_unpublished=include_unpublished).filter(slug=slug)
    return tracks.prefetch_related(_modules_with_skills(include_unpublished=include_unpublished)).first()


def track_get(*, slug: str, include_unpublished: bool = False) -> Track | None:
    """A track with its modules in order and the skills each teaches, its prerequisites and the tracks that
    come after it, in a fixed number of queries."""
    return (
        track_list_with_modules(include_unpublished=include_unpublished)
        .prefetch_related(Prefetch("next_tracks", queryset=_neighbours(include_unpublished=include_unpublished)))
        .filter(slug=slug)
        .first()
    )


# --- The learning path ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathStep:
    """A track on the learning path: its place (from 1), depth (0: no prerequisite), direct prerequisites
    and every track before it (ancestors), all in path order.

    The track carries ``path_coverage``: its cumulative coverage, the mean over its (visible) segments with
    demand, None until computed.
    """

    position: int
    track: Track
    depth: int
    prerequisites: list[Track]
    ancestors: list[Track]
    # Estimated hours of the track's (visible) modules, None when none has an estimate; and the same summed
    # along the path: the track with every track before it (None when no track of those has an estimate).
    hours: Decimal | None = None
    path_hours: Decimal | None = None


class PathEdge(NamedTuple):
    """A link of the learning path: ``track`` comes after ``prerequisite``."""

    prerequisite: Track
    track: Track


@dataclass(frozen=True)
class TrackPath:
    """The learning path: its steps in order, and its links."""

    steps: list[PathStep]

    @property
    def edges(self) -> list[PathEdge]:
        return [PathEdge(prerequisite, step.track) for step in self.steps for prerequisite in step.prerequisites]

    @property
    def depth(self) -> int:
        """How many layers the path has."""
        return 1 + max((step.depth for step in self.steps), default=-1)


def track_path(*, include_unpublished: bool = False) -> TrackPath:
    """The published tracks in path order (each after its prerequisites, ties by display order and title),
    with their prerequisites and ancestors (transitive) and their hours (their published modules' estimates,
    summed per track and along the path), in two queries.

    The public path is the published tracks and the links between them: a track's prerequisite that is not
    published is left out, and so are the tracks only it comes after (coverage counts the same way).
    """
    segments = Q() if include_unpublished else Q(coverage__segments__segment__status=Status.PUBLISHED)
    tracks = Track.objects.all() if include_unpublished else Track.objects.published()
    modules = Module.objects.filter(track=OuterRef("pk"))
    if not include_unpublished:
        modules = modules.filter(status=Status.PUBLISHED)
    # A subquery, not a join: a join to modules would repeat the coverage rows the average reads.
    hours = modules.order_by().values("track").annotate(total=Sum("hours")).values("total")
    tracks = tracks.annotate(
        path_coverage=Avg("coverage__segments__coverage", filter=segments), hours=Subquery(hours)
    ).only("id", "slug", "title", "level", "display_order", "status")
    by_id = {track.pk: track for track in tracks.order_by()}
    edges = Track.prerequisites.through.objects.values_list("from_track_id", "to_track_id")
    path = learning_path(by_id, edges, key=lambda pk: (by_id[pk].display_order, by_id[pk].title, pk))
    return TrackPath(
        steps=[
            PathStep(
                position=position,
                track=by_id[pk],
                depth=path.depth[pk],
                prerequisites=[by_id[p] for p in path.prerequisites[pk]],
                ancestors=[by_id[a] for a in path.ancestors[pk]],
                hours=by_id[pk].hours,
                path_hours=_summed(by_id[t].hours for t in [*path.ancestors[pk], pk]),
            )
            for position, pk in enumerate(path.order, start=1)
        ]
    )


def _summed(values) -> Decimal | None:
    """The sum of the hours that are estimated; None when none is."""
    known = [value for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def prerequisite_modules(*, include_unpublished: bool = False) -> QuerySet[Module]:
    """The modules a module names as prerequisites, as its page links them (title, slug, track)."""
    modules = (
        Module.objects.select_related("track")
        .order_by("track__display_order", "track__title", "order", "id")
        .only("id", "title", "slug", "order", "status", "track__slug", "track__title", "track__status")
    )
    if not include_unpublished:
        modules = public(modules)
    return modules


def module_content_prefetches(*, include_unpublished: bool = False) -> list[Prefetch]:
    """What a module teaches beyond its own fields: resources, exercises, self-check questions (in order)
    and prerequisites (``prerequisite_list``), one query each."""
    return [
        Prefetch("resources", queryset=Resource.objects.order_by("order", "id")),
        Prefetch("exercises", queryset=Exercise.objects.order_by("order", "id")),
        Prefetch("self_check_questions", queryset=SelfCheckQuestion.objects.order_by("order", "id")),
        Prefetch(
            "prerequisites",
            queryset=prerequisite_modules(include_unpublished=include_unpublished),
            to_attr="prerequisite_list",
        ),
    ]


def module_list(*, include_unpublished: bool = False) -> QuerySet[Module]:
    """Modules by track and order with the skills they teach (``taught_skills``, a list) and their content
    (``module_content_prefetches``); the public sees published modules of published tracks, and only
    published skills and prerequisites.

    A list rather than the ``skills`` manager: Django builds no queryset per module for it.
    """
    # What a module shows of each skill (slug, name, category), not the skills' texts and dates.
    skills = Skill.objects.select_related("category").only("id", "slug", "name", "status", "category__slug")
    skills = skills.order_by("name")
    modules = Module.objects.select_related("track").order_by("track__display_order", "track__title", "order", "id")
    if not include_unpublished:
        skills = skills.filter(status=Status.PUBLISHED)
        modules = public(modules)
    return modules.prefetch_related(
        Prefetch("skills", queryset=skills, to_attr="taught_skills"),
        *module_content_prefetches(include_unpublished=include_unpublished),
    )


MODULE_ROW_FIELDS = (
    "id", "track__slug", "order", "slug", "title", "summary", "outcomes", "body", "hours", "status", "published_at",
    "updated_at", "version",
)


def module_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``module_list`` as plain rows of what a list of the API shows, without their skills (``taught_skill_rows``)."""
    modules = Module.objects.order_by("track__display_order", "track__title", "order", "id")
    if not include_unpublished:
        modules = public(modules)
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


# What the API shows of each of a module's rows, by the name of the list it shows them in.
MODULE_ITEM_ROWS = {
    "resources": (Resource, ("title", "url", "kind", "free", "minutes", "note")),
    "exercises": (Exercise, ("title", "brief", "acceptance_criteria", "hours")),
    "self_check": (SelfCheckQuestion, ("question", "answer")),
}


def module_content_rows(module_ids, *, include_unpublished: bool = False) -> dict[str, dict[int, list]]:
    """For the modules of a page, as plain rows (one query each): their resources, exercises and self-check
    questions in order, and their prerequisites as ``track/module`` (published ones only for the public)."""
    module_ids = list(module_ids)
    content: dict[str, dict[int, list]] = {}
    for name, (model, fields) in MODULE_ITEM_ROWS.items():
        rows = content[name] = {}
        for row in model.objects.filter(module_id__in=module_ids).order_by("order", "id").values("module_id", *fields):
            rows.setdefault(row.pop("module_id"), []).append(row)
    links = Module.prerequisites.through.objects.filter(from_module_id__in=module_ids)
    if not include_unpublished:
        links = links.filter(public_q(Module, "to_module__"))
    references = content["prerequisites"] = {}
    for module_id, track, slug in links.order_by(
        "to_module__track__display_order", "to_module__track__title", "to_module__order", "to_module_id"
    ).values_list("from_module_id", "to_module__track__slug", "to_module__slug"):
        references.setdefault(module_id, []).append(f"{track}/{slug}")
    return content


def skills_with_teaching(skills: QuerySet[Skill]) -> QuerySet[Skill]:
    """The skills with ``teaching_modules``: the published modules of published tracks that teach each."""
    modules = (
        public(Module.objects.all())
        .select_related("track")
        .order_by("track__display_order", "track__title", "order")
        # What a skill shows of each (slugs and titles), not the modules' and tracks' texts.
        .only("id", "slug", "title", "track__slug", "track__title")
    )
    return skills.prefetch_related(Prefetch("modules", queryset=modules, to_attr="teaching_modules"))


def teaching_rows(skill_ids) -> dict[int, list[dict]]:
    """What ``skills_with_teaching`` gives each skill, as plain rows (track, track_title, module, module_title)."""
    links = Module.skills.through.objects.filter(
        public_q(Module, "module__"), skill_id__in=list(skill_ids)
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
    """A module with its track, the track's segments and modules (for navigation), the skills it teaches
    and its content (``module_content_prefetches``)."""
    skills = Skill.objects.select_related("category").order_by("name")
    siblings = Module.objects.order_by("order", "id").only("id", "title", "slug", "order", "status", "track_id")
    modules = Module.objects.select_related("track")
    if not include_unpublished:
        skills = skills.filter(status=Status.PUBLISHED)
        siblings = siblings.filter(status=Status.PUBLISHED)
        modules = public(modules)
    return (
        modules.filter(track__slug=track_slug, slug=slug)
        .prefetch_related(
            Prefetch("skills", queryset=skills),
            Prefetch("track__segments", queryset=segment_list(include_unpublished=include_unpublished)),
            Prefetch("track__modules", queryset=siblings),
            *module_content_prefetches(include_unpublished=include_unpublished),
        )
        .first()
    )


def resources_to_check(*, include_unpublished: bool = False) -> QuerySet[Resource]:
    """The resources whose addresses ``check_links`` asks, with their module and track: those of published
    modules of published tracks, unless drafts are included."""
    resources = Resource.objects.select_related("module__track").order_by(
        "module__track__display_order", "module__track__title", "module__order", "order", "id"
    )
    if not include_unpublished:
        resources = resources.filter(public_q(Module, "module__"))
    return resources
