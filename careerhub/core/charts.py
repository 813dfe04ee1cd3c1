"""Charts drawn on the server as SVG: readable without JavaScript, labelled for screen readers.

Every chart carries a ``<title>`` and a ``<desc>``; pages put the same figures in a data table
next to it. Values are shares (0..1) or ``None`` where the sample is too small to show one: a bar
then says "too few postings" and a line leaves a gap. Zero bars or series draw nothing (the page
says there is no data); one point is drawn as a marker. All text is escaped here.

No text is drawn outside the viewBox and no two axis labels overlap: text widths are estimated
generously (``text_width``), the x axis shows every k-th month with the smallest k that leaves a
gap between labels (the first anchored at its start, the last at its end, both always shown), and
a label too long for its room is shortened. The SVG scales as a whole, so what holds in the
viewBox holds at every screen width.
"""

import unicodedata
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white, told apart by dash pattern as well as hue.
PALETTE = ["#0b5cad", "#b3261e", "#1e7b34", "#7a3ea8", "#8a5a00", "#00707a"]
DASHES = ["", "6 4", "2 3", "10 3 2 3", "12 4", "4 2 1 2"]
MAX_LABEL = 34
# Font sizes in the viewBox's units: keep them equal to site.css (.chart text, .chart .chart-axis).
TEXT_FONT = 13
AXIS_FONT = 15
LABEL_GAP = 8  # the least space between two axis labels
# Widths in ems, at or above those of the widest common sans-serif faces (DejaVu Sans, Chromium's
# system-ui on Debian): an estimate that errs wide thins labels a little early, never overlaps them.
NARROW, WIDE = set(" .,:;'!|iljtfI()[]"), set("mwMW@%…—")


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


def _char_width(char: str) -> float:
    if char in NARROW:
        return 0.4
    if char in WIDE or unicodedata.east_asian_width(char) in "WF":
        return 1.0
    if char.isascii():
        return 0.8 if char.isupper() else 0.66
    return 0.9


def text_width(text: str, font: float) -> float:
    """A generous estimate of how wide ``text`` is drawn at ``font`` (units of the viewBox)."""
    return round(sum(_char_width(char) for char in text) * font, 1)


def fit(text: str, room: float, font: float) -> str:
    """``text``, shortened with an ellipsis until its estimated width fits in ``room``."""
    if text_width(text, font) <= room:
        return text
    while text and text_width(text + "…", font) > room:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class AxisLabel:
    """A label drawn on the x axis: its text, anchor point and the box it is estimated to cover."""

    index: int  # of the value it labels
    text: str
    x: float
    anchor: str  # "start", "middle" or "end", as SVG's text-anchor
    left: float
    right: float


def _axis_label(index: int, text: str, x: float, anchor: str, font: float) -> AxisLabel:
    width = text_width(text, font)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return AxisLabel(index, text, x, anchor, round(left, 1), round(left + width, 1))


def x_axis_labels(
    texts: list[str], xs: list[float], *, font: float = AXIS_FONT, gap: float = LABEL_GAP
) -> list[AxisLabel]:
    """The labels to draw under ``xs`` (ascending): every k-th, k as small as leaves ``gap`` between them.

    The first label starts at its point and the last ends at its point, so neither reaches past the
    first and last values (the plot's edges); both are always shown, and a label between is left out
    when it would come closer than ``gap`` to the last. A single label is centred. Labels longer than
    half the room between the first and last points are shortened, so the first and last fit.
    """
    count = len(texts)
    if count == 1:
        return [_axis_label(0, texts[0], xs[0], "middle", font)]
    room = (xs[-1] - xs[0] - gap) / 2
    texts = [fit(text, room, font) for text in texts]

    def label(index: int) -> AxisLabel:
        anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
        return _axis_label(index, texts[index], xs[index], anchor, font)

    for step in range(1, count):
        shown = [label(index) for index in [*range(0, count - 1, step), count - 1]]
        while len(shown) > 2 and shown[-2].right + gap > shown[-1].left:
            shown.pop(-2)
        if all(a.right + gap <= b.left for a, b in pairwise(shown)):
            return shown
    return [label(0), label(count - 1)]


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
    # Room for the figure after the longest bar: at least 130, more for a long figure ("too few
    # postings" notes are drawn on their own, from the left).
    figures = [fit(bar.text, width, TEXT_FONT) for bar in bars]
    after = [text_width(figure, TEXT_FONT) for bar, figure in zip(bars, figures, strict=True) if bar.value is not None]
    longest = min(width - 130, width - 6 - max(after, default=0))
    parts = _open(chart_id, width, height, title, description)
    for index, (bar, figure) in enumerate(zip(bars, figures, strict=True)):
        y = top + index * row
        label = fit(_short(bar.label, 52), width, TEXT_FONT)
        parts.append(f'<text x="0" y="{y + 13}" class="chart-label">{escape(label)}</text>')
        if bar.value is None:
            parts.append(f'<text x="0" y="{y + 31}" class="chart-note">{escape(figure)}</text>')
            continue
        length = round(max(longest, 0) * bar.value / scale, 1)
        parts.append(
            f'<rect x="0" y="{y + 19}" width="{max(length, 1)}" height="14" rx="2" fill="{PALETTE[0]}"></rect>'
        )
        parts.append(f'<text x="{length + 6}" y="{y + 31}" class="chart-value">{escape(figure)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def line_chart(*, x_labels: list[str], series: list[Series], title: str, description: str, chart_id: str) -> SafeString:
    """Lines of shares over time on a shared 0..max% axis; gaps where a value is ``None``."""
    values = [value for line in series for value in line.values if value is not None]
    if not series or not x_labels or not values:
        return mark_safe("")
    top_value = max(values)
    # A ceiling whose quarters are round numbers: ticks of 1%, 2%, 5%, 10%, 15%, 20% or 25%.
    ceiling = next((c for c in (0.04, 0.08, 0.2, 0.4, 0.6, 0.8, 1.0) if top_value <= c), 1.0)
    ticks = [(ceiling * tick / 4, f"{round(ceiling * tick / 4 * 100)}%") for tick in range(5)]
    # The y labels end 6 units left of the plot; the plot starts where the widest of them leaves room.
    width, height, right, top, bottom = 640, 260, 12, 10, 28
    left = round(max(text_width(text, AXIS_FONT) for _, text in ticks) + 10)
    plot_w, plot_h = width - left - right, height - top - bottom
    step_x = plot_w / (len(x_labels) - 1) if len(x_labels) > 1 else 0

    def x(i: int) -> float:
        return round(left + (i * step_x if len(x_labels) > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(top + plot_h * (1 - value / ceiling), 1)

    parts = _open(chart_id, width, height, title, description)
    for value, text in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}" class="chart-grid"></line>'
        )
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4}" text-anchor="end" class="chart-axis">{text}</text>')
    for label in x_axis_labels(x_labels, [x(i) for i in range(len(x_labels))]):
        parts.append(
            f'<text x="{label.x}" y="{height - 8}" text-anchor="{label.anchor}" class="chart-axis">'
            f"{escape(label.text)}</text>"
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
