"""Snapshots: an object's fields, links and inline children as JSON, read from the database and written back.

A snapshot is plain data (``{"fields": {...}, "m2m": {...}, "inlines": {...}}``): field values as JSON
(a foreign key as its id, a decimal as text), each link as ``[id, name]`` so a comparison can name a
skill even after it is deleted, each child as ``{"id": ..., <fields>}``.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .registry import Inline, RevisionAdapter


def _plain(value: Any) -> Any:
    """A JSON value, as the revision's JSONField will store and give it back (a decimal as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _field_values(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    meta = obj._meta
    return {name: _plain(meta.get_field(name).value_from_object(obj)) for name in names}


def snapshot_of(obj: models.Model, adapter: RevisionAdapter) -> dict[str, Any]:
    """The stored state of ``obj``: read from the database, so it is what a save has written."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    snapshot: dict[str, Any] = {"fields": _field_values(fresh, adapter.fields), "m2m": {}, "inlines": {}}
    for name in adapter.m2m:
        related = getattr(fresh, name).all().order_by("pk")
        snapshot["m2m"][name] = [[item.pk, str(item)] for item in related]
    for inline in adapter.inlines:
        children = getattr(fresh, inline.related_name).all()
        snapshot["inlines"][inline.related_name] = [
            {"id": child.pk, "label": str(child), **_field_values(child, inline.fields)} for child in children
        ]
    return snapshot


def _python_value(model: type[models.Model], name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    if field.is_relation:
        return None if value is None else field.related_model._base_manager.filter(pk=value).first()
    if isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def update_data(model: type[models.Model], snapshot: dict[str, Any], adapter: RevisionAdapter) -> dict[str, Any]:
    """The ``data`` for the app's update service: field values, and links as objects (gone ones left out)."""
    data = {name: _python_value(model, name, value) for name, value in snapshot["fields"].items()
            if name in adapter.fields}  # fmt: skip
    for name in adapter.m2m:
        related = model._meta.get_field(name).related_model
        ids = [pk for pk, _label in snapshot["m2m"].get(name, [])]
        data[name] = list(related._base_manager.filter(pk__in=ids))
    return data


def apply_inlines(obj: models.Model, snapshot: dict[str, Any], adapter: RevisionAdapter) -> None:
    """Make ``obj``'s inline children those of the snapshot: changed in place, added, removed."""
    for inline in adapter.inlines:
        if inline.apply:
            _apply_inline(obj, inline, snapshot["inlines"].get(inline.related_name, []))


def _apply_inline(obj: models.Model, inline: Inline, rows: list[dict[str, Any]]) -> None:
    manager = getattr(obj, inline.related_name)
    child_model = manager.model
    parent_field = manager.field.name
    existing = {child.pk: child for child in manager.all()}
    wanted = {row["id"] for row in rows}
    for pk, child in existing.items():
        if pk not in wanted:
            inline.delete(child)
    for row in rows:
        child = existing.get(row["id"]) or child_model(**{parent_field: obj})
        for name in inline.fields:
            setattr(child, child_model._meta.get_field(name).attname, _python_value(child_model, name, row[name])
                    if not child_model._meta.get_field(name).is_relation else row[name])  # fmt: skip
        inline.save(child)
