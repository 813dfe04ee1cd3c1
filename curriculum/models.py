"""What we teach: curriculum tracks and their modules, each module teaching skills."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from careerhub.core.editorial import EditorialModel
from postings.models import Skill
from segments.models import Segment


class Level(models.TextChoices):
    ENGINEER = "engineer", "Engineer"
    SENIOR = "senior", "Senior engineer"
    PLATFORM = "platform", "Platform engineer"
    ARCHITECT = "architect", "Architect / principal"
    LLMOPS = "llmops", "LLMOps"


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
    display_order = models.PositiveSmallIntegerField(default=0)
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


class Module(EditorialModel):
    """One unit of a track, in order, teaching a set of skills.

    A module is public only when both it and its track are published.
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(default=1, help_text="Position in the track, from 1.")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    skills = models.ManyToManyField(Skill, related_name="modules", blank=True)

    # Read by django-simple-history: record the taught skills with every version.
    _history_m2m_fields = ["skills"]

    class Meta(EditorialModel.Meta):
        ordering = ["track", "order", "id"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.UniqueConstraint(fields=["track", "slug"], name="module_slug_unique_in_track"),
            models.CheckConstraint(condition=Q(order__gte=1), name="module_order_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="module_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.order}. {self.title}" if self.track_id else self.title

    def get_absolute_url(self) -> str:
        return reverse("curriculum:module-detail", kwargs={"track_slug": self.track.slug, "slug": self.slug})


# Coverage lives in its own subpackage; importing it here registers its models with the app.
from .coverage.models import CoverageHistory, CoverageMark, SegmentCoverage, TrackCoverage  # noqa: E402

__all__ = ["CoverageHistory", "CoverageMark", "Level", "Module", "SegmentCoverage", "Track", "TrackCoverage"]
