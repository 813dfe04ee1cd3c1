"""The one rule for who sees content that is not published.

Pages, the API, FilterSets, search, sitemaps and coverage all ask ``can_see_drafts``: editors (active
staff who may view the model) see drafts and archived items, everybody else sees published content only.
"""

from django.http import HttpRequest
from django.utils.cache import patch_cache_control, patch_vary_headers


def can_see_drafts(request: HttpRequest | None, app_label: str, model_name: str) -> bool:
    """Whether ``request``'s user may see unpublished ``app_label.model_name`` rows (drafts, archived)."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{app_label}.view_{model_name}")
    )


def can_edit(request: HttpRequest | None, app_label: str, model_name: str) -> bool:
    """Whether ``request``'s user may change ``app_label.model_name`` rows in the admin (an "Edit this page" link)."""
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{app_label}.change_{model_name}")
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
