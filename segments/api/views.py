"""Segments: read-only in the API (editors curate them in the admin)."""

from rest_framework import viewsets

from careerhub.core.api.views import ContentPagination, PublicViewSetMixin

from ..filters import SegmentFilterSet
from ..selectors import segment_list, segment_rows
from .serializers import SegmentSerializer


class SegmentViewSet(PublicViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Employer segments in display order, by slug."""

    model_label = ("segments", "segment")
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilterSet
    pagination_class = ContentPagination
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":
            return segment_rows(include_unpublished=self.sees_drafts())
        return segment_list(include_unpublished=self.sees_drafts())
