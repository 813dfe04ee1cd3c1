"""Tracks and modules: published ones for everyone; editors with a token create and change them through
the same services as the admin."""

from django.views.decorators.http import conditional_page
from rest_framework import generics
from rest_framework.response import Response

from careerhub.core.api.cache import public_cache
from careerhub.core.api.views import ContentPagination, WritableViewSet, service_call
from careerhub.core.visibility import can_see_drafts

from ..filters import ModuleFilterSet, TrackFilterSet
from ..selectors import (
    module_content_rows,
    module_list,
    module_rows,
    taught_skill_rows,
    track_list_with_modules,
    track_path,
    track_prerequisite_slugs,
    track_rows,
    track_segment_slugs,
)
from ..services import module_create, module_update, track_create, track_update
from .serializers import (
    LearningPathSerializer,
    ModuleSerializer,
    ModuleWriteSerializer,
    TrackDetailSerializer,
    TrackSerializer,
    TrackWriteSerializer,
)


class TrackViewSet(WritableViewSet):
    """Curriculum tracks by slug; a track's own page lists its modules and the skills they teach."""

    model_label = ("curriculum", "track")
    filterset_class = TrackFilterSet
    pagination_class = ContentPagination
    write_serializer_class = TrackWriteSerializer
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "list":  # plain rows; their segments and prerequisites are read for the page alone
            return track_rows(include_unpublished=self.sees_drafts())
        return track_list_with_modules(include_unpublished=self.sees_drafts())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            ids, drafts = [row["id"] for row in page], self.sees_drafts()
            slugs = track_segment_slugs(ids, include_unpublished=drafts)
            prerequisites = track_prerequisite_slugs(ids, include_unpublished=drafts)
            for row in page:
                row["segments"] = slugs.get(row["id"], [])
                row["prerequisites"] = prerequisites.get(row["id"], [])
        return page

    def get_serializer_class(self):
        return TrackSerializer if self.action == "list" else TrackDetailSerializer

    def perform_service_create(self, data):
        return service_call(track_create, **data, by=self.request.user)

    def perform_service_update(self, instance, data, *, based_on):
        return service_call(track_update, track=instance, data=data, based_on=based_on, by=self.request.user)


class ModuleViewSet(WritableViewSet):
    """Modules of tracks by id, with the skills they teach."""

    model_label = ("curriculum", "module")
    serializer_class = ModuleSerializer
    filterset_class = ModuleFilterSet
    pagination_class = ContentPagination
    write_serializer_class = ModuleWriteSerializer

    def get_queryset(self):
        if self.action == "list":  # plain rows; their skills are read for the page alone
            return module_rows(include_unpublished=self.sees_drafts())
        return module_list(include_unpublished=self.sees_drafts())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            ids = [row["id"] for row in page]
            lists = {"skills": taught_skill_rows(ids, include_unpublished=self.sees_drafts())}
            lists |= module_content_rows(ids, include_unpublished=self.sees_drafts())
            for row in page:
                for name, rows in lists.items():
                    row[name] = rows.get(row["id"], [])
        return page

    def perform_service_create(self, data):
        return service_call(module_create, **data, by=self.request.user)

    def perform_service_update(self, instance, data, *, based_on):
        return service_call(module_update, module=instance, data=data, based_on=based_on, by=self.request.user)


class LearningPathView(generics.GenericAPIView):
    """The learning path: published tracks in order, each after its prerequisites (nodes), and the
    prerequisite links between them (edges). Drafts too for users who may view tracks."""

    serializer_class = LearningPathSerializer
    pagination_class = None
    filter_backends = ()

    @classmethod
    def as_view(cls, *args, **kwargs):
        # ETag and 304 as every GET of the API, and the public answer cache.
        return conditional_page(public_cache(super().as_view(*args, **kwargs)))

    def get(self, request):
        path = track_path(include_unpublished=can_see_drafts(request, "curriculum", "track"))
        return Response(self.get_serializer(path).data)
