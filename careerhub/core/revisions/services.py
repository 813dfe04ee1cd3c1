"""Writes of revisions: save a draft, submit, publish, send back, revert, schedule, and the beat task's run.

Every function takes the acting user as ``by`` (``None``: the system, such as a seed command) and checks
what that user may do here, so the admin, the API and the beat task obey the same rules.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from ..editorial import Status
from ..services import changes_since
from .models import Revision, RevisionState
from .permissions import can_publish, require_change, require_publisher
from .registry import adapter_for
from .snapshots import apply_inlines, snapshot_of, update_data

logger = logging.getLogger(__name__)

UNPUBLISHED = (RevisionState.DRAFT, RevisionState.SUBMITTED, RevisionState.SENT_BACK)


class _Discard(Exception):
    """Raised inside a savepoint to roll back what it wrote (a draft's save, a preview)."""


def object_of(revision: Revision, *, lock: bool = False) -> models.Model:
    """The live object a revision belongs to (its row locked with ``lock``)."""
    rows = revision.content_type.model_class()._base_manager.all()
    return (rows.select_for_update() if lock else rows).get(pk=revision.object_id)


def revision_list_of(instance: models.Model):
    """The revisions of one object, newest first (a selector kept here for the services' own use)."""
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return Revision.objects.filter(content_type=content_type, object_id=instance.pk).order_by("-number")


def _record(instance: models.Model, *, snapshot: dict, by: Any, state: str, note: str, event: str) -> Revision:
    """Store the next revision of ``instance`` (numbered under the object's row lock)."""
    type(instance)._base_manager.select_for_update().filter(pk=instance.pk).exists()
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    top = Revision.objects.filter(content_type=content_type, object_id=instance.pk).aggregate(top=Max("number"))["top"]
    revision = Revision(
        content_type=content_type,
        object_id=instance.pk,
        number=(top or 0) + 1,
        object_label=str(instance)[:300],
        snapshot=snapshot,
        # The stored row's version (a draft's write was rolled back): what publishing checks it still is.
        based_on_version=type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True).first(),
        state=state,
        note=note.strip(),
        event=event,
        created_by=by,
    )
    revision.full_clean(exclude=["content_type", "created_by"])
    revision.save()
    return revision


@transaction.atomic
def revision_save_draft(*, instance: models.Model, by: Any, write: Callable[[], object], note: str = "") -> Revision:
    """An editor's save, recorded as a revision with who, when and ``note``.

    ``write`` is the app's own save (its services, as the admin's form calls them). An unpublished object
    is saved directly (the revision, “Saved”, is what its row now holds). A published object is not
    changed: ``write`` runs in a savepoint, the result is read back as a snapshot and rolled back, and
    the revision is a draft until someone publishes it.
    """
    adapter = adapter_for(type(instance))
    require_change(by, adapter.model)
    stored_status = type(instance)._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
    if stored_status is not None and not revision_list_of(instance).exists():
        # Content older than revisions: its state before this save is revision 1, to compare with and revert to.
        baseline = RevisionState.PUBLISHED if stored_status == Status.PUBLISHED else RevisionState.SAVED
        stored = type(instance)._base_manager.get(pk=instance.pk)
        _record(stored, snapshot=snapshot_of(stored, adapter), by=None, state=baseline, note="",
                event="As it was before its first revision")  # fmt: skip
    if stored_status != Status.PUBLISHED:
        write()
        return _record(instance, snapshot=snapshot_of(instance, adapter), by=by, state=RevisionState.SAVED,
                       note=note, event="Saved")  # fmt: skip
    snapshot = None
    try:
        with transaction.atomic():
            write()
            snapshot = snapshot_of(instance, adapter)
            raise _Discard
    except _Discard:
        pass
    live = type(instance)._base_manager.get(pk=instance.pk)
    return _record(live, snapshot=snapshot, by=by, state=RevisionState.DRAFT, note=note, event="Saved as a draft")


@transaction.atomic
def revision_submit(*, revision: Revision, by: Any) -> Revision:
    """Ask a publisher to review a draft (or a draft sent back and changed)."""
    require_change(by, revision.content_type.model_class())
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.state not in (RevisionState.DRAFT, RevisionState.SENT_BACK):
        raise ValidationError(
            {"state": f"Only a draft can be submitted for review; this one is {revision.get_state_display().lower()}."}
        )
    revision.state = RevisionState.SUBMITTED
    revision.submitted_at = timezone.now()
    revision.save(update_fields=["state", "submitted_at"])
    return revision


@transaction.atomic
def revision_publish(*, revision: Revision, by: Any) -> Revision:
    """Make a revision the live version: every field, link and inline child of its snapshot, and published.

    Applied through the app's own update service, so validation, coverage marks, the answer cache and
    the object's version move as for any other save. A snapshot no longer valid (a slug taken meanwhile)
    is refused with the field named, and nothing changes. So is a revision made from an older version
    than the live one: its snapshot would silently undo what was published since, so the refusal names
    those fields and the editor saves a fresh draft from the live version.
    """
    revision = Revision.objects.select_for_update().select_related("content_type").get(pk=revision.pk)
    require_publisher(by, action=f"publish {revision.object_label}")
    if revision.state not in (*UNPUBLISHED, RevisionState.SAVED):
        raise ValidationError(
            {"state": f"Revision {revision.number} is {revision.get_state_display().lower()} already."}
        )
    live = object_of(revision, lock=True)
    if revision.based_on_version is not None and live.version != revision.based_on_version:
        raise ValidationError({"based_on_version": stale_message(revision, live)})
    _apply(revision, status=Status.PUBLISHED)
    revision.state = RevisionState.PUBLISHED
    revision.published_at = timezone.now()
    if by is not None:
        revision.reviewed_by = by
        revision.reviewed_at = revision.published_at
    revision.save(update_fields=["state", "published_at", "reviewed_by", "reviewed_at"])
    return revision


def changed_since_revision(revision: Revision, live: models.Model) -> list[str]:
    """The names (as editors read them) of the fields of ``live`` changed since ``revision`` was made."""
    changed = changes_since(type(live), pk=live.pk, version=revision.based_on_version or 0)
    return [str(live._meta.get_field(name).verbose_name) for name in changed]


def stale_message(revision: Revision, live: models.Model) -> str:
    """Why a revision made from an older version may not be published, naming what changed since."""
    names = changed_since_revision(revision, live)
    what = f"changed since in: {', '.join(names)}" if names else "changed since (its links or items)"
    return (
        f"Revision {revision.number} was made from version {revision.based_on_version}; the live version is "
        f"{live.version}, {what}. Publishing it would undo those changes: open the form, which shows the live "
        "version, and save a fresh draft."
    )


def _apply(revision: Revision, *, status: str | None) -> models.Model:
    adapter = adapter_for(revision.content_type.model_class())
    instance = object_of(revision, lock=True)
    data = update_data(adapter.model, revision.snapshot, adapter)
    if status is not None:
        data["status"] = status
    adapter.update(instance, data)
    instance = type(instance)._base_manager.get(pk=instance.pk)
    apply_inlines(instance, revision.snapshot, adapter)
    if adapter.after_apply is not None:
        adapter.after_apply(instance, revision.snapshot)
    return instance


@transaction.atomic
def revision_send_back(*, revision: Revision, by: Any, comment: str) -> Revision:
    """Return a submitted revision to its author with a comment saying what to change."""
    require_publisher(by, action="send revisions back")
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what should change before it can be published."})
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != RevisionState.SUBMITTED:
        raise ValidationError({"state": "Only a revision waiting for review can be sent back."})
    revision.state = RevisionState.SENT_BACK
    revision.review_comment = comment.strip()
    revision.reviewed_by = by
    revision.reviewed_at = timezone.now()
    revision.save(update_fields=["state", "review_comment", "reviewed_by", "reviewed_at"])
    return revision


@transaction.atomic
def revision_revert(*, instance: models.Model, to: int, by: Any, note: str = "") -> Revision:
    """Restore revision ``to``: every field, link and inline child; logged as “Reverted to revision N”.

    An unpublished object is restored at once. A published one gets a draft holding that state, which a
    publisher's revert also publishes at once (an editor's waits for review like any draft).
    """
    adapter = adapter_for(type(instance))
    require_change(by, adapter.model)
    source = revision_list_of(instance).filter(number=to).first()
    if source is None:
        raise ValidationError({"to": f"{instance} has no revision {to}."})
    live = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    event = f"Reverted to revision {to}"
    if live.status != Status.PUBLISHED:
        _apply(source, status=None)
        return _record(
            live, snapshot=snapshot_of(live, adapter), by=by, state=RevisionState.SAVED, note=note, event=event
        )
    revision = _record(live, snapshot=source.snapshot, by=by, state=RevisionState.DRAFT, note=note, event=event)
    if can_publish(by):
        revision = revision_publish(revision=revision, by=by)
    return revision


@transaction.atomic
def revision_schedule(
    *, revision: Revision, by: Any, publish_at: datetime | None = None, unpublish_at: datetime | None = None
) -> Revision:
    """Publish a revision at ``publish_at`` and/or take the object offline at ``unpublish_at`` (the beat task does it).

    Times in the past are refused, naming the field; ``unpublish_at`` must come after ``publish_at``.
    """
    require_publisher(by, action="schedule publishing")
    now = timezone.now()
    errors = {}
    for name, when in (("publish_at", publish_at), ("unpublish_at", unpublish_at)):
        if when is not None and when <= now:
            shown = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
            errors[name] = f"{shown} is in the past: choose a time from now on."
    if publish_at is None and unpublish_at is None:
        errors["publish_at"] = "Give a time to publish or to unpublish."
    if publish_at and unpublish_at and unpublish_at <= publish_at:
        errors.setdefault("unpublish_at", "Unpublish after publishing: choose a later time.")
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if publish_at is not None and revision.state not in UNPUBLISHED:
        errors.setdefault("publish_at", f"Revision {revision.number} is {revision.get_state_display().lower()}: "
                                        "only a draft can be scheduled to publish.")  # fmt: skip
    if errors:
        raise ValidationError(errors)
    revision.publish_at = publish_at
    revision.unpublish_at = unpublish_at
    revision.unpublished_at = None
    revision.scheduled_by = by
    revision.save(update_fields=["publish_at", "unpublish_at", "unpublished_at", "scheduled_by"])
    return revision


def revisions_carry_out_schedule(*, now: datetime | None = None) -> dict[str, int]:
    """Publish the revisions whose ``publish_at`` has come, and unpublish those whose ``unpublish_at`` has.

    Each in its own transaction, through the same services, on behalf of whoever scheduled it; a revision
    another worker is carrying out is skipped (``SKIP LOCKED``). A refusal leaves that one and goes on.
    """
    now = now or timezone.now()
    done = {"published": 0, "unpublished": 0, "refused": 0}
    due = Revision.objects.filter(publish_at__lte=now, state__in=UNPUBLISHED).values_list("pk", flat=True)
    for pk in list(due):
        try:
            with transaction.atomic():
                revision = (
                    Revision.objects.select_for_update(skip_locked=True).filter(pk=pk, state__in=UNPUBLISHED).first()
                )
                if revision is not None:
                    revision_publish(revision=revision, by=revision.scheduled_by)
                    done["published"] += 1
        except (ValidationError, PermissionDenied) as refusal:  # one refusal must not stop the others
            logger.warning("Scheduled publishing of revision %s refused: %s", pk, refusal)
            done["refused"] += 1
    ends = Revision.objects.filter(unpublish_at__lte=now, unpublished_at__isnull=True, state=RevisionState.PUBLISHED)
    for pk in list(ends.values_list("pk", flat=True)):
        with transaction.atomic():
            revision = (
                Revision.objects.select_for_update(skip_locked=True).filter(pk=pk, unpublished_at__isnull=True).first()
            )
            if revision is None:
                continue
            adapter = adapter_for(revision.content_type.model_class())
            adapter.set_status([object_of(revision, lock=True)], Status.DRAFT)
            revision.unpublished_at = now
            revision.save(update_fields=["unpublished_at"])
            done["unpublished"] += 1
    return done
