"""What we teach: curriculum tracks and their modules, each module teaching skills."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from careerhub.core.editorial import EditorialModel
from careerhub.core.fields import StringListField
from careerhub.core.markdown import render_markdown
from postings.models import Skill
from segments.models import Segment


class Level(models.TextChoices):
    ENGINEER = "engineer", "Engineer"
    SENIOR = "senior", "Senior engineer"
    PLATFORM = "platform", "Platform engineer"
    ARCHITECT = "architect", "Architect / principal"
    LLMOPS = "llmops", "LLMOps"


def next_display_order() -> int:
    """One past the highest display order: a new track is listed last unless an editor says otherwise."""
    top = Track.objects.aggregate(top=Max("display_order"))["top"]
    return 0 if top is None else min(top + 1, 32767)


class Track(EditorialModel):
    """A curriculum track for one career level, aimed at one or more employer segments, taken after its
    prerequisite tracks on the learning path."""

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    level = models.CharField(max_length=16, choices=Level.choices, db_index=True)
    summary = models.TextField()
    segments = models.ManyToManyField(
        Segment, related_name="tracks", blank=True, help_text="The employer segments this track prepares for."
    )
    display_order = models.PositiveSmallIntegerField(
        default=next_display_order, help_text="Lower numbers are listed first; a new track is listed last."
    )
    # The learning path: what a learner takes before this track (``curriculum.path`` orders it; the
    # services refuse a cycle). Coverage counts what these tracks teach as taught (docs/coverage.md).
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="next_tracks",
        blank=True,
        help_text="The tracks a learner takes before this one; their teaching is not repeated here.",
    )

    # Read by django-simple-history: record the target segments and prerequisites with every version.
    _history_m2m_fields = ["segments", "prerequisites"]

    class Meta(EditorialModel.Meta):
        ordering = ["display_order", "title"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.CheckConstraint(condition=Q(level__in=Level.values), name="track_level_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="track_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:track-detail", kwargs={"slug": self.slug})


MAX_HOURS = Decimal(200)


def hours_field(help_text: str) -> models.DecimalField:
    """Estimated hours, to the half hour or so: optional, more than 0 and at most ``MAX_HOURS``."""
    return models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_HOURS)],
        help_text=help_text,
    )


def hours_range(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(hours__isnull=True) | Q(hours__gt=0, hours__lte=MAX_HOURS), name=f"{prefix}_hours_in_range"
    )


def order_field() -> models.PositiveSmallIntegerField:
    # Blank in forms: the services put a row without a position last.
    return models.PositiveSmallIntegerField(blank=True, help_text="Position, from 1; leave empty to add it last.")


class Module(EditorialModel):
    """One unit of a track, in order, teaching a set of skills: what a learner will be able to do, the
    teaching text (Markdown), resources, exercises and self-check questions, and the modules to know first.

    A module is public only when both it and its track are published. Its position is unique in its track;
    the services keep a track's modules numbered 1..n (``module_move``).
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(
        blank=True, help_text="Position in the track, from 1; leave empty to add the module last."
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    summary = models.TextField(blank=True)
    outcomes = StringListField(
        help_text="What a learner will be able to do afterwards, one per line, each completing "
        "“You will be able to …” (start with a verb, no full stop)."
    )
    body = models.TextField(blank=True, help_text="The teaching text, in Markdown (CommonMark, with tables).")
    hours = hours_field("Estimated hours of study, exercises included.")
    skills = models.ManyToManyField(Skill, related_name="modules", blank=True)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="required_by",
        blank=True,
        help_text="Modules to know first, in this track or another.",
    )

    # Read by django-simple-history: record the taught skills and the prerequisites with every version.
    _history_m2m_fields = ["skills", "prerequisites"]

    # The one visibility rule (careerhub.core.visibility.public_q): a module is shown under its track,
    # public only while that is.
    public_parents = ("track",)

    class Meta(EditorialModel.Meta):
        ordering = ["track", "order", "id"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.UniqueConstraint(fields=["track", "slug"], name="module_slug_unique_in_track"),
            models.UniqueConstraint(fields=["track", "order"], name="module_order_unique_in_track"),
            models.CheckConstraint(condition=Q(order__gte=1), name="module_order_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="module_title_not_empty"),
            hours_range("module"),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.order}. {self.title}" if self.track_id else self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:module-detail", kwargs={"track_slug": self.track.slug, "slug": self.slug})

    @property
    def body_html(self):
        """The body rendered to safe HTML."""
        return render_markdown(self.body)


class ResourceKind(models.TextChoices):
    DOCUMENTATION = "documentation", "Documentation"
    COURSE = "course", "Course"
    BOOK = "book", "Book"
    ARTICLE = "article", "Article"
    VIDEO = "video", "Video"
    REPOSITORY = "repository", "Repository"
    PAPER = "paper", "Paper"


class Resource(models.Model):
    """Something to read, watch or work through for a module (a page elsewhere), in the module's order.

    Public with its module; ``check_links`` tells editors when its address stops answering.
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="resources")
    order = order_field()
    title = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    kind = models.CharField(max_length=16, choices=ResourceKind.choices)
    free = models.BooleanField(default=True, help_text="Free to use (untick when it costs money).")
    minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="About how long it takes, in minutes.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Optional: what to read in it, or why.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ResourceKind.values), name="resource_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="resource_title_not_empty"),
            models.CheckConstraint(condition=Q(order__gte=1), name="resource_order_positive"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=True) | Q(minutes__gte=1, minutes__lte=10_000),
                name="resource_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Exercise(models.Model):
    """A piece of work that practises a module's skills, with the criteria that say it is done."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="exercises")
    order = order_field()
    title = models.CharField(max_length=200)
    brief = models.TextField(help_text="What to do.")
    acceptance_criteria = StringListField(help_text="How to tell it is done, one criterion per line.")
    hours = hours_field("Estimated hours.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="exercise_title_not_empty"),
            models.CheckConstraint(condition=Q(order__gte=1), name="exercise_order_positive"),
            hours_range("exercise"),
        ]

    def __str__(self) -> str:
        return self.title


class SelfCheckQuestion(models.Model):
    """A question a learner answers to check their understanding of a module, with its answer."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="self_check_questions")
    order = order_field()
    question = models.TextField()
    answer = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "order", "id"]
        verbose_name = "self-check question"
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="self_check_question_not_empty"),
            models.CheckConstraint(condition=Q(order__gte=1), name="self_check_order_positive"),
        ]

    def __str__(self) -> str:
        return self.question[:80]


# Coverage lives in its own subpackage; importing it here registers its models with the app.
from .coverage.models import CoverageHistory, CoverageMark, SegmentCoverage, TrackCoverage  # noqa: E402

__all__ = [
    "CoverageHistory",
    "CoverageMark",
    "Exercise",
    "Level",
    "Module",
    "Resource",
    "ResourceKind",
    "SegmentCoverage",
    "SelfCheckQuestion",
    "Track",
    "TrackCoverage",
]
