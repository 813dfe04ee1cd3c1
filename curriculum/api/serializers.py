"""How tracks and modules look in the API, and what editors may send to create or change them."""

from rest_framework import serializers

from careerhub.core.api.views import StrictSerializer
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
        # The generic field-by-field path, written out: a page of modules shows hundreds of these.
        return {"slug": instance.slug, "name": instance.name, "category": instance.category.slug}


class ModuleSerializer(serializers.ModelSerializer):
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


class TrackModuleSerializer(ModuleSerializer):
    skills = TaughtSkillSerializer(many=True, read_only=True)  # prefetched by ``track_list_with_modules``

    class Meta(ModuleSerializer.Meta):
        fields = ("id", "order", "slug", "title", "summary", "body", "skills")
        read_only_fields = fields


class TrackSerializer(serializers.ModelSerializer):
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
        )
        read_only_fields = fields


class TrackDetailSerializer(TrackSerializer):
    """A track with its modules in order and the skills each teaches."""

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
