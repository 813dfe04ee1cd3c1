"""How tracks and modules look in the API, and what editors may send to create or change them."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
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
from careerhub.core.fields import MAX_ITEM_LENGTH, MAX_LIST_ITEMS
from careerhub.core.markdown import render_markdown
from postings.models import Skill
from segments.models import Segment

from ..models import MAX_HOURS, Exercise, Level, Module, Resource, SelfCheckQuestion, Track


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


HOURS = {"max_digits": 4, "decimal_places": 1, "coerce_to_string": False}
SUMMED_HOURS = HOURS | {"max_digits": 7}  # a track's modules, or a path's tracks, together


class ResourceSerializer(serializers.ModelSerializer):
    """Something to read, watch or work through for a module."""

    class Meta:
        model = Resource
        fields = ("title", "url", "kind", "free", "minutes", "note")
        read_only_fields = fields

    def to_representation(self, instance: Resource) -> dict:
        return _resource(instance)


class ExerciseSerializer(serializers.ModelSerializer):
    """A piece of work for a module, with the criteria that say it is done."""

    acceptance_criteria = serializers.ListField(child=serializers.CharField(), read_only=True)
    hours = serializers.DecimalField(**HOURS, read_only=True, allow_null=True)

    class Meta:
        model = Exercise
        fields = ("title", "brief", "acceptance_criteria", "hours")
        read_only_fields = fields

    def to_representation(self, instance: Exercise) -> dict:
        return _exercise(instance)


class SelfCheckSerializer(serializers.ModelSerializer):
    """A question to check one's understanding of a module, with its answer."""

    class Meta:
        model = SelfCheckQuestion
        fields = ("question", "answer")
        read_only_fields = fields

    def to_representation(self, instance: SelfCheckQuestion) -> dict:
        return _self_check(instance)


@extend_schema_field({"type": "string", "example": "mlops-engineer/containers"})
class ModuleReferenceField(serializers.Field):
    """A module as ``track-slug/module-slug``: read from a module, written as a reference to an existing one."""

    default_error_messages = {
        "invalid": "Expected a module as “track-slug/module-slug”.",
        "does_not_exist": "No module {reference}.",
    }

    def to_representation(self, value: Module) -> str:
        return module_reference(value)

    def to_internal_value(self, data) -> Module:
        if not isinstance(data, str) or data.count("/") != 1:
            self.fail("invalid")
        track_slug, slug = data.split("/")
        module = Module.objects.filter(track__slug=track_slug, slug=slug).select_related("track").first()
        if module is None:
            self.fail("does_not_exist", reference=data[:200])
        return module


def module_reference(module: Module) -> str:
    return f"{module.track.slug}/{module.slug}"


def _resource(resource: Resource) -> dict:
    return {
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "free": resource.free,
        "minutes": resource.minutes,
        "note": resource.note,
    }


def _exercise(exercise: Exercise) -> dict:
    return {
        "title": exercise.title,
        "brief": exercise.brief,
        "acceptance_criteria": exercise.acceptance_criteria,
        "hours": exercise.hours,
    }


def _self_check(question: SelfCheckQuestion) -> dict:
    return {"question": question.question, "answer": question.answer}


class ModuleSerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A module of a track: what a learner will be able to do, its text (Markdown, and as sanitised HTML),
    resources, exercises, self-check questions, the modules to know first and the skills it teaches."""

    track = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    outcomes = serializers.ListField(child=serializers.CharField(), read_only=True)
    body = serializers.CharField(read_only=True, help_text="The teaching text, in Markdown (CommonMark, tables).")
    body_html = serializers.CharField(read_only=True, help_text="The body rendered to sanitised HTML.")
    hours = serializers.DecimalField(**HOURS, read_only=True, allow_null=True)
    skills = TaughtSkillSerializer(source="taught_skills", many=True, read_only=True)
    resources = ResourceSerializer(many=True, read_only=True)
    exercises = ExerciseSerializer(many=True, read_only=True)
    self_check = SelfCheckSerializer(source="self_check_questions", many=True, read_only=True)
    prerequisites = serializers.ListField(child=ModuleReferenceField(), source="prerequisite_list", read_only=True)

    class Meta:
        model = Module
        fields = (
            "id",
            "track",
            "order",
            "slug",
            "title",
            "summary",
            "outcomes",
            "body",
            "body_html",
            "hours",
            "skills",
            "resources",
            "exercises",
            "self_check",
            "prerequisites",
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
    "outcomes": lambda m: m.outcomes,
    "body": lambda m: m.body,
    "body_html": lambda m: str(m.body_html),
    "hours": lambda m: m.hours,
    "skills": lambda m: [_taught(skill) for skill in m.taught_skills],
    "resources": lambda m: [_resource(resource) for resource in m.resources.all()],
    "exercises": lambda m: [_exercise(exercise) for exercise in m.exercises.all()],
    "self_check": lambda m: [_self_check(question) for question in m.self_check_questions.all()],
    "prerequisites": lambda m: [module_reference(module) for module in m.prerequisite_list],
    "status": lambda m: m.status,
    "published_at": lambda m: when(m.published_at),
    "updated_at": lambda m: when(m.updated_at),
    "version": lambda m: m.version,
}
ModuleSerializer.readers = MODULE_READERS
# The same fields from a row of ``module_rows`` with its lists (skills, resources, exercises, self_check,
# prerequisites) added by the view, each already as the API writes it.
ModuleSerializer.row_readers = plain_row_readers(ModuleSerializer.Meta.fields, dates=("published_at", "updated_at")) | {
    "track": lambda r: r["track__slug"],
    "body_html": lambda r: str(render_markdown(r["body"])),
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
            "version",
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
    "version": lambda t: t.version,
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
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class ModuleWriteSerializer(StrictSerializer):
    """What an editor sends to create a module (or some of it, to change one). Its resources, exercises
    and self-check questions are edited in the admin."""

    track = serializers.SlugRelatedField(slug_field="slug", queryset=Track.objects.all())
    order = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        help_text="Position in the track (the others make room); default: last.",
    )
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80)
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    outcomes = serializers.ListField(
        child=serializers.CharField(max_length=MAX_ITEM_LENGTH), max_length=MAX_LIST_ITEMS, required=False
    )
    body = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    hours = serializers.DecimalField(
        **HOURS, min_value=Decimal("0.1"), max_value=MAX_HOURS, required=False, allow_null=True
    )
    skills = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all(), many=True, required=False)
    prerequisites = serializers.ListField(child=ModuleReferenceField(), max_length=100, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


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
    hours = serializers.DecimalField(
        **SUMMED_HOURS,
        allow_null=True,
        help_text="Estimated hours of the track's published modules, summed; null when none has an estimate.",
    )
    path_hours = serializers.DecimalField(
        **SUMMED_HOURS,
        allow_null=True,
        help_text="Estimated hours along the path: this track's with those of every track before it (ancestors); "
        "null when none of them has an estimate.",
    )


class PathEdgeSerializer(serializers.Serializer):
    """A link of the path: ``track`` comes after ``prerequisite``."""

    prerequisite = serializers.CharField(source="prerequisite.slug")
    track = serializers.CharField(source="track.slug")


class LearningPathSerializer(serializers.Serializer):
    """The learning path: tracks in order (nodes) and their prerequisite links (edges)."""

    nodes = PathNodeSerializer(source="steps", many=True)
    edges = PathEdgeSerializer(many=True)
