"""Formatting for the public pages: shares, changes and demand evidence in words."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from careerhub.core.formatting import UNKNOWN_DIRECTION, direction_text, month_label, percent, points, share_text
from postings.demand.window import MIN_SAMPLE

register = template.Library()
register.filter(percent)
register.filter(points)
register.filter(month_label)
register.filter("direction_text", direction_text)


@register.filter("share_text")
def share_text_filter(figures) -> str:
    """A skill's share as a table cell: '42% (87 of 206)', 'mentioned in none of 206 postings' or
    'too few postings (12, fewer than 30)' (``careerhub.core.formatting.share_text``)."""
    return share_text(figures, MIN_SAMPLE)


@register.simple_tag
def evidence_text(evidence, scope_name: str) -> str:
    """'asked for in 42% of Financial services postings, rising', or why there is no figure: 'mentioned in none
    of the 206 Financial services postings' (enough postings, none asking) differs from 'too few Financial
    services postings to show a share (12, fewer than 30)'."""
    if evidence is None or evidence.share is None:
        total = evidence.total if evidence is not None else 0
        return f"too few {scope_name} postings to show a share ({total}, fewer than {MIN_SAMPLE})"
    if not evidence.postings:
        return f"mentioned in none of the {evidence.total} {scope_name} postings"
    direction = evidence.direction if evidence.direction != UNKNOWN_DIRECTION else "trend unknown"
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


@register.simple_tag
def tier_figures(row, tier: str) -> str:
    """The figures that put a skill in a tier (``postings.demand.tiers.SkillTier``), in words."""
    figures = row.figures
    if tier == "distinguishing":
        if row.only_here:
            return f"{percent(figures.share)} here, none of {row.other_total} postings elsewhere"
        return f"{percent(figures.share)} here against {percent(row.other_share)} elsewhere: lift {row.lift:.1f}"
    if tier == "rising":
        return f"from {percent(figures.previous_share)} to {percent(figures.current_share)} ({points(figures.change)})"
    return share_text(figures, MIN_SAMPLE)


@register.simple_tag
def demand_cell(figures) -> str:
    """A share and its direction in a table cell: '42%, rising'; 'none of 206'; 'too few (12)'."""
    if figures is None or figures.share is None:
        return f"too few ({figures.total if figures is not None else 0})"
    if not figures.postings:
        return f"none of {figures.total}"
    if figures.direction == UNKNOWN_DIRECTION:
        return percent(figures.share)
    return f"{percent(figures.share)}, {figures.direction}"
