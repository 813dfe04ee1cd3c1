"""Write helpers shared by every app's services, and the editors' and publishers' groups."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .cache import content_changed
from .editorial import EditorialModel, Status
from .revisions.permissions import require_live_change, require_status_change

ModelT = TypeVar("ModelT", bound=models.Model)

CONTENT_APPS = ("segments", "postings", "curriculum")


class EditConflict(Exception):
    """An edit based on a version of an object that is no longer the stored one: someone saved it meanwhile.

    ``changes`` names what changed since ``based_on`` and holds the current values (see ``changes_since``).
    """

    def __init__(self, instance: models.Model, *, based_on: int, current: int | None):
        self.model = type(instance)
        self.pk = instance.pk
        self.based_on = based_on
        self.current = current
        self.changes = changes_since(self.model, pk=instance.pk, version=based_on) if current is not None else {}
        label = instance._meta.verbose_name
        if current is None:
            message = f"This {label} was deleted while you were editing it."
        else:
            message = f"This {label} was saved by someone else (version {current}) after version {based_on}, " \
                      "which this change is based on; nothing was written."  # fmt: skip
        super().__init__(message)


def changes_since(model: type[models.Model], *, pk: Any, version: int) -> dict[str, Any]:
    """The fields whose stored value differs from what they held at ``version``, with their current values.

    Read from the object's history (every versioned save records one); a field shown to editors by
    name. Empty when the history does not hold that version.
    """
    current = model._base_manager.filter(pk=pk).first()
    if current is None or not hasattr(model, "history"):
        return {}
    then = model.history.filter(id=pk, version=version).order_by("-history_id").first()
    if then is None:
        return {}
    return {
        field.name: getattr(current, field.attname)
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key  # what editors write, not timestamps or derived fields
        and getattr(then, field.attname, None) != getattr(current, field.attname)
    }  # fmt: skip


def stored_version(instance: EditorialModel, *, lock: bool = False) -> int | None:
    """The version of the stored row (None when it is gone); ``lock`` holds the row until the transaction ends."""
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


def validated_save(instance: ModelT, *, fields: Iterable[str] | None = None) -> ModelT:
    """Validate every field and constraint, then save: the last step of every write service.

    ``fields`` saves only those columns (a partial update: what others changed meanwhile stays). An
    editorial object moves on to its next version, compare and set: if the stored row is no longer at
    the version this instance was read at (or told it is based on), ``EditConflict`` is raised and
    nothing is written, so no save silently overwrites another.

    It also tells the API's answer cache that content changed (at the commit), so a service needs no
    call of its own for what it saves here.
    """
    # PostgreSQL refuses NUL in text; name the field instead of failing with a database error.
    nul_fields = [
        field.name
        for field in instance._meta.concrete_fields
        if isinstance(getattr(instance, field.attname, None), str) and "\x00" in getattr(instance, field.attname)
    ]
    if nul_fields:
        raise ValidationError(dict.fromkeys(nul_fields, "NUL characters are not allowed."))
    update_fields = None if fields is None else set(fields)
    if isinstance(instance, EditorialModel):
        if instance.status == Status.PUBLISHED and instance.published_at is None:
            instance.published_at = timezone.now()
            if update_fields is not None:
                update_fields.add("published_at")
        if update_fields is not None:
            update_fields |= {"version", "updated_at"}
    instance.full_clean()
    with transaction.atomic(savepoint=False):
        if isinstance(instance, EditorialModel) and not instance._state.adding and instance.pk is not None:
            _claim_next_version(instance)
        instance.save(update_fields=update_fields)
    content_changed()
    return instance


def _claim_next_version(instance: EditorialModel) -> None:
    """Move the stored row from the instance's version to the next, or raise ``EditConflict`` (compare and set).

    The UPDATE also locks the row: a concurrent save waits for this transaction, then finds the version moved.
    """
    based_on = instance.version
    claimed = type(instance)._base_manager.filter(pk=instance.pk, version=based_on).update(version=based_on + 1)
    if not claimed:
        raise EditConflict(instance, based_on=based_on, current=stored_version(instance))
    instance.version = based_on + 1


def model_update(
    *, instance: ModelT, fields: Iterable[str], data: dict[str, Any], based_on: int | None = None, by: Any = None
) -> tuple[ModelT, bool]:
    """Apply the allowed ``fields`` found in ``data`` to ``instance``; return it and whether anything changed.

    Only the fields sent are written: the instance is read again (its row locked) first, so a field
    another editor changed meanwhile keeps their value, and the history records the row as stored.
    With ``based_on`` (the version the change was made on) a row saved since is refused (``EditConflict``).
    Unknown keys are refused rather than ignored, so a typo never passes silently.
    Many-to-many fields are set before the save, so the history records them with it.
    ``by`` (the acting user; None for the system) needs the publishing permission to move a status to or
    from published, and to change the fields of published content with revisions (the API's writes: an
    editor's change to live content is a draft revision, made in the admin).
    """
    allowed = set(fields)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"Cannot update {', '.join(unknown)} on {instance._meta.verbose_name}.")

    with transaction.atomic(savepoint=False):
        if instance.pk is not None:
            instance.refresh_from_db(from_queryset=type(instance)._base_manager.select_for_update())
            if based_on is not None and getattr(instance, "version", based_on) != based_on:
                raise EditConflict(instance, based_on=based_on, current=instance.version)
        if "status" in data:
            require_status_change(by, type(instance), before=getattr(instance, "status", None), after=data["status"])
        m2m_names = {field.name for field in instance._meta.many_to_many}
        if by is not None:
            require_live_change(by, type(instance), status=getattr(instance, "status", None),
                                edited=_edited_fields(instance, data, m2m_names))  # fmt: skip
        changed = []
        for name, value in data.items():
            if name not in m2m_names and getattr(instance, name) != value:
                setattr(instance, name, value)
                changed.append(instance._meta.get_field(name).attname)
        links_changed = False
        for name in m2m_names & set(data):
            related = getattr(instance, name)
            if set(related.all()) != set(data[name]):
                related.set(data[name])
                links_changed = True
        if changed or links_changed:
            # A change of links alone is a new version too (the history records the links with it).
            validated_save(instance, fields=changed)
    return instance, bool(changed or links_changed)


def _edited_fields(instance: models.Model, data: dict[str, Any], m2m_names: set[str]) -> list[str]:
    """The fields of ``data`` other than status whose value differs from the instance's (links as sets)."""
    def differs(name: str, value: Any) -> bool:
        if name in m2m_names:
            return set(getattr(instance, name).all()) != set(value)
        return getattr(instance, name) != value

    return [name for name, value in data.items() if name != "status" and differs(name, value)]


@dataclass(frozen=True)
class StatusChange:
    """What a status service did: how many objects changed, and what an editor should be told (never a refusal)."""

    changed: int
    warnings: tuple[str, ...] = ()


@transaction.atomic
def editorial_set_status(*, objects: Iterable[EditorialModel], status: str) -> int:
    """Move each object to ``status`` (recording history for each); return how many changed."""
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}; expected one of {', '.join(Status.values)}.")
    changed = 0
    content_changed()  # what the public may see changes with a status: said once here, not only per object
    for obj in objects:
        if obj.status != status:
            obj.status = status
            validated_save(obj)
            changed += 1
    return changed


def editor_group_sync(*, using: str = "default") -> Group:
    """Create the editors' group, or bring its permissions up to date.

    Editors may view, add, change and delete all content and redirects, and view (never rewrite) its history.
    """
    for label in (*CONTENT_APPS, "careerhub"):
        # post_migrate reaches the apps in order; make sure their permissions exist already.
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    group, _ = Group.objects.using(using).get_or_create(name=settings.CAREERHUB_EDITOR_GROUP)
    permissions = (
        Permission.objects.using(using)
        # Redirects of moved addresses are editors' work too (careerhub/core/redirects.py).
        .filter(Q(content_type__app_label__in=CONTENT_APPS) | Q(content_type__app_label="careerhub",
                                                                content_type__model="redirect"))
        .exclude(codename__regex=r"^(add|change|delete)_historical")
        # Sending postings of another source than the API's own (postings.models.WRITE_ANY_SOURCE) is
        # granted user by user, never to every editor.
        .exclude(codename="write_any_source")
    )
    group.permissions.set(permissions)
    return group


def publisher_group_sync(*, using: str = "default") -> Group:
    """Create the publishers' group, or bring its permissions up to date.

    Publishers publish revisions, send them back and schedule them (``careerhub.publish_revision``,
    checked in ``careerhub.core.revisions.services``); a publisher is an editor too (both groups).
    """
    create_permissions(apps.get_app_config("careerhub"), verbosity=0, using=using)
    group, _ = Group.objects.using(using).get_or_create(name=settings.CAREERHUB_PUBLISHER_GROUP)
    group.permissions.set(
        Permission.objects.using(using).filter(
            content_type__app_label="careerhub", codename__in=["publish_revision", "view_revision"]
        )
    )
    return group


def editor_group_sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    editor_group_sync(using=using)
    publisher_group_sync(using=using)
