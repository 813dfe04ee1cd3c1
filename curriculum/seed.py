"""The first curriculum: the tracks named in the posting analysis's curriculum implications."""

import json
from collections import Counter
from pathlib import Path

from careerhub.core.editorial import Status
from postings.models import Skill
from segments.models import Segment

from .models import Track
from .services import module_create, track_create

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
    return counts


def _lookup(objects: dict, slug: str, kind: str, where: str):
    try:
        return objects[slug]
    except KeyError:
        raise SeedReferenceError(f"{where} names the {kind} {slug!r}, which does not exist.") from None
