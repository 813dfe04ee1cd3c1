"""``{% track_coverage track %}``: the track page's coverage section (``curriculum/_coverage.html``)."""

from django import template

from ..coverage.selectors import track_coverage_summary

register = template.Library()


@register.inclusion_tag("curriculum/_coverage.html")
def track_coverage(track, gaps: int = 3) -> dict:
    """How much of its segments' demand the track teaches, and its top ``gaps`` gaps (three queries)."""
    return {"track": track, "coverage": track_coverage_summary(track=track, gaps=gaps)}
