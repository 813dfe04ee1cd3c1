"""The coverage endpoints: ``/api/v1/coverage/`` (every track per segment, filtered) and
``/api/v1/tracks/{slug}/coverage/`` (one track's whole coverage). Read-only; published content only,
unless the user may view drafts (``curriculum.view_track``)."""

from operator import itemgetter

from django.http import Http404
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from careerhub.core.api.cache import public_cache
from careerhub.core.api.views import CountingPaginator, FieldsOnceMixin, RowReadersMixin, plain_row_readers, when
from careerhub.core.visibility import can_see_drafts
from postings.demand.tiers import TIERS, tier_thresholds

from ..models import Track
from .filters import SegmentCoverageFilter
from .selectors import coverage_list_rows, coverage_rows, track_coverage_detail


def _can_see_drafts(request) -> bool:
    return can_see_drafts(request, "curriculum", "track")


class VaryOnCredentialsMixin:
    """Editors and the public see different coverage for the same URL: caches must key on the credentials."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


class ReadableFieldsOnceMixin:
    """DRF's ``to_representation``, with the fields it writes listed once per serializer instead of per row.

    A page of coverage writes some 400 nested gaps and surplus skills, each through the same child
    serializer; DRF filters that child's fields anew for every one of them.
    """

    @cached_property
    def _readable_fields(self) -> tuple:
        return tuple(field for field in self.fields.values() if not field.write_only)


class CoverageGapSerializer(ReadableFieldsOnceMixin, serializers.Serializer):
    """A skill of the segment's tiers (core, distinguishing, rising) that the track does not teach."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    trend = serializers.CharField()
    rising = serializers.BooleanField()
    tiers = serializers.ListField(
        child=serializers.ChoiceField(choices=TIERS), help_text="Its tiers in the segment (GET /api/v1/demand/tiers/)."
    )


class CoverageSurplusSerializer(ReadableFieldsOnceMixin, serializers.Serializer):
    """A taught skill the segment rarely asks for."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CoverageSegmentSerializer(serializers.Serializer):
    """A track's coverage of one segment (empty ``coverage``: no postings in the window).

    ``coverage`` is cumulative: what a learner has been taught once they finish the track, with the tracks
    before it on the learning path; ``own_coverage`` is what the track's own modules teach. Gaps are the path's.
    """

    segment = serializers.CharField(source="segment.slug")
    segment_name = serializers.CharField(source="segment.name")
    coverage = serializers.FloatField(allow_null=True, help_text="Cumulative: the track with the tracks before it.")
    own_coverage = serializers.FloatField(allow_null=True, help_text="The track's own modules alone.")
    postings = serializers.IntegerField()
    few_postings = serializers.BooleanField()
    demand_skills = serializers.IntegerField()
    taught_demand_skills = serializers.IntegerField(help_text="Cumulative, as ``coverage``.")
    own_taught_demand_skills = serializers.IntegerField()
    gaps = CoverageGapSerializer(many=True)
    surplus = CoverageSurplusSerializer(many=True)


class CoverageRowSerializer(RowReadersMixin, FieldsOnceMixin, CoverageSegmentSerializer):
    """One row of ``/coverage/``: a track against one segment (its fields, nested ones included, built once)."""

    track = serializers.CharField(source="track_coverage.track.slug")
    track_title = serializers.CharField(source="track_coverage.track.title")
    level = serializers.CharField(source="track_coverage.track.level")
    as_of = serializers.DateField(source="track_coverage.as_of")
    computed_at = serializers.DateTimeField(source="track_coverage.computed_at")


# A page of coverage holds some 400 nested gaps and surplus skills: its plain rows (``coverage_rows``)
# already hold them as written, so each field is read as it is. tests/careerhub/test_api_rows.py checks
# that this writes what DRF's field-by-field path writes for the same rows.
CoverageRowSerializer.row_readers = plain_row_readers(
    (
        "coverage", "own_coverage", "postings", "few_postings", "demand_skills", "taught_demand_skills",
        "own_taught_demand_skills", "gaps", "surplus",
    ),
) | {
    "segment": itemgetter("segment__slug"),
    "segment_name": itemgetter("segment__name"),
    "track": itemgetter("track_coverage__track__slug"),
    "track_title": itemgetter("track_coverage__track__title"),
    "level": itemgetter("track_coverage__track__level"),
    "as_of": lambda row: row["track_coverage__as_of"].isoformat(),
    "computed_at": lambda row: when(row["track_coverage__computed_at"]),
}


class CoverageDemandSerializer(serializers.Serializer):
    """The demand snapshot a result was computed from."""

    as_of = serializers.DateField()
    window_months = serializers.IntegerField()
    tiers = serializers.SerializerMethodField(
        help_text="The numbers the segment's tiers, its demand, are decided by (docs/demand.md)."
    )
    computed_at = serializers.DateTimeField(source="demand_computed_at", allow_null=True)
    taxonomy_version = serializers.CharField()
    extractor_version = serializers.CharField()
    digest = serializers.CharField(source="demand_digest")


    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_tiers(self, coverage) -> dict:
        return tier_thresholds()

class SlugListField(serializers.ListField):
    """The slugs of a list of objects (tracks, modules), as a list of strings."""

    child = serializers.CharField()

    def to_representation(self, data):
        return [item.slug for item in data]


class CoverageAcrossSerializer(serializers.Serializer):
    """A taught skill that other published tracks of the level teach too."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    tracks = SlugListField()


class CoverageWithinSerializer(serializers.Serializer):
    """A skill taught by several modules of the track."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    modules = SlugListField()


class CoverageDuplicatesSerializer(serializers.Serializer):
    """Duplication across the tracks of the level, within the track, and after the tracks before it on the path."""

    across_tracks = CoverageAcrossSerializer(source="across", many=True)
    within_track = CoverageWithinSerializer(source="within", many=True)
    taught_before = CoverageAcrossSerializer(
        source="before", many=True, help_text="Skills the tracks before this one on the learning path teach already."
    )


class CoverageEvidenceSerializer(serializers.Serializer):
    """What one segment asks of a taught skill."""

    segment = serializers.CharField(source="segment.slug")
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class CoverageModuleSkillSerializer(serializers.Serializer):
    """A skill of a module with its demand per segment."""

    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    demand = CoverageEvidenceSerializer(many=True)


class CoverageModuleSerializer(serializers.Serializer):
    """A published module of the track with the demand behind its skills."""

    module = serializers.CharField(source="module.slug")
    title = serializers.CharField(source="module.title")
    skills = CoverageModuleSkillSerializer(many=True)


class CoverageHistorySerializer(serializers.Serializer):
    """A recorded change of the coverage; ``segment`` is null for the overall figure."""

    computed_at = serializers.DateTimeField()
    segment = serializers.CharField(source="segment.slug", allow_null=True)  # null through a missing segment
    coverage = serializers.FloatField(allow_null=True)
    as_of = serializers.DateField()


class TrackCoverageSerializer(serializers.Serializer):
    """One track's coverage; ``computed`` is false (and the figures empty) until it is first computed."""

    # Serializes a ``TrackCoverageDetail``. Before a first computation its stored result (``coverage``)
    # is None: the dotted sources below then give null (DRF's ``allow_null``), ``demand`` is null, and
    # the detail's own properties give the empty digest and count.
    track = serializers.CharField(source="track.slug")
    title = serializers.CharField(source="track.title")
    level = serializers.CharField(source="track.level")
    computed = serializers.BooleanField()
    pending = serializers.BooleanField()
    coverage = serializers.FloatField(
        source="coverage.coverage", allow_null=True, help_text="Cumulative: the mean over segments with demand."
    )
    own_coverage = serializers.FloatField(source="coverage.own_coverage", allow_null=True)
    path = SlugListField(help_text="The tracks before this one on the learning path whose teaching counts.")
    computed_at = serializers.DateTimeField(source="coverage.computed_at", allow_null=True)
    demand = CoverageDemandSerializer(source="coverage", allow_null=True)
    curriculum_digest = serializers.CharField()
    taught_skills = serializers.IntegerField()
    segments = CoverageSegmentSerializer(many=True)
    duplicates = CoverageDuplicatesSerializer(source="*")
    modules = CoverageModuleSerializer(many=True)
    history = CoverageHistorySerializer(many=True)


class CoveragePagination(PageNumberPagination):
    django_paginator_class = CountingPaginator
    page_size = 100


class CoverageViewSet(VaryOnCredentialsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
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
        return coverage_list_rows(include_unpublished=_can_see_drafts(self.request))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = coverage_rows(page, include_unpublished=_can_see_drafts(request))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class TrackCoverageView(VaryOnCredentialsMixin, generics.GenericAPIView):
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
        return Response(self.get_serializer(detail).data)
