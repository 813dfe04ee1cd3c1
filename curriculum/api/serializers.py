"""How tracks and modules look in the API, and what editors may send to create or change them."""

from rest_framework import serializers

from careerhub.core.api.views import (
    VERSION_HELP,
    FieldsOnceMixin,
    RowReadersMixin,
    StrictSerializer,
    plain_row_readers,
    when,
)
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
            "version",
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
    "version": lambda m: m.version,
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
    """A track, the segments it prepares for; its modules are listed on the track's own page."""

    segments = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Track
        fields = (
            "slug",
            "title",
            "level",
            "summary",
            "segments",
            "display_order",
            "status",
            "published_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields


TrackSerializer.readers = {
    "slug": lambda t: t.slug,
    "title": lambda t: t.title,
    "level": lambda t: t.level,
    "summary": lambda t: t.summary,
    "segments": lambda t: [segment.slug for segment in t.segments.all()],
    "display_order": lambda t: t.display_order,
    "status": lambda t: t.status,
    "published_at": lambda t: when(t.published_at),
    "updated_at": lambda t: when(t.updated_at),
    "version": lambda t: t.version,
}


# The same fields from a row of ``track_rows`` with ``segments`` added by the view.
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
    display_order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


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
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)
