"""A readable comparison of two snapshots: every field, links added and removed by name, inline children."""

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .registry import RevisionAdapter


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("+"|"-"|" ", line) for long texts


@dataclass
class LinkChange:
    label: str
    added: list[str]
    removed: list[str]


@dataclass
class ChildChange:
    label: str  # "Resources"
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[FieldChange]]]


@dataclass
class Comparison:
    fields: list[FieldChange]
    links: list[LinkChange]
    children: list[ChildChange]

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.links or self.children)


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value} (deleted)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _field_changes(model: type[models.Model], names: tuple[str, ...], old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name in names:
        if old.get(name) == new.get(name):
            continue
        before, after = _shown(model, name, old.get(name)), _shown(model, name, new.get(name))
        lines = []
        if "\n" in before or "\n" in after:
            for line in difflib.ndiff(before.splitlines(), after.splitlines()):
                if line[:1] in "+- ":
                    lines.append((line[:1], line[2:]))
        changes.append(FieldChange(str(model._meta.get_field(name).verbose_name).capitalize(), before, after, lines))
    return changes


def compare_snapshots(adapter: RevisionAdapter, old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """What changed from ``old`` to ``new``, in full (no text is cut short)."""
    model = adapter.model
    fields = _field_changes(model, adapter.fields, old.get("fields", {}), new.get("fields", {}))
    links = []
    for name in adapter.m2m:
        before = dict(old.get("m2m", {}).get(name, []))
        after = dict(new.get("m2m", {}).get(name, []))
        added = sorted(after[pk] for pk in after.keys() - before.keys())
        removed = sorted(before[pk] for pk in before.keys() - after.keys())
        if added or removed:
            links.append(LinkChange(str(model._meta.get_field(name).verbose_name).capitalize(), added, removed))
    children = []
    for inline in adapter.inlines:
        child_model = getattr(model, inline.related_name).rel.related_model
        before = {row["id"]: row for row in old.get("inlines", {}).get(inline.related_name, [])}
        after = {row["id"]: row for row in new.get("inlines", {}).get(inline.related_name, [])}
        changed = []
        for pk in before.keys() & after.keys():
            row_changes = _field_changes(child_model, inline.fields, before[pk], after[pk])
            if row_changes:
                changed.append((after[pk].get("label", f"#{pk}"), row_changes))
        added = [row.get("label", "") for pk, row in after.items() if pk not in before]
        removed = [row.get("label", "") for pk, row in before.items() if pk not in after]
        if added or removed or changed:
            label = str(child_model._meta.verbose_name_plural).capitalize()
            children.append(ChildChange(label, added, removed, sorted(changed, key=lambda item: item[0])))
    return Comparison(fields, links, children)
