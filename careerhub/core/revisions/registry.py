"""Which models have revisions, and how each app's services apply a snapshot (the core imports no app)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Inline:
    """Inline children of an object, kept in its snapshot: a module's resources, a skill's aliases.

    ``apply`` is False for children that are content of their own (a track's modules): they are recorded
    so that a comparison shows them, but a revision of the parent never rewrites them.
    """

    related_name: str
    fields: tuple[str, ...]
    save: Callable[[models.Model], object] | None = None
    delete: Callable[[models.Model], object] | None = None
    apply: bool = True


@dataclass(frozen=True)
class RevisionAdapter:
    """How an app's model is snapshotted and restored.

    - ``fields``: the fields a snapshot holds (what editors write; not status, version or timestamps).
    - ``m2m``: the many-to-many fields it holds (ids, and the names at the time for comparisons).
    - ``inlines``: its inline children.
    - ``update(instance, data)``: the app's update service (``data``: fields, links as objects, ``status``).
    - ``set_status(objects, status)``: the app's status service (unpublishing).
    - ``after_apply(instance, snapshot)``: anything else a snapshot restores (a track's module order).
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    update: Callable[..., Any]
    set_status: Callable[..., Any]
    m2m: tuple[str, ...] = ()
    inlines: tuple[Inline, ...] = field(default=())
    after_apply: Callable[[Any, dict], object] | None = None


_ADAPTERS: dict[type[models.Model], RevisionAdapter] = {}


def register(adapter: RevisionAdapter) -> None:
    """Give a model revisions (an app's ``ready`` calls this)."""
    _ADAPTERS[adapter.model] = adapter


def adapter_for(model: type[models.Model]) -> RevisionAdapter:
    """The adapter of ``model`` (or of the model a proxy or deferred class stands for)."""
    concrete = model._meta.concrete_model
    try:
        return _ADAPTERS[concrete]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no revisions registered.") from None


def has_revisions(model: type[models.Model]) -> bool:
    return model._meta.concrete_model in _ADAPTERS


def registered_models() -> Iterable[type[models.Model]]:
    return tuple(_ADAPTERS)
