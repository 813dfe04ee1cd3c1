"""How tracks and modules look in the API, and what editors may send to create or change them."""

from rest_framework import serializers

from careerhub.core.api.views import FieldsOnceMixin, RowReadersMixin, StrictSerializer, plain_row_readers, when
from careerhub.core.editorial import Status
from postings.models import Skill
from segments.models import Segment

from ..models import Level, Module, Track


class TaughtSkillSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.slug", read_only=True)

    class Meta:
        model = Skill
        fields = ("slug", "name", "category")
        read_only_fields = fields

    def to_representation(self, instance: Skill) -> dict:
        return _taught(instance)  # the generic field-by-field path, written out


def _taught(skill: Skill) -> dict:
    return {"slug": skill.slug, "name": skill.name, "category": skill.category.slug}


class ModuleSerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A module of a track and the skills it teaches."""

    track = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    skills = TaughtSkillSerializer(source="taught_skills", many=True, read_only=True)

    class Meta:
        model = Module
        fields = (
            "id",
            "track",
            "order",
            "slug",
            "title",
            "summary",
            "body",
            "skills",
            "status",
            "published_at",
            "updated_at",
        )
        read_only_fields = fields


MODULE_READERS = {
    "id": lambda m: m.id,
    "track": lambda m: m.track.slug,
    "order": lambda m: m.order,
    "slug": lambda m: m.slug,
    "title": lambda m: m.title,
    "summary": lambda m: m.summary,
    "body": lambda m: m.body,
    "skills": lambda m: [_taught(skill) for skill in m.taught_skills],
    "status": lambda m: m.status,
    "published_at": lambda m: when(m.published_at),
    "updated_at": lambda m: when(m.updated_at),
}
ModuleSerializer.readers = MODULE_READERS
# The same fields from a row of ``module_rows`` with ``skills`` added by the view.
ModuleSerializer.row_readers = plain_row_readers(ModuleSerializer.Meta.fields, dates=("published_at", "updated_at")) | {
    "track": lambda r: r["track__slug"],
}


class TrackModuleSerializer(ModuleSerializer):
    skills = TaughtSkillSerializer(many=True, read_only=True)  # prefetched by ``track_list_with_modules``
    readers = MODULE_READERS | {"skills": lambda m: [_taught(skill) for skill in m.skills.all()]}

    class Meta(ModuleSerializer.Meta):
        fields = ("id", "order", "slug", "title", "summary", "body", "skills")
        read_only_fields = fields


class TrackSerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A track, the segments it prepares for and the tracks to take before it; its modules are listed on the
    track's own page."""

    segments = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    prerequisites = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="The tracks to take before this one (slugs)."
    )

    class Meta:
        model = Track
        fields = (
            "slug",
            "title",
            "level",
            "summary",
            "segments",
            "prerequisites",
            "display_order",
            "status",
            "published_at",
            "updated_at",
        )
        read_only_fields = fields


TrackSerializer.readers = {
    "slug": lambda t: t.slug,
    "title": lambda t: t.title,
    "level": lambda t: t.level,
    "summary": lambda t: t.summary,
    "segments": lambda t: [segment.slug for segment in t.segments.all()],
    "prerequisites": lambda t: [track.slug for track in t.prerequisites.all()],
    "display_order": lambda t: t.display_order,
    "status": lambda t: t.status,
    "published_at": lambda t: when(t.published_at),
    "updated_at": lambda t: when(t.updated_at),
}


# The same fields from a row of ``track_rows`` with ``segments`` and ``prerequisites`` added by the view.
TrackSerializer.row_readers = plain_row_readers(TrackSerializer.Meta.fields, dates=("published_at", "updated_at"))


class TrackDetailSerializer(TrackSerializer):
    """A track with its modules in order and the skills each teaches."""

    readers = row_readers = None  # one track a request: DRF's path

    modules = TrackModuleSerializer(many=True, read_only=True)

    class Meta(TrackSerializer.Meta):
        fields = (*TrackSerializer.Meta.fields, "modules")
        read_only_fields = fields


class TrackWriteSerializer(StrictSerializer):
    """What an editor sends to create a track (or some of it, to change one)."""

    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80)
    level = serializers.ChoiceField(choices=Level.choices)
    summary = serializers.CharField(max_length=20_000)
    segments = serializers.SlugRelatedField(
        slug_field="slug", queryset=Segment.objects.all(), many=True, required=False
    )
    # Checked by the service: not the track itself, and no cycle.
    prerequisites = serializers.SlugRelatedField(
        slug_field="slug", queryset=Track.objects.all(), many=True, required=False
    )
    display_order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class ModuleWriteSerializer(StrictSerializer):
    """What an editor sends to create a module (or some of it, to change one)."""

    track = serializers.SlugRelatedField(slug_field="slug", queryset=Track.objects.all())
    order = serializers.IntegerField(min_value=1, max_value=32767)
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80)
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    skills = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all(), many=True, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class SlugListField(serializers.ListField):
    """The slugs of a list of tracks, as a list of strings."""

    child = serializers.CharField()

    def to_representation(self, data):
        return [item.slug for item in data]


class PathNodeSerializer(serializers.Serializer):
    """A track on the learning path (a ``PathStep``)."""

    position = serializers.IntegerField(help_text="Its place on the path, from 1.")
    slug = serializers.CharField(source="track.slug")
    title = serializers.CharField(source="track.title")
    level = serializers.CharField(source="track.level")
    depth = serializers.IntegerField(help_text="0 without a prerequisite, else 1 + its deepest prerequisite's depth.")
    prerequisites = SlugListField(help_text="The tracks to take just before this one (slugs).")
    ancestors = SlugListField(help_text="Every track before this one on the path, in path order (slugs).")
    coverage = serializers.FloatField(
        source="track.path_coverage",
        allow_null=True,
        help_text="Cumulative coverage (this track with the tracks before it): the mean over its segments with "
        "demand; null until computed or without demand.",
    )


class PathEdgeSerializer(serializers.Serializer):
    """A link of the path: ``track`` comes after ``prerequisite``."""

    prerequisite = serializers.CharField(source="prerequisite.slug")
    track = serializers.CharField(source="track.slug")


class LearningPathSerializer(serializers.Serializer):
    """The learning path: tracks in order (nodes) and their prerequisite links (edges)."""

    nodes = PathNodeSerializer(source="steps", many=True)
    edges = PathEdgeSerializer(many=True)
