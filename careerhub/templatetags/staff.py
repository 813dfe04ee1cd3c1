"""Editors' controls on the public pages: a link from a page to the admin form that edits its content."""

from django import template
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from careerhub.core.visibility import can_edit, mark_private

register = template.Library()


@register.inclusion_tag("careerhub/edit_link.html", takes_context=True)
def edit_link(context, obj: Model | None) -> dict:
    """An "Edit this page" link to the admin's change form of ``obj``, for active staff who may change it;
    nothing for anyone else. A page that shows it is marked private, so no shared cache serves it to others."""
    request = context.get("request")
    if obj is None or obj.pk is None or not can_edit(request, obj._meta.app_label, obj._meta.model_name):
        return {"url": None}
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return {"url": None}
    mark_private(request)
    return {"url": url, "label": obj._meta.verbose_name}
