"""The shell app's models: the core's revisions (``careerhub.core`` holds them, this app gives them a home)."""

from careerhub.core.revisions.models import Revision

__all__ = ["Revision"]
