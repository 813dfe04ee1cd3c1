"""FilterSets of tracks and modules, shared by the API and the HTML list pages."""

import django_filters
from django.db.models import Exists, OuterRef, QuerySet

from careerhub.core.editorial import Status
from careerhub.core.filters import PublicFilterSet, SearchFilter, SlugFilter, status_filter, visible_to
from careerhub.core.visibility import can_see_drafts
from postings.selectors import skill_refs
from segments.selectors import segment_refs

from .models import Level, Module, Track


def _tracks(*, include_unpublished: bool) -> QuerySet[Track]:
    return Track.objects.all() if include_unpublished else Track.objects.published()


class TrackFilterSet(PublicFilterSet):
    """Tracks by target ``segment``, taught ``skill`` (in a published module), ``level`` and text."""

    search_fields = ("title", "summary")
    draft_model = "curriculum.track"

    segment = SlugFilter(
        queryset=visible_to(segment_refs, "segments", "segment"),
        method="filter_segment",
        label="Target segment (slug)",
    )
    skill = SlugFilter(
        queryset=visible_to(skill_refs, "postings", "skill"),
        method="filter_skill",
        label="Taught skill (slug)",
    )
    level = django_filters.ChoiceFilter(choices=Level.choices)
    q = SearchFilter()
    status = status_filter()
    ordering = django_filters.OrderingFilter(fields=("display_order", "title", "level", "updated_at"))

    class Meta:
        model = Track
        fields = ("segment", "skill", "level", "q", "status")

    def filter_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        segments = Track.segments.through.objects.filter(
            track=OuterRef("pk"), segment__in=self.filters["segment"].matches(value)
        )
        return queryset.filter(Exists(segments))

    def filter_skill(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        modules = Module.objects.filter(track=OuterRef("pk"), skills__in=self.filters["skill"].matches(value))
        if not can_see_drafts(self.request, "curriculum", "module"):
            modules = modules.filter(status=Status.PUBLISHED)
        return queryset.filter(Exists(modules))


class ModuleFilterSet(PublicFilterSet):
    """Modules by ``track`` (slug), taught ``skill``, the track's ``level`` and text."""

    search_fields = ("title", "summary", "body")
    draft_model = "curriculum.module"

    track = SlugFilter(
        queryset=visible_to(_tracks, "curriculum", "track"),
        label="Track (slug)",
    )
    skill = SlugFilter(
        queryset=visible_to(skill_refs, "postings", "skill"),
        field_name="skills",
        distinct=False,
        method="filter_skill",
        label="Taught skill (slug)",
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, field_name="track__level")
    q = SearchFilter()
    status = status_filter()
    ordering = django_filters.OrderingFilter(fields=("order", "title", "updated_at"))

    class Meta:
        model = Module
        fields = ("track", "skill", "level", "q", "status")

    def filter_skill(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        skills = self.filters["skill"].matches(value)
        return queryset.filter(Exists(Module.skills.through.objects.filter(module=OuterRef("pk"), skill__in=skills)))
