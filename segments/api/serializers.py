"""How segments look in the API."""

from rest_framework import serializers

from careerhub.core.api.views import FieldsOnceMixin, RowReadersMixin, plain_row_readers

from ..models import Segment


class SegmentSerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A segment and what it hires for; ``status`` and ``published_at`` are shown to editors only."""

    class Meta:
        model = Segment
        fields = (
            "slug",
            "name",
            "summary",
            "optimises_for",
            "looks_for",
            "pitfalls",
            "sample_employers",
            "focus_areas",
            "display_order",
            "status",
            "published_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields


# A row of ``segment_rows`` (the list) written as DRF writes the model's fields.
SegmentSerializer.row_readers = plain_row_readers(SegmentSerializer.Meta.fields, dates=("published_at", "updated_at"))
