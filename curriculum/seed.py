"""The first curriculum: the tracks named in the posting analysis's curriculum implications."""

import json
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError

from careerhub.core.editorial import Status
from postings.models import Skill
from segments.models import Segment

from .models import Track
from .services import module_create, track_create, track_set_prerequisites

SEED_FILE = Path(__file__).resolve().parent / "seed" / "tracks.json"


class SeedReferenceError(ValueError):
    """The seed file names a segment or skill that does not exist."""


def seed_tracks(*, path: Path | None = None) -> Counter:
    """Create the seed tracks (with their modules) that do not exist yet; existing ones keep their edits."""
    path = path or SEED_FILE
    items = json.loads(path.read_text(encoding="utf-8"))["tracks"]
    segments = Segment.objects.in_bulk(field_name="slug")
    skills = Skill.objects.in_bulk(field_name="slug")
    existing = set(Track.objects.values_list("slug", flat=True))
    counts: Counter = Counter()
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
                body=module.get("body", ""),
                skills=[_lookup(skills, slug, "skill", where) for slug in module["skills"]],
                status=Status.PUBLISHED,
            )
            counts["modules created"] += 1
        counts["tracks created"] += 1
    _fill_prerequisites(items, counts)
    return counts


def _lookup(objects: dict, slug: str, kind: str, where: str):
    try:
        return objects[slug]
    except KeyError:
        raise SeedReferenceError(f"{where} names the {kind} {slug!r}, which does not exist.") from None


# --- Track prerequisites (the learning path) --------------------------------------------------------


class SeedPathError(SeedReferenceError):
    """The seed file's track prerequisites name a track it does not hold, or form a cycle."""


def _fill_prerequisites(items: list[dict], counts: Counter) -> None:
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
