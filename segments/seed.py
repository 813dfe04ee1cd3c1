"""The first editorial content: the four employer segments, transcribed from the source notes."""

import json
from collections import Counter
from pathlib import Path

from careerhub.core.editorial import Status

from .models import Segment
from .services import segment_create

SEED_FILE = Path(__file__).resolve().parent / "seed" / "segments.json"


def seed_segments(*, path: Path | None = None) -> Counter:
    """Create the seed segments that do not exist yet (by slug); existing ones keep their edits."""
    path = path or SEED_FILE
    items = json.loads(path.read_text(encoding="utf-8"))["segments"]
    existing = set(Segment.objects.filter(slug__in=[item["slug"] for item in items]).values_list("slug", flat=True))
    counts: Counter = Counter()
    for item in items:
        if item["slug"] in existing:
            counts["segments kept"] += 1
            continue
        segment_create(**item, status=Status.PUBLISHED)
        counts["segments created"] += 1
    return counts
