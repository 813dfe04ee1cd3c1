"""Words for the readiness pages: hours of study, and a readiness figure or why there is none."""

from decimal import Decimal

from django import template

from careerhub.core.formatting import percent

register = template.Library()


@register.filter
def hours(value: Decimal | float | None) -> str:
    """12 -> "12 h", 6.5 -> "6.5 h", None -> "hours not estimated"."""
    if value is None:
        return "hours not estimated"
    return f"{Decimal(value).normalize():f} h"


@register.filter
def readiness_text(item) -> str:
    """A segment's readiness in words (``services.SegmentReadiness``): "42%", or why it is not judged."""
    if item.readiness is not None:
        return percent(item.readiness)
    if not item.enough:
        return f"too few postings to judge ({item.postings})"
    return "no skill to judge by"


@register.filter
def skill_names(skills) -> str:
    """SkillRefs as "Kubernetes, MLflow and Terraform"."""
    names = [skill.name for skill in skills]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else ""
