"""The coverage endpoints: ``/api/v1/coverage/`` (every track per segment, filtered) and
``/api/v1/tracks/{slug}/coverage/`` (one track's whole coverage). Read-only; published content only,
unless the user may view drafts (``curriculum.view_track``)."""

from django.http import Http404
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from careerhub.core.api.cache import public_cache
from careerhub.core.api.views import CountingPaginator
from careerhub.core.visibility import can_see_drafts

from ..models import Track
from .filters import SegmentCoverageFilter
from .selectors import coverage_list, segment_figures, skills_of, track_coverage_detail


def _can_see_drafts(request) -> bool:
    return can_see_drafts(request, "curriculum", "track")


class CoverageGapSerializer(serializers.Serializer):
    """A top skill of the segment that the track does not teach."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    trend = serializers.CharField()
    rising = serializers.BooleanField()


class CoverageSurplusSerializer(serializers.Serializer):
    """A taught skill the segment rarely asks for."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CoverageSegmentSerializer(serializers.Serializer):
    """A track's coverage of one segment (empty ``coverage``: no postings in the window)."""

    segment = serializers.CharField(source="segment.slug")
    segment_name = serializers.CharField(source="segment.name")
    coverage = serializers.FloatField(allow_null=True)
    postings = serializers.IntegerField()
    few_postings = serializers.BooleanField()
    demand_skills = serializers.IntegerField()
    taught_demand_skills = serializers.IntegerField()
    gaps = CoverageGapSerializer(many=True)
    surplus = CoverageSurplusSerializer(many=True)


class CoverageRowSerializer(CoverageSegmentSerializer):
    """One row of ``/coverage/``: a track against one segment."""

    track = serializers.CharField()
    track_title = serializers.CharField()
    level = serializers.CharField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField()


class CoverageDemandSerializer(serializers.Serializer):
    """The demand snapshot a result was computed from."""

    as_of = serializers.DateField()
    window_months = serializers.IntegerField()
    top_n = serializers.IntegerField()
    computed_at = serializers.DateTimeField(allow_null=True)
    taxonomy_version = serializers.CharField()
    extractor_version = serializers.CharField()
    digest = serializers.CharField()


class CoverageAcrossSerializer(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    tracks = serializers.ListField(child=serializers.CharField())


class CoverageWithinSerializer(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    modules = serializers.ListField(child=serializers.CharField())


class CoverageDuplicatesSerializer(serializers.Serializer):
    across_tracks = CoverageAcrossSerializer(many=True)
    within_track = CoverageWithinSerializer(many=True)


class CoverageEvidenceSerializer(serializers.Serializer):
    segment = serializers.CharField()
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class CoverageModuleSkillSerializer(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    demand = CoverageEvidenceSerializer(many=True)


class CoverageModuleSerializer(serializers.Serializer):
    module = serializers.CharField()
    title = serializers.CharField()
    skills = CoverageModuleSkillSerializer(many=True)


class CoverageHistorySerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    segment = serializers.CharField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)
    as_of = serializers.DateField()


class TrackCoverageSerializer(serializers.Serializer):
    """One track's coverage; ``computed`` is false (and the figures empty) until it is first computed."""

    track = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    computed = serializers.BooleanField()
    pending = serializers.BooleanField()
    coverage = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    demand = CoverageDemandSerializer(allow_null=True)
    curriculum_digest = serializers.CharField()
    taught_skills = serializers.IntegerField()
    segments = CoverageSegmentSerializer(many=True)
    duplicates = CoverageDuplicatesSerializer()
    modules = CoverageModuleSerializer(many=True)
    history = CoverageHistorySerializer(many=True)


class CoveragePagination(PageNumberPagination):
    django_paginator_class = CountingPaginator
    page_size = 100


class CoverageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every track's coverage of each segment it targets, with its gaps; filter by ``segment``, ``level``, ``track``.

    Public answers may be kept by the API's answer cache: every coverage recompute says it changed content.
    """

    serializer_class = CoverageRowSerializer
    filterset_class = SegmentCoverageFilter
    pagination_class = CoveragePagination

    @classmethod
    def as_view(cls, *args, **kwargs):
        return public_cache(super().as_view(*args, **kwargs))

    def get_queryset(self):
        return coverage_list(include_unpublished=_can_see_drafts(self.request))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        skills = skills_of(page, include_unpublished=_can_see_drafts(request))
        return self.get_paginated_response([coverage_row(row, segment_figures(row, skills)) for row in page])


_datetime = serializers.DateTimeField()


def coverage_row(row, figures) -> dict:
    """One row of ``/coverage/`` as ``CoverageRowSerializer`` writes it (a test compares them), built directly:
    a page of 100 rows with their gaps is thousands of fields, which DRF's field-by-field path made the
    slowest list of the API."""
    track, coverage = row.track_coverage.track, row.track_coverage
    return {
        "segment": figures.segment.slug,
        "segment_name": figures.segment.name,
        "coverage": None if figures.coverage is None else float(figures.coverage),
        "postings": figures.postings,
        "few_postings": figures.few_postings,
        "demand_skills": figures.demand_skills,
        "taught_demand_skills": figures.taught_demand_skills,
        "gaps": [
            {"skill": gap.skill.slug, "name": gap.skill.name, "postings": gap.postings,
             "share": None if gap.share is None else float(gap.share), "rank": gap.rank, "trend": str(gap.trend),
             "rising": gap.rising}
            for gap in figures.gaps
        ],
        "surplus": [
            {"skill": item.skill.slug, "name": item.skill.name, "postings": item.postings,
             "share": None if item.share is None else float(item.share)}
            for item in figures.surplus
        ],
        "track": track.slug,
        "track_title": track.title,
        "level": track.level,
        "as_of": coverage.as_of.isoformat(),
        "computed_at": _datetime.to_representation(coverage.computed_at),
    }


class TrackCoverageView(generics.GenericAPIView):
    """One track's coverage: per segment with gaps and surplus, duplication, each module's evidence, history."""

    serializer_class = TrackCoverageSerializer
    queryset = Track.objects.none()  # describes the path's ``slug``; the track is read in ``get``
    lookup_field = "slug"
    pagination_class = None
    filter_backends = ()

    def get(self, request, slug: str):
        drafts = _can_see_drafts(request)
        tracks = Track.objects.filter(slug=slug)
        track = (tracks if drafts else tracks.published()).first()
        if track is None:
            raise Http404("No such track.")
        detail = track_coverage_detail(track=track, include_unpublished=drafts)
        coverage = detail.coverage
        body = {
            "track": track.slug,
            "title": track.title,
            "level": track.level,
            "computed": coverage is not None,
            "pending": detail.pending,
            "coverage": None,
            "computed_at": None,
            "demand": None,
            "curriculum_digest": "",
            "taught_skills": 0,
            "segments": [],
            "duplicates": {"across_tracks": [], "within_track": []},
            "modules": [],
            "history": [],
        }
        if coverage is not None:
            body.update(
                {
                    "coverage": coverage.coverage,
                    "computed_at": coverage.computed_at,
                    "demand": {
                        "as_of": coverage.as_of,
                        "window_months": coverage.window_months,
                        "top_n": coverage.top_n,
                        "computed_at": coverage.demand_computed_at,
                        "taxonomy_version": coverage.taxonomy_version,
                        "extractor_version": coverage.extractor_version,
                        "digest": coverage.demand_digest,
                    },
                    "curriculum_digest": coverage.curriculum_digest,
                    "taught_skills": coverage.taught_skills,
                    "segments": [_segment(figures) for figures in detail.segments],
                    "duplicates": {
                        "across_tracks": [
                            {"skill": skill.slug, "name": skill.name, "tracks": [t.slug for t in tracks]}
                            for skill, tracks in detail.across
                        ],
                        "within_track": [
                            {"skill": skill.slug, "name": skill.name, "modules": [m.slug for m in modules]}
                            for skill, modules in detail.within
                        ],
                    },
                    "modules": [
                        {
                            "module": module.slug,
                            "title": module.title,
                            "skills": [
                                {
                                    "skill": skill.slug,
                                    "name": skill.name,
                                    "demand": [
                                        {"segment": segment.slug, "postings": postings, "share": share, "rank": rank}
                                        for segment, postings, share, rank in demand
                                    ],
                                }
                                for skill, demand in skills
                            ],
                        }
                        for module, skills in detail.modules
                    ],
                    "history": [
                        {
                            "computed_at": row.computed_at,
                            "segment": row.segment.slug if row.segment else None,
                            "coverage": row.coverage,
                            "as_of": row.as_of,
                        }
                        for row in detail.history
                    ],
                }
            )
        return Response(self.get_serializer(body).data)


def _segment(figures) -> dict:
    return {**vars(figures), "few_postings": figures.few_postings}
