"""Who hires: employer segments and what each of them really hires for."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse

from careerhub.core.editorial import EditorialModel
from careerhub.core.fields import StringListField

# Paths under /segments/ that are pages of their own, so no segment may take them as its slug.
RESERVED_SLUGS = {"compare"}


def next_display_order() -> int:
    """One past the highest display order: a new segment is listed last unless an editor says otherwise."""
    top = Segment.objects.aggregate(top=Max("display_order"))["top"]
    return 0 if top is None else min(top + 1, 32767)


class Segment(EditorialModel):
    """A group of employers that hire for the same things (big tech, financial services, ...).

    The editorial fields answer the questions a learner brings: what does this segment
    optimise for, what does it look for, and where do candidates get tripped up.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(help_text="Who these employers are and why they hire for MLOps.")
    optimises_for = models.TextField("optimises for", blank=True)
    looks_for = StringListField(help_text="What they look for, one item per line.")
    pitfalls = models.TextField("where candidates get tripped up", blank=True)
    sample_employers = StringListField(help_text="Named employers or kinds of employer, one per line.")
    focus_areas = StringListField(help_text="What these employers emphasise, one per line.")
    display_order = models.PositiveSmallIntegerField(
        default=next_display_order, help_text="Lower numbers are listed first; a new segment is listed last."
    )

    class Meta(EditorialModel.Meta):
        ordering = ["display_order", "name"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.CheckConstraint(condition=~Q(name=""), name="segment_name_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="segment_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the address of another page: choose another slug."})

    def get_absolute_url(self) -> str:
        return reverse("segments:detail", kwargs={"slug": self.slug})
