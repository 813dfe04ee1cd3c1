"""Permissions of the API: reads are public (selectors return published content only), writes need a permission."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrModelPermission(BasePermission):
    """Anyone may read; a write needs an authenticated user holding ``required_permission`` of the view."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        permission = getattr(view, "required_permission", None)
        return bool(request.user and request.user.is_authenticated and permission and request.user.has_perm(permission))
