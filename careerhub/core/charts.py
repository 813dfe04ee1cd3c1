"""Charts drawn on the server as SVG: readable without JavaScript, labelled for screen readers.

Every chart carries a ``<title>`` and a ``<desc>``; pages put the same figures in a data table
next to it. Values are shares (0..1) or ``None`` where the sample is too small to show one: a bar
then says "too few postings" and a line leaves a gap. Zero bars or series draw nothing (the page
says there is no data); one point is drawn as a marker. All text is escaped here.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white, told apart by dash pattern as well as hue.
PALETTE = ["#0b5cad", "#b3261e", "#1e7b34", "#7a3ea8", "#8a5a00", "#00707a"]
DASHES = ["", "6 4", "2 3", "10 3 2 3", "12 4", "4 2 1 2"]
MAX_LABEL = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share 0..1, or None for "too few postings"
    text: str  # what is written at the end of the bar ("42%")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # one per x label


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    ident = escape(chart_id)
    return [
        f'<svg class="chart" id="{ident}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def bar_chart(*, bars: list[Bar], title: str, description: str, chart_id: str) -> SafeString:
    """Horizontal bars, one per row: the label above, the bar and its figure below. Empty without bars."""
    if not bars:
        return mark_safe("")
    width, row, top = 400, 40, 4
    height = top + row * len(bars)
    scale = max((bar.value or 0 for bar in bars), default=0) or 1
    parts = _open(chart_id, width, height, title, description)
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(f'<text x="0" y="{y + 13}" class="chart-label">{escape(_short(bar.label, 52))}</text>')
        if bar.value is None:
            parts.append(f'<text x="0" y="{y + 31}" class="chart-note">{escape(bar.text)}</text>')
            continue
        length = round((width - 130) * bar.value / scale, 1)  # room for the figure after the bar
        parts.append(
            f'<rect x="0" y="{y + 19}" width="{max(length, 1)}" height="14" rx="2" fill="{PALETTE[0]}"></rect>'
        )
        parts.append(f'<text x="{length + 6}" y="{y + 31}" class="chart-value">{escape(bar.text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def line_chart(*, x_labels: list[str], series: list[Series], title: str, description: str, chart_id: str) -> SafeString:
    """Lines of shares over time on a shared 0..max% axis; gaps where a value is ``None``."""
    values = [value for line in series for value in line.values if value is not None]
    if not series or not x_labels or not values:
        return mark_safe("")
    width, height, left, right, top, bottom = 640, 260, 48, 28, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max(values)
    # A ceiling whose quarters are round numbers: ticks of 1%, 2%, 5%, 10%, 15%, 20% or 25%.
    ceiling = next((c for c in (0.04, 0.08, 0.2, 0.4, 0.6, 0.8, 1.0) if top_value <= c), 1.0)
    step_x = plot_w / (len(x_labels) - 1) if len(x_labels) > 1 else 0

    def x(i: int) -> float:
        return round(left + (i * step_x if len(x_labels) > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(top + plot_h * (1 - value / ceiling), 1)

    parts = _open(chart_id, width, height, title, description)
    for tick in range(5):
        value = ceiling * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}" class="chart-grid"></line>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end" class="chart-axis">{round(value * 100)}%</text>'
        )
    every = max(1, round(len(x_labels) / 6))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            parts.append(
                f'<text x="{x(i)}" y="{height - 8}" text-anchor="middle" class="chart-axis">{escape(label)}</text>'
            )
    for number, line in enumerate(series):
        runs = _runs([None if value is None else (x(i), y(value)) for i, value in enumerate(line.values)])
        parts.extend(_series_svg(number, line.name, runs))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a line: a missing value (``None``) breaks it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _series_svg(number: int, name: str, runs: list[list[tuple[float, float]]]) -> list[str]:
    """One series: a polyline per stretch, a dot for a stretch of one value, its name as the group's title."""
    colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [f'<g class="chart-series"><title>{escape(name)}</title>']
    for points in runs:
        if len(points) > 1:
            coords = " ".join(f"{px},{py}" for px, py in points)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}></polyline>'
            )
        else:
            px, py = points[0]
            parts.append(f'<circle cx="{px}" cy="{py}" r="4" fill="{colour}"></circle>')
    parts.append("</g>")
    return parts


def series_style(index: int) -> dict[str, str]:
    """The colour and dash of the ``index``-th series, for a legend drawn in HTML."""
    return {"colour": PALETTE[index % len(PALETTE)], "dash": DASHES[index % len(DASHES)]}
