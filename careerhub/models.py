"""The shell's own models, defined in the core (which any app may use): redirects of moved addresses."""

from .core.redirects import Redirect

__all__ = ["Redirect"]
