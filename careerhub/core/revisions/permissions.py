"""Who may publish: one permission, held by the Publishers group, checked in the services."""

from typing import Any

from django.core.exceptions import PermissionDenied

from .registry import has_revisions

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


def require_live_change(user: Any, model: Any, *, status: str | None, edited: list[str]) -> None:
    """Refuse a direct change of a published object's fields to a user without the publishing permission.

    In the admin an editor's save of live content is a draft revision (rolled back, never written through
    here with a user); a write service called with ``by`` (the API's) would change the live row at once, so
    it needs what publishing needs. Models without revisions (postings) and unpublished objects are not
    concerned; ``edited`` names the fields the write would change (status changes are checked apart).
    """
    if not edited or status != "published" or not has_revisions(model) or can_publish(user):
        return
    label = model._meta.verbose_name
    raise PermissionDenied(
        f"This {label} is published: changing its {', '.join(sorted(edited))} would change the live version, "
        f"which needs the publishing permission. An editor's change to live content is a draft revision, made "
        f"in the admin (Save draft) and published after review."
    )
