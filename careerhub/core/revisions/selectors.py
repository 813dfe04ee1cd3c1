"""Reads of revisions: an object's list, and the editors' home panels (one query each)."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import Revision, RevisionState
from .permissions import can_publish

PENDING = (RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.SENT_BACK)


def _rows() -> QuerySet[Revision]:
    return Revision.objects.select_related("content_type", "created_by", "reviewed_by", "scheduled_by")


def revisions_of(instance: models.Model) -> QuerySet[Revision]:
    """The revisions of one object, newest first, with their authors and reviewers."""
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return _rows().filter(content_type=content_type, object_id=instance.pk).order_by("-number")


def revisions_drafts_of(user: Any) -> QuerySet[Revision]:
    """The user's drafts not yet published: saved, waiting for review or sent back to them, newest first."""
    return _rows().filter(created_by=user, state__in=PENDING).order_by("-created_at")


def revisions_waiting_review(user: Any) -> QuerySet[Revision]:
    """Revisions submitted for review, oldest first, for a user who may publish (nothing for others)."""
    if not can_publish(user):
        return Revision.objects.none()
    return _rows().filter(state=RevisionState.SUBMITTED).order_by("submitted_at", "pk")


def revisions_scheduled() -> QuerySet[Revision]:
    """Revisions with a publish or unpublish time still to come, the soonest first."""
    waiting_publish = models.Q(publish_at__isnull=False, state__in=PENDING)
    waiting_unpublish = models.Q(unpublish_at__isnull=False, unpublished_at__isnull=True)
    return (
        _rows()
        .filter(waiting_publish | waiting_unpublish)
        .annotate(next_at=models.functions.Coalesce("publish_at", "unpublish_at"))
        .order_by("next_at", "pk")
    )


def revision_continued_by(instance: models.Model, *, user: Any) -> Revision | None:
    """The user's newest draft of ``instance`` still to be worked on (a draft or one sent back), if any."""
    states = (RevisionState.DRAFT, RevisionState.SENT_BACK)
    return revisions_of(instance).filter(created_by=user, state__in=states).first()
