"""The revision model: one saved state of one editorial object, and where it stands in review."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q


class RevisionState(models.TextChoices):
    SAVED = "saved", "Saved"  # an unpublished object saved directly: the revision is what the row holds
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for review"
    SENT_BACK = "sent_back", "Sent back"
    PUBLISHED = "published", "Published"


class Revision(models.Model):
    """One saved state of a segment, track, module or skill: who saved it, when, why, and its review.

    ``snapshot`` holds every field an editor writes, the many-to-many links (ids with their names at the
    time) and the inline children (``careerhub.core.revisions.snapshots``). A revision of a published
    object is not live until it is published (now, or at ``publish_at`` by the beat task); the live row
    is what pages, the API, search and coverage read.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField(help_text="1, 2, 3… for each object.")
    object_label = models.CharField(max_length=300, help_text="The object's name when this revision was saved.")
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    based_on_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The live object's version this revision was made from: publishing it over a later one is refused.",
    )
    state = models.CharField(max_length=16, choices=RevisionState.choices, default=RevisionState.DRAFT)
    event = models.CharField(max_length=200, blank=True, help_text="What made it: “Saved”, “Reverted to revision 3”.")
    note = models.CharField("change note", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unpublish_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unpublished_at = models.DateTimeField(null=True, blank=True, help_text="When ``unpublish_at`` was carried out.")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "careerhub"
        ordering = ["content_type", "object_id", "-number"]
        permissions = [("publish_revision", "Can publish content, send it back, and schedule it")]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "number"], name="revision_number_unique"),
            models.CheckConstraint(condition=Q(state__in=RevisionState.values), name="revision_state_valid"),
            models.CheckConstraint(
                condition=Q(publish_at__isnull=True)
                | Q(unpublish_at__isnull=True)
                | Q(unpublish_at__gt=F("publish_at")),
                name="revision_unpublish_after_publish",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="revision_object")]

    def __str__(self) -> str:
        return f"{self.object_label}: revision {self.number}"

    @property
    def is_live_candidate(self) -> bool:
        """Whether it may still be published (not published already)."""
        return self.state in {RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.SENT_BACK}
