"""FilterSets of the curriculum, shared by the API and the HTML list pages."""

import django_filters

from careerhub.editorial import Status
from segments.models import Segment

from .models import Level, Track


class TrackFilter(django_filters.FilterSet):
    """Tracks by career level and by the (published) segment they aim at."""

    level = django_filters.ChoiceFilter(choices=Level.choices, label="Level")
    segment = django_filters.ModelChoiceFilter(
        queryset=Segment.objects.filter(status=Status.PUBLISHED),
        to_field_name="slug",
        field_name="segments",
        label="Segment",
    )

    class Meta:
        model = Track
        fields = ["level", "segment"]
