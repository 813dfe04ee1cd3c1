"""The shell's admin: the revisions screens of the core (registered on import)."""

from careerhub.core.revisions import admin as revisions_admin  # noqa: F401
