"""Editorial state shared by every curated model: draft, published, archived.

Only published content is ever public. ``published_at`` records when an item was
first published; a check constraint keeps it set for published items.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class EditorialQuerySet(models.QuerySet):
    def published(self) -> "EditorialQuerySet":
        return self.filter(status=Status.PUBLISHED)


class EditorialModel(models.Model):
    """Abstract base for curated content: status, publication time, timestamps and history."""

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(inherit=True)

    objects = EditorialQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

