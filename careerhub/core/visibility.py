"""The one rule for what the public sees, and who sees more.

``public_q`` says which rows are public: published, and every parent they are shown under published too
(a model names those parents in ``public_parents``: a posting is shown under its segment, a module under
its track). Search, sitemaps, filter choices, coverage and demand ask it, so that nothing reaches the
public through a published child of a hidden parent.

``can_see_drafts`` says who sees more: editors (active staff who may view the model) see drafts and
archived items, everybody else sees public content only. Answers that depend on it vary on the
credentials (``Vary: Authorization, Cookie``).
"""

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers

from .editorial import Status


def public_q(model: type[Model], prefix: str = "") -> Q:
    """The condition for public rows of ``model``, reached through ``prefix`` (``"posting__"``) from another model."""
    condition = Q(**{f"{prefix}status": Status.PUBLISHED})
    for name in getattr(model, "public_parents", ()):
        parent = model._meta.get_field(name).related_model
        condition &= public_q(parent, f"{prefix}{name}__")
    return condition


def public(queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to its public rows (``public_q``)."""
    return queryset.filter(public_q(queryset.model))


def can_see_drafts(request: HttpRequest | None, app_label: str, model_name: str) -> bool:
    """Whether ``request``'s user may see unpublished ``app_label.model_name`` rows (drafts, archived)."""
    return _staff_may(request, f"{app_label}.view_{model_name}")


def can_edit(request: HttpRequest | None, app_label: str, model_name: str) -> bool:
    """Whether ``request``'s user may change ``app_label.model_name`` rows in the admin (an "Edit this page" link)."""
    return _staff_may(request, f"{app_label}.change_{model_name}")


def _staff_may(request: HttpRequest | None, permission: str) -> bool:
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission)
    )


def mark_private(request: HttpRequest) -> None:
    """Say that the answer to ``request`` shows something only this user may see (``PrivateAnswersMiddleware``)."""
    request.careerhub_private = True  # type: ignore[attr-defined]


class PrivateAnswersMiddleware:
    """An answer that shows staff-only parts (an "Edit this page" link) is ``Cache-Control: private, no-cache``
    and varies by cookie: no shared cache in front of the site may keep it and show it to anyone else.

    Public pages carry no caching headers of their own, so a proxy could otherwise store one heuristically.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if getattr(request, "careerhub_private", False):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
        return response
