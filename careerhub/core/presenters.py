"""Demand figures turned into what the pages draw: chart bars and series, data-table rows.

Shared by the segment, skill and home pages so every chart follows the same rules.
"""

import datetime

from .charts import Bar, Series, bar_chart, line_chart, series_style
from .formatting import UNKNOWN_DIRECTION, month_label, percent, share_text


def _bar_text(evidence, min_sample: int) -> str:
    """What a bar says: '42% · rising', or why it has no length ('mentioned in none of ...', 'too few ...')."""
    if evidence.share is None or not evidence.postings:
        return share_text(evidence, min_sample)
    direction = "trend unknown" if evidence.direction == UNKNOWN_DIRECTION else evidence.direction
    return f"{percent(evidence.share)} · {direction}"


def share_bars(
    rows: list[tuple[str, object]], *, title: str, description: str, chart_id: str, min_sample: int,
    direction_heading: str = "Direction",
) -> dict:
    """A bar chart of shares from ``(label, evidence)`` rows, with the rows for its data table.

    ``direction_heading`` names the data table's direction column with the periods it compares.
    """
    bars = [Bar(label=label, value=evidence.share, text=_bar_text(evidence, min_sample)) for label, evidence in rows]
    return {
        "svg": bar_chart(bars=bars, title=title, description=description, chart_id=chart_id),
        "rows": [{"label": label, "evidence": evidence} for label, evidence in rows],
        "title": title,
        "direction_heading": direction_heading,
    }


def share_lines(series: list[tuple[str, list]], *, title: str, description: str, chart_id: str) -> dict:
    """A line chart of rolling shares from ``(name, [SharePoint, ...])``, with its legend and data table."""
    months: list[datetime.date] = [point.month for point in series[0][1]] if series else []
    svg = line_chart(
        x_labels=[month.strftime("%b %y") for month in months],
        series=[Series(name=name, values=[point.share for point in points]) for name, points in series],
        title=title,
        description=description,
        chart_id=chart_id,
    )
    return {
        "svg": svg,
        "title": title,
        "legend": [{"name": name, **series_style(index)} for index, (name, _) in enumerate(series)],
        "names": [name for name, _ in series],
        # Rows of the data table, as text: one row per month, one cell per series.
        "rows": [
            (month_label(month), [_point_text(points[index]) for _, points in series])
            for index, month in enumerate(months)
        ],
    }


def _point_text(point) -> str:
    if point.share is None:
        return f"too few postings ({point.total})"
    if not point.postings:
        return f"none of {point.total}"
    return f"{percent(point.share)} ({point.postings} of {point.total})"
