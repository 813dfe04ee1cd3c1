"""Editorial state shared by every curated model: draft, published, archived.

Only published content is ever public. ``published_at`` records when an item was
first published; a check constraint keeps it set for published items. ``version`` counts the saves
of an item: every save through the services moves it on by one, so an edit based on an older version
is detected and refused instead of silently overwriting what was saved meanwhile
(docs/decisions/0010-edit-versions.md).
"""

import datetime

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from simple_history.models import HistoricalRecords


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class EditorialQuerySet(models.QuerySet):
    def published(self) -> "EditorialQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def drafts(self) -> "EditorialQuerySet":
        return self.filter(status=Status.DRAFT)

    def last_changed_by(self, user_id: int) -> "EditorialQuerySet":
        """Rows whose latest history entry was saved by the user ``user_id``: one correlated subquery, so a
        list of them costs one query however long it is."""
        history = self.model.history.model
        latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        return self.annotate(last_changed_by=Subquery(latest.values("history_user_id")[:1])).filter(
            last_changed_by=user_id
        )

    def published_since(self, moment: datetime.datetime) -> "EditorialQuerySet":
        """Published rows first published at or after ``moment``."""
        return self.published().filter(published_at__gte=moment)

    def unchanged_since(self, moment: datetime.datetime) -> "EditorialQuerySet":
        """Published rows nobody has saved since before ``moment``: content due for a review."""
        return self.published().filter(updated_at__lt=moment)


class EditorialModel(models.Model):
    """Abstract base for curated content: status, publication time, timestamps and history."""

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moved on by ``careerhub.core.services.validated_save`` (compare and set): the API's ETag and the
    # admin's hidden field carry it, and a write based on another version is refused.
    version = models.PositiveIntegerField(default=1, editable=False, help_text="How many times it was saved.")

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

