"""The coverage FilterSet, shared by the API list and the admin dashboard."""

import django_filters
from django.db.models import Q

from ..models import Level
from .models import SegmentCoverage


class SegmentCoverageFilter(django_filters.FilterSet):
    """Filter coverage rows by the segment (its slug, or part of its name), the track's level, or the track (slug).

    Editors type what they read ("Financial" for "Financial services"); API clients send the slug, which
    still finds exactly its segment.
    """

    segment = django_filters.CharFilter(
        method="filter_segment",
        max_length=80,
        label="Segment",
        help_text="The segment's slug, or part of its name.",
    )
    level = django_filters.ChoiceFilter(
        field_name="track_coverage__track__level", choices=Level.choices, label="Level"
    )
    track = django_filters.CharFilter(field_name="track_coverage__track__slug", max_length=80, label="Track (slug)")

    class Meta:
        model = SegmentCoverage
        fields = ("segment", "level", "track")

    def filter_segment(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(segment__slug=value) | Q(segment__name__icontains=value))
