"""The first curriculum: the tracks named in the posting analysis's curriculum implications, with what
each module teaches (``seed/tracks.json``: tracks in display order, their modules in learning order).

Editors' edits are kept. A track that exists already (by slug) keeps its fields and its modules, as
editors left them. A module's content (outcomes, body, hours, resources, exercises, self-check questions,
prerequisites) is filled from the file only where it is empty and has never been filled: the module's
history says whether it ever was, so an editor's text, an editor's change and an editor's clearing all
stay. Running the loader twice changes nothing the second time.
"""

import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError

from careerhub.core.editorial import Status
from postings.models import Skill
from segments.models import Segment

from .models import Exercise, Module, Resource, SelfCheckQuestion, Track
from .services import (
    module_create,
    module_item_save,
    module_set_prerequisites,
    module_update,
    track_create,
    track_set_prerequisites,
)

SEED_FILE = Path(__file__).resolve().parent / "seed" / "tracks.json"

CONTENT_FIELDS = ("outcomes", "body", "hours")
# Child rows by the seed key that lists them.
CHILD_MODELS = {"resources": Resource, "exercises": Exercise, "self_check": SelfCheckQuestion}


class SeedError(ValueError):
    """The seed file cannot be loaded as it is; nothing is written (the command runs in one transaction)."""


class SeedReferenceError(SeedError):
    """The seed file names a segment, skill or module that does not exist."""


class SeedContentError(SeedError):
    """A value of the seed file is refused by the models' validation."""


def seed_tracks(*, path: Path | None = None) -> Counter:
    """Create the seed tracks (with their modules) that do not exist yet, and fill the tracks' prerequisites
    and the modules' content where nobody has written any; existing tracks and edited content are kept."""
    path = path or SEED_FILE
    items = json.loads(path.read_text(encoding="utf-8"))["tracks"]
    _check_prerequisite_references(items)
    counts: Counter = Counter()
    _create_tracks(items, counts)
    _fill_track_prerequisites(items, counts)
    modules = _seed_modules(items)
    filled = _ever_filled(modules.values())
    for key, (module, item) in _module_items(items, modules):
        _fill_fields(module, item, filled[module.pk], counts, where=key)
        for name, model in CHILD_MODELS.items():
            _fill_children(module, item, name, model, filled[module.pk], counts, where=key)
    for key, (module, item) in _module_items(items, modules):
        _fill_prerequisites(module, item, modules, filled[module.pk], counts, where=key)
    return counts


def _create_tracks(items: list[dict], counts: Counter) -> None:
    segments = Segment.objects.in_bulk(field_name="slug")
    skills = Skill.objects.in_bulk(field_name="slug")
    existing = set(Track.objects.values_list("slug", flat=True))
    for item in items:
        if item["slug"] in existing:
            counts["tracks kept"] += 1
            continue
        track = track_create(
            slug=item["slug"],
            title=item["title"],
            level=item["level"],
            summary=item["summary"],
            display_order=item["display_order"],
            segments=[_lookup(segments, slug, "segment", item["slug"]) for slug in item["segments"]],
            status=Status.PUBLISHED,
        )
        for order, module in enumerate(item["modules"], start=1):
            where = f"{track.slug}/{module['slug']}"
            module_create(
                track=track,
                order=order,
                slug=module["slug"],
                title=module["title"],
                summary=module.get("summary", ""),
                skills=[_lookup(skills, slug, "skill", where) for slug in module["skills"]],
                status=Status.PUBLISHED,
            )
            counts["modules created"] += 1
        counts["tracks created"] += 1


def _lookup(objects: dict, slug: str, kind: str, where: str):
    try:
        return objects[slug]
    except KeyError:
        raise SeedReferenceError(f"{where} names the {kind} {slug!r}, which does not exist.") from None


def _check_prerequisite_references(items: list[dict]) -> None:
    """Every module prerequisite names a module of the file, as ``track/module``."""
    known = {f"{item['slug']}/{module['slug']}" for item in items for module in item["modules"]}
    for item in items:
        for module in item["modules"]:
            for reference in module.get("prerequisites", []):
                if reference not in known:
                    raise SeedReferenceError(
                        f"{item['slug']}/{module['slug']} names the prerequisite {reference!r}, which is not "
                        "a module of the seed file (expected “track-slug/module-slug”)."
                    )


def _seed_modules(items: list[dict]) -> dict[str, Module]:
    """The modules of the file that exist, by ``track/module`` (a module an editor deleted stays deleted)."""
    tracks = [item["slug"] for item in items]
    return {
        f"{module.track.slug}/{module.slug}": module
        for module in Module.objects.filter(track__slug__in=tracks).select_related("track")
    }


def _module_items(items: list[dict], modules: dict[str, Module]) -> Iterable[tuple[str, tuple[Module, dict]]]:
    """(``track/module``, (the module, its item in the file)) for each module of the file that exists."""
    for item in items:
        for module_item in item["modules"]:
            key = f"{item['slug']}/{module_item['slug']}"
            if key in modules:
                yield key, (modules[key], module_item)


def _ever_filled(modules: Iterable[Module]) -> dict[int, set[str]]:
    """For each module, the content names (fields, seed keys of child rows, ``prerequisites``) it has or
    ever had, as its history and its children's histories record them."""
    modules = list(modules)
    ids = [module.pk for module in modules]
    filled: dict[int, set[str]] = {pk: set() for pk in ids}
    versions = [(m.pk, m.outcomes, m.body, m.hours) for m in modules]
    versions += Module.history.filter(id__in=ids).values_list("id", "outcomes", "body", "hours")
    for pk, *values in versions:
        filled[pk].update(name for name, value in zip(CONTENT_FIELDS, values, strict=True) if value)
    for name, model in CHILD_MODELS.items():
        for pk in model.history.filter(module_id__in=ids).order_by().values_list("module_id", flat=True).distinct():
            filled[pk].add(name)
    prerequisite_history = apps.get_model("curriculum", "HistoricalModule_prerequisites")  # simple-history's m2m
    for pk in prerequisite_history.objects.filter(from_module_id__in=ids).values_list("from_module_id", flat=True):
        filled[pk].add("prerequisites")
    return filled


def _fill_fields(module: Module, item: dict, filled: set[str], counts: Counter, *, where: str) -> None:
    given = [name for name in CONTENT_FIELDS if item.get(name) not in (None, "", [])]  # 0 hours is refused, not skipped
    data = {name: item[name] for name in given if name not in filled}
    counts["module fields kept"] += len(given) - len(data)
    if not data:
        return
    if "hours" in data:
        data["hours"] = _hours(data["hours"], where=f"{where}: hours")
    try:
        module_update(module=module, data=data)
    except ValidationError as error:
        raise SeedContentError(f"{where}: {_messages(error)}") from None
    counts["module fields filled"] += len(data)


def _fill_children(
    module: Module, item: dict, name: str, model: type, filled: set[str], counts: Counter, *, where: str
) -> None:
    rows = item.get(name) or []
    if not rows:
        return
    if name in filled:
        counts[f"{name} kept"] += 1
        return
    for position, row in enumerate(rows, start=1):
        place = f"{where}: {name}[{position}]"
        child = _child(model, module, position, row, where=place)
        try:
            module_item_save(item=child)
        except ValidationError as error:
            raise SeedContentError(f"{place}: {_messages(error)}") from None
        counts[f"{name} created"] += 1


def _child(model: type, module: Module, order: int, row: dict, *, where: str):
    """A resource, exercise or self-check question from its seed row (unknown keys are refused)."""
    fields = {
        Resource: {"title", "url", "kind", "free", "minutes", "note"},
        Exercise: {"title", "brief", "acceptance_criteria", "hours"},
        SelfCheckQuestion: {"question", "answer"},
    }[model]
    unknown = sorted(set(row) - fields)
    if unknown:
        raise SeedContentError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(fields))}.")
    values = dict(row)
    if "hours" in values:
        values["hours"] = _hours(values["hours"], where=f"{where}: hours")
    return model(module=module, order=order, **values)


def _fill_prerequisites(
    module: Module, item: dict, modules: dict[str, Module], filled: set[str], counts: Counter, *, where: str
) -> None:
    references = item.get("prerequisites") or []
    if not references:
        return
    if "prerequisites" in filled:
        counts["prerequisites kept"] += 1
        return
    prerequisites = [modules[reference] for reference in references if reference in modules]
    try:
        module_set_prerequisites(module=module, prerequisites=prerequisites)
    except ValidationError as error:
        raise SeedContentError(f"{where}: {_messages(error)}") from None
    counts["prerequisites set"] += len(prerequisites)


def _hours(value: object, *, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise SeedContentError(f"{where}: {value!r} is not a number of hours.") from None


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


# --- Track prerequisites (the learning path) --------------------------------------------------------


class SeedPathError(SeedReferenceError):
    """The seed file's track prerequisites name a track it does not hold, or form a cycle."""


def _fill_track_prerequisites(items: list[dict], counts: Counter) -> None:
    """Give each seed track the prerequisites the file lists (``"prerequisites": [track slugs]``, optional),
    where nobody has set any: a track whose prerequisites were ever set, by an editor or an earlier load,
    keeps them as they are (its history says whether they were), so an editor's choice, removal included,
    stays. A prerequisite an editor deleted stays deleted."""
    in_file = {item["slug"] for item in items}
    for item in items:
        for slug in item.get("prerequisites", []):
            if slug not in in_file:
                raise SeedPathError(
                    f"{item['slug']} names the prerequisite track {slug!r}, which the seed file does not hold."
                )
    listed = [item for item in items if "prerequisites" in item]
    tracks = Track.objects.in_bulk([item["slug"] for item in items], field_name="slug")
    ever_set = _prerequisites_ever_set([track.pk for track in tracks.values()])
    for item in listed:
        track = tracks.get(item["slug"])
        if track is None or track.pk in ever_set:
            counts["track prerequisites kept"] += track is not None
            continue
        prerequisites = [tracks[slug] for slug in item["prerequisites"] if slug in tracks]
        if not prerequisites:
            continue
        try:
            track_set_prerequisites(track=track, prerequisites=prerequisites)
        except ValidationError as error:
            raise SeedPathError(f"{track.slug}: {' '.join(error.messages)}") from None
        counts["track prerequisites set"] += 1


def _prerequisites_ever_set(track_ids: list[int]) -> set[int]:
    """The tracks that have prerequisites, or had some in a recorded version (simple-history's m2m rows)."""
    now = Track.prerequisites.through.objects.filter(from_track_id__in=track_ids)
    recorded = apps.get_model("curriculum", "HistoricalTrack_prerequisites").objects.filter(  # simple-history's
        from_track_id__in=track_ids
    )
    return {*now.values_list("from_track_id", flat=True), *recorded.values_list("from_track_id", flat=True)}
