"""How segments look in the API."""

from rest_framework import serializers

from careerhub.core.api.views import FieldsOnceMixin

from ..models import Segment


class SegmentSerializer(FieldsOnceMixin, serializers.ModelSerializer):
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
        )
        read_only_fields = fields
