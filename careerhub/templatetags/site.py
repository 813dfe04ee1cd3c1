"""Formatting for the public pages: shares, changes and demand evidence in words."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from careerhub.core.formatting import month_label, percent, points

register = template.Library()
register.filter(percent)
register.filter(points)
register.filter(month_label)


@register.simple_tag
def evidence_text(evidence, scope_name: str) -> str:
    """'asked for in 42% of Financial services postings, rising', or why there is no figure."""
    if evidence is None or evidence.share is None:
        total = evidence.total if evidence is not None else 0
        return f"too few {scope_name} postings to show a share ({total} in the last quarter)"
    direction = evidence.direction if evidence.direction != "too few postings" else "direction unknown"
    return f"asked for in {percent(evidence.share)} of {scope_name} postings, {direction}"


@register.filter
def field_label(form, name: str) -> str:
    """The label of a form's field, to name it in an error message."""
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name


@register.simple_tag
def select_options(choices, selected: str) -> str:
    """``<option>`` elements for ``(value, label)`` pairs (escaped), the one equal to ``selected`` marked selected.

    Built in one pass: long option lists (every skill, every employer) would otherwise dominate a page's time.
    """
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in choices),
    )
