"""The one rule for who sees content that is not published.

Pages, the API, FilterSets, search, sitemaps and coverage all ask ``can_see_drafts``: editors (active
staff who may view the model) see drafts and archived items, everybody else sees published content only.
"""

from django.http import HttpRequest


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
