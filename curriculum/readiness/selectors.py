"""Reads for readiness: the published skills, segments and modules as plain data, in a fixed number of queries.

Everything is read as rows (``values_list``), not model instances: an answer touches every published
skill and module, and building instances for them cost more than the answer's own arithmetic.

The skills and the curriculum are kept in the process between requests (``readiness_reads``), as the
extractor's matcher is: for one taxonomy version (moved by database triggers on every write to skills and
aliases) and one content generation (moved after every committed write of the services, decision 0005).
Reading them cost an answer three times the extraction itself (docs/benchmarks.md, readiness).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.urls import reverse

from careerhub.core.cache import CONTENT, generation
from careerhub.core.editorial import Status
from careerhub.core.visibility import public
from postings.extraction import taxonomy_version
from postings.models import Skill
from segments.selectors import segment_list

from ..models import Module, Track
from ..path import learning_path


@dataclass(frozen=True)
class SkillRef:
    """A published skill as readiness names it: its slug and name, and the category it is shelved in."""

    id: int
    slug: str
    name: str
    category_slug: str
    category_name: str

    @property
    def url(self) -> str:
        return reverse("postings:skill-detail", kwargs={"slug": self.slug})


def skill_catalogue() -> dict[int, SkillRef]:
    """Every published skill by id, in category order then by name (one query)."""
    rows = (
        Skill.objects.filter(status=Status.PUBLISHED)
        .order_by("category__display_order", "category__name", "name", "id")
        .values_list("id", "slug", "name", "category__slug", "category__name")
    )
    return {row[0]: SkillRef(*row) for row in rows}


@dataclass(frozen=True)
class SegmentRef:
    id: int
    slug: str
    name: str

    @property
    def url(self) -> str:
        return reverse("segments:detail", kwargs={"slug": self.slug})


def segment_refs() -> list[SegmentRef]:
    """The published segments in display order (one query)."""
    return [SegmentRef(*row) for row in segment_list().values_list("id", "slug", "name")]


@dataclass(frozen=True)
class TrackRef:
    id: int
    slug: str
    title: str
    display_order: int

    @property
    def url(self) -> str:
        return reverse("curriculum:track-detail", kwargs={"slug": self.slug})


@dataclass(frozen=True)
class ModuleNode:
    """A published module of a published track: what it teaches (published skills), what it needs first, hours."""

    id: int
    track: TrackRef
    order: int
    slug: str
    title: str
    hours: Decimal | None
    skill_ids: frozenset[int]
    prerequisite_ids: tuple[int, ...]

    @property
    def ref(self) -> str:
        """How a learner's progress names the module: ``track-slug/module-slug`` (unique, readable, stable)."""
        return f"{self.track.slug}/{self.slug}"

    @cached_property
    def url(self) -> str:
        # Kept on the node: an answer names a module once in each segment's plan, and reversing costs.
        return reverse("curriculum:module-detail", kwargs={"track_slug": self.track.slug, "slug": self.slug})


@dataclass(frozen=True)
class Curriculum:
    """The published modules in path order (tracks in path order, then each track's module order)."""

    modules: dict[int, ModuleNode]  # in path order
    tracks: list[TrackRef]  # in path order

    # Derived once per curriculum: it is kept between answers (``readiness_reads``).

    @cached_property
    def by_ref(self) -> dict[str, ModuleNode]:
        return {module.ref: module for module in self.modules.values()}

    @cached_property
    def position(self) -> dict[int, int]:
        """Each module's place along the path, from 0."""
        return {module_id: n for n, module_id in enumerate(self.modules)}

    @cached_property
    def teaching(self) -> dict[int, list[int]]:
        """Each skill: the modules that teach it, in path order."""
        teaching: dict[int, list[int]] = {}
        for module in self.modules.values():
            for skill_id in module.skill_ids:
                teaching.setdefault(skill_id, []).append(module.id)
        return teaching


def _tracks_in_path_order(tracks: list[TrackRef]) -> list[TrackRef]:
    """The tracks in learning-path order (``curriculum.path``): each after its prerequisites among them, ties
    by display order and title (one query)."""
    by_id = {track.id: track for track in tracks}
    edges = Track.prerequisites.through.objects.filter(from_track_id__in=by_id, to_track_id__in=by_id)
    path = learning_path(
        by_id,
        edges.values_list("from_track_id", "to_track_id"),
        key=lambda pk: (by_id[pk].display_order, by_id[pk].title, pk),
    )
    return [by_id[pk] for pk in path.order]


def curriculum_for_plans() -> Curriculum:
    """The published modules of published tracks, the published skills each teaches and their published
    prerequisites, in path order (three queries)."""
    modules = public(Module.objects.all())
    rows = list(
        modules.values_list(
            "id", "order", "slug", "title", "hours", "track_id", "track__slug", "track__title", "track__display_order"
        )
    )
    ids = [row[0] for row in rows]
    skills: dict[int, set[int]] = {}
    for module_id, skill_id in Module.skills.through.objects.filter(
        module_id__in=ids, skill__status=Status.PUBLISHED
    ).values_list("module_id", "skill_id"):
        skills.setdefault(module_id, set()).add(skill_id)
    published = set(ids)
    needs: dict[int, list[int]] = {}
    for module_id, prerequisite_id in (
        Module.prerequisites.through.objects.filter(from_module_id__in=ids)
        .order_by("to_module_id")
        .values_list("from_module_id", "to_module_id")
    ):
        if prerequisite_id in published:
            needs.setdefault(module_id, []).append(prerequisite_id)
    tracks = {row[5]: TrackRef(row[5], row[6], row[7], row[8]) for row in rows}
    position = {track.id: n for n, track in enumerate(_tracks_in_path_order(list(tracks.values())))}
    rows.sort(key=lambda row: (position[row[5]], row[1], row[0]))
    return Curriculum(
        modules={
            row[0]: ModuleNode(
                id=row[0], track=tracks[row[5]], order=row[1], slug=row[2], title=row[3], hours=row[4],
                skill_ids=frozenset(skills.get(row[0], ())), prerequisite_ids=tuple(needs.get(row[0], ())),
            )
            for row in rows
        },
        tracks=sorted(tracks.values(), key=lambda track: position[track.id]),
    )



@dataclass(frozen=True)
class Reads:
    """What every answer reads besides demand: the published skills and the curriculum, and the taxonomy version."""

    taxonomy: str
    skills: dict[int, SkillRef]
    curriculum: Curriculum


_kept: dict[str, tuple[tuple, Reads]] = {}


def readiness_reads() -> Reads:
    """The published skills and curriculum, read again only when the taxonomy or the content changed.

    One query (the taxonomy version) and one cache read (the content generation) while nothing changed.
    The generation is read before the rows, so rows kept under a generation are never older than it; should
    the cache be unreachable, the rows are read afresh.
    """
    taxonomy = taxonomy_version()
    try:
        key = (connection.settings_dict["NAME"], taxonomy, generation(CONTENT))
    except Exception:  # the shared cache is down: no generation to trust, so nothing is kept
        return Reads(taxonomy, skill_catalogue(), curriculum_for_plans())
    kept = _kept.get("reads")
    if kept is not None and kept[0] == key:
        return kept[1]
    reads = Reads(taxonomy, skill_catalogue(), curriculum_for_plans())
    _kept["reads"] = (key, reads)
    return reads
