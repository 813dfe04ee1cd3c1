"""The coverage FilterSet, shared by the API list and the admin dashboard."""

import django_filters

from ..models import Level
from .models import SegmentCoverage


class SegmentCoverageFilter(django_filters.FilterSet):
    """Filter coverage rows by the segment (slug), the track's level, or the track (slug)."""

    segment = django_filters.CharFilter(field_name="segment__slug", max_length=80, label="Segment (slug)")
    level = django_filters.ChoiceFilter(field_name="track_coverage__track__level", choices=Level.choices)
    track = django_filters.CharFilter(field_name="track_coverage__track__slug", max_length=80, label="Track (slug)")

    class Meta:
        model = SegmentCoverage
        fields = ("segment", "level", "track")
