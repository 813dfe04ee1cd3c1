"""Reads of segments for pages, the API and other apps."""

from django.db.models import QuerySet

from .models import Segment


def segment_list(*, include_unpublished: bool = False) -> QuerySet[Segment]:
    """Segments in display order; only published ones unless an editor asks for all."""
    segments = Segment.objects.all()
    return segments if include_unpublished else segments.published()


SEGMENT_ROW_FIELDS = (
    "slug", "name", "summary", "optimises_for", "looks_for", "pitfalls", "sample_employers", "focus_areas",
    "display_order", "status", "published_at", "updated_at", "version",
)


def segment_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``segment_list`` as plain rows of what a list of the API shows (no model instances)."""
    return segment_list(include_unpublished=include_unpublished).values(*SEGMENT_ROW_FIELDS)


def segment_refs(*, include_unpublished: bool = False) -> QuerySet[Segment]:
    """``segment_list`` with only what a filter needs of a segment it looks up by slug (not its long texts)."""
    return segment_list(include_unpublished=include_unpublished).only("id", "slug", "name", "status")


def segment_get(*, slug: str, include_unpublished: bool = False) -> Segment | None:
    return segment_list(include_unpublished=include_unpublished).filter(slug=slug).first()
