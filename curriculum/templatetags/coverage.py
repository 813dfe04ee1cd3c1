"""``{% track_coverage track %}``: the track page's coverage section (``curriculum/_coverage.html``);
``{% segment_best_path segment %}``: the segment page's best path of tracks (``curriculum/_segment_path.html``).

Tags, so that the segment page (``segments``, an app below this one) shows curriculum figures without
importing curriculum."""

from django import template

from postings.demand.fragments import MIN_SAMPLE, track_evidence

from ..coverage.selectors import segment_best_path as best_path_of
from ..coverage.selectors import track_coverage_summary

register = template.Library()


@register.inclusion_tag("curriculum/_coverage.html")
def track_coverage(track, gaps: int = 3) -> dict:
    """How much of its segments' demand the track teaches, and its top ``gaps`` gaps (three queries).

    Each gap's share and direction are the demand window's (``postings.demand.window``), as on every other
    page, not the coverage computation's own: one skill in one segment reads the same everywhere.
    """
    summary = track_coverage_summary(track=track, gaps=gaps)
    demand = track_evidence(
        segment_ids=[row.segment.pk for row in summary.segments],
        skill_ids=[gap.skill.pk for row in summary.segments for gap in row.gaps],
    )
    evidence = demand["evidence"]
    return {
        "track": track,
        "coverage": summary,
        "window": demand["window"],
        "min_sample": MIN_SAMPLE,
        "coverage_rows": [
            (row, [(gap, evidence.get((row.segment.pk, gap.skill.pk))) for gap in row.gaps]) for row in summary.segments
        ],
    }


@register.inclusion_tag("curriculum/_segment_path.html")
def segment_best_path(segment) -> dict:
    """The path of published tracks that covers ``segment`` best, with its cumulative coverage (three queries)."""
    return {"segment": segment, "best": best_path_of(segment=segment)}
