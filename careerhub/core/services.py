"""Write helpers shared by every app's services, and the editors' group."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .cache import content_changed
from .editorial import EditorialModel, Status

ModelT = TypeVar("ModelT", bound=models.Model)

CONTENT_APPS = ("segments", "postings", "curriculum")


def validated_save(instance: ModelT) -> ModelT:
    """Validate every field and constraint, then save: the last step of every write service.

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
    if isinstance(instance, EditorialModel) and instance.status == Status.PUBLISHED and instance.published_at is None:
        instance.published_at = timezone.now()
    instance.full_clean()
    instance.save()
    content_changed()
    return instance


def model_update(*, instance: ModelT, fields: Iterable[str], data: dict[str, Any]) -> tuple[ModelT, bool]:
    """Apply the allowed ``fields`` found in ``data`` to ``instance``; return it and whether anything changed.

    Unknown keys are refused rather than ignored, so a typo never passes silently.
    Many-to-many fields are set after the instance is saved.
    """
    allowed = set(fields)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"Cannot update {', '.join(unknown)} on {instance._meta.verbose_name}.")

    m2m_names = {field.name for field in instance._meta.many_to_many}
    changed = False
    for name, value in data.items():
        if name in m2m_names:
            continue
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        validated_save(instance)
    for name in m2m_names & set(data):
        related = getattr(instance, name)
        if set(related.all()) != set(data[name]):
            related.set(data[name])
            content_changed()  # links only: no validated_save may have run
            changed = True
    return instance, changed


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

    Editors may view, add, change and delete all content, and view (never rewrite) its history.
    """
    for label in CONTENT_APPS:
        # post_migrate reaches the apps in order; make sure their permissions exist already.
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    group, _ = Group.objects.using(using).get_or_create(name=settings.CAREERHUB_EDITOR_GROUP)
    permissions = (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=CONTENT_APPS)
        .exclude(codename__regex=r"^(add|change|delete)_historical")
    )
    group.permissions.set(permissions)
    return group


def editor_group_sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    editor_group_sync(using=using)
