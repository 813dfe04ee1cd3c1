"""Who may publish: one permission, held by the Publishers group, checked in the services."""

from typing import Any

from django.core.exceptions import PermissionDenied

PUBLISH_PERMISSION = "careerhub.publish_revision"


def can_publish(user: Any) -> bool:
    """Whether ``user`` may publish, unpublish, send back and schedule content (``None``: the system itself)."""
    if user is None:
        return True  # commands, seeds and the beat task on behalf of whoever scheduled it
    return bool(user.is_active and user.has_perm(PUBLISH_PERMISSION))


def require_publisher(user: Any, *, action: str) -> None:
    """Refuse ``action`` (“publish this track”) to a user without the publishing permission."""
    if not can_publish(user):
        raise PermissionDenied(f"Only publishers may {action}: save it as a draft and submit it for review instead.")


def require_change(user: Any, model: Any) -> None:
    """Refuse a save to a user who may not change ``model``."""
    if user is None:
        return
    meta = model._meta
    if not user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        raise PermissionDenied(f"You may not change {meta.verbose_name_plural}.")


def require_status_change(user: Any, model: Any, *, before: str | None, after: str | None) -> None:
    """Refuse a write that publishes or unpublishes content to a user without the publishing permission.

    Every write service that may change a status asks this (the API's too), so a status cannot be moved
    to or from published by a path the admin's buttons do not guard.
    """
    if before != after and "published" in (before, after):
        verb = "publish" if after == "published" else "unpublish"
        require_publisher(user, action=f"{verb} {model._meta.verbose_name_plural}")
