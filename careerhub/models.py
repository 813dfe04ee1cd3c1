"""The shell app's models, defined in the core (which any app may use) and given a home here: revisions of
editorial content and redirects of moved addresses."""

from careerhub.core.redirects import Redirect
from careerhub.core.revisions.models import Revision

__all__ = ["Redirect", "Revision"]
