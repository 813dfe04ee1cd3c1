"""Permissions of the API: reads are public (selectors return published content only), writes need a permission."""

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrModelPermission(BasePermission):
    """Anyone may read; a write needs an authenticated user holding ``required_permission`` of the view.

    A method the endpoint never answers is a 405 for everyone, before credentials are looked at: DRF checks
    permissions before it looks for the method's handler, so a POST to a read-only endpoint would otherwise
    be a 401 for the public and a 403 for an editor, for a write that no credentials could make. The
    schema lists exactly the methods answered; 401 and 403 are for those that are.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if request.method not in view.allowed_methods:
            raise MethodNotAllowed(request.method)
        permission = getattr(view, "required_permission", None)
        return bool(request.user and request.user.is_authenticated and permission and request.user.has_perm(permission))
