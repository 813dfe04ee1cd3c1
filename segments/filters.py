"""FilterSets of segments, shared by the API and the HTML list pages."""

import django_filters

from careerhub.core.filters import PublicFilterSet, SearchFilter, status_filter

from .models import Segment


class SegmentFilterSet(PublicFilterSet):
    """``q`` searches name, summary and what the segment looks for; ``status`` for editors."""

    search_fields = ("name", "summary", "optimises_for")
    draft_model = "segments.segment"

    q = SearchFilter()
    status = status_filter()
    ordering = django_filters.OrderingFilter(fields=("display_order", "name", "updated_at"))

    class Meta:
        model = Segment
        fields = ("q", "status")
