"""Server-side SVG charts: zero, one or many points, gaps for too few postings, escaped labels."""

import datetime
import html
import itertools
import re

import pytest

from careerhub.core.charts import (
    AXIS_FONT,
    LABEL_GAP,
    TEXT_FONT,
    AxisLabel,
    Bar,
    Series,
    bar_chart,
    fit,
    line_chart,
    text_width,
    x_axis_labels,
)


def test_bar_chart_draws_one_bar_per_value_and_a_note_for_too_few():
    svg = bar_chart(
        bars=[Bar("Kubernetes", 0.5, "50%"), Bar("Python", 1.0, "100%"), Bar("Rare", None, "too few postings (4)")],
        title="Top skills",
        description="Shares",
        chart_id="c",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    widths = [float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [135.0, 270.0]  # proportional to the largest share
    assert "too few postings (4)" in svg


def test_charts_with_no_data_draw_nothing():
    assert bar_chart(bars=[], title="t", description="d", chart_id="c") == ""
    assert line_chart(x_labels=[], series=[], title="t", description="d", chart_id="c") == ""
    assert line_chart(x_labels=["Jan"], series=[Series("A", [None])], title="t", description="d", chart_id="c") == ""


def test_one_point_is_a_marker_and_many_points_a_line_with_gaps():
    one = line_chart(x_labels=["Oct"], series=[Series("A", [0.4])], title="t", description="d", chart_id="c")
    assert "<circle" in one and "<polyline" not in one
    many = line_chart(
        x_labels=["Jan", "Feb", "Mar", "Apr", "May"],
        series=[Series("A", [0.1, 0.2, None, 0.3, 0.35]), Series("B", [0.5, 0.5, 0.5, 0.5, 0.5])],
        title="t",
        description="d",
        chart_id="c",
    )
    assert many.count("<polyline") == 3  # A is cut in two by its gap, B is whole
    assert 'stroke-dasharray="6 4"' in many  # the second series differs by more than colour
    assert ">60%</text>" in many and ">15%</text>" in many  # a ceiling above the largest value, round quarters


def test_labels_are_escaped_and_long_ones_shortened():
    hostile = '<script>alert("x")</script>' + "W" * 80
    svg = bar_chart(bars=[Bar(hostile, 0.3, "30%")], title="<b>t</b>", description="&", chart_id='c"><x')
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    assert 'id="c&quot;&gt;&lt;x"' in svg
    assert "W" * 60 not in svg and "…" in svg


# --- Axis labels: never overlapping, never outside the viewBox ----------------------------------------------

VIEWBOX_WIDTH = 640
TEXT = re.compile(r'<text x="([\d.-]+)" y="([\d.-]+)" text-anchor="(\w+)" class="chart-axis">([^<]*)</text>')


def month_labels(count: int, first: datetime.date = datetime.date(2024, 1, 1)) -> list[str]:
    return [datetime.date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1).strftime("%b %y")
            for i in range(count)]  # fmt: skip


def drawn_labels(svg: str) -> tuple[list[AxisLabel], list[AxisLabel]]:
    """The x-axis and y-axis labels of a line chart, with the boxes the layout estimates for them."""
    rows: dict[str, list[AxisLabel]] = {}
    for x, y, anchor, text in TEXT.findall(svg):
        width = text_width(html.unescape(text), AXIS_FONT)
        left = float(x) - {"start": 0, "middle": width / 2, "end": width}[anchor]
        rows.setdefault(y, []).append(AxisLabel(0, html.unescape(text), float(x), anchor, left, left + width))
    bottom = max(rows, key=float)
    return rows.pop(bottom), [label for labels in rows.values() for label in labels]


def assert_apart_and_inside(labels: list[AxisLabel], left: float = 0, right: float = VIEWBOX_WIDTH) -> None:
    for label in labels:
        assert left <= label.left and label.right <= right, label
    for a, b in itertools.pairwise(sorted(labels, key=lambda label: label.left)):
        assert a.right + LABEL_GAP <= b.left, (a, b)


@pytest.mark.parametrize("months", [1, 2, 3, 12, 24, 26, 36, 60])
def test_month_labels_keep_apart_inside_the_chart_with_first_and_last_shown(months):
    # given
    texts = month_labels(months)
    # when
    svg = line_chart(
        x_labels=texts, series=[Series("A", [0.1] * months)], title="t", description="d", chart_id="c"
    )
    # then
    x_axis, y_axis = drawn_labels(svg)
    assert f'viewBox="0 0 {VIEWBOX_WIDTH} 260"' in svg
    assert_apart_and_inside(x_axis)
    assert all(label.left >= 0 and label.right <= VIEWBOX_WIDTH for label in y_axis)  # stacked: apart by rows
    assert x_axis[0].text == texts[0] and x_axis[-1].text == texts[-1]
    if months > 1:
        assert (x_axis[0].anchor, x_axis[-1].anchor) == ("start", "end")
    # as many labels as fit: thinning leaves no room for one more between two shown
    assert len(x_axis) >= min(months, 6)


def test_the_reported_overlap_of_the_last_two_months_is_gone():
    # given: 26 months ending December 2026, where "Nov 26" and "Dec 26" used to be drawn together
    texts = month_labels(26, datetime.date(2024, 11, 1))
    assert texts[-2:] == ["Nov 26", "Dec 26"]
    # when
    x_axis, _ = drawn_labels(line_chart(x_labels=texts, series=[Series("A", [0.3] * 26)], title="t",
                                        description="d", chart_id="c"))  # fmt: skip
    # then
    assert "Nov 26" not in [label.text for label in x_axis]
    assert_apart_and_inside(x_axis)


@pytest.mark.parametrize("months", [2, 5, 12, 24, 36])
@pytest.mark.parametrize(
    "label", ["September 2026 (provisional figures)", "W" * 40, "漢字" * 20, "<b>&amp;</b> " * 8, "i" * 90]
)
def test_long_labels_are_shortened_to_fit_and_keep_apart(months, label):
    # given: points spread over a 583-unit plot, labels much wider than the space between points
    xs = [45 + i * 583 / max(months - 1, 1) for i in range(months)]
    texts = [f"{label} {i}" for i in range(months)]
    # when
    labels = x_axis_labels(texts, xs)
    # then: the first and last shown, inside the first and last points, nothing overlapping
    assert [labels[0].index, labels[-1].index] == [0, months - 1]
    assert_apart_and_inside(labels, left=xs[0], right=xs[-1])
    assert all(text_width(lab.text, AXIS_FONT) == round(lab.right - lab.left, 1) for lab in labels)
    assert any(lab.text.endswith("…") for lab in labels)


def test_one_label_is_centred_on_its_point():
    (label,) = x_axis_labels(["Oct 26"], [320.0])
    assert label.anchor == "middle" and label.left < 320 < label.right


def test_text_widths_err_wide():
    # DejaVu Sans, the widest common face, draws "Nov 26" 3.5 em wide and "WWW" 3 em at most
    assert text_width("Nov 26", 10) >= 35
    assert text_width("WWW", 10) >= 29.7
    assert fit("A long label to shorten", 60, 10).endswith("…")
    assert text_width(fit("A long label to shorten", 60, 10), 10) <= 60


def test_bar_labels_and_figures_stay_inside_the_chart():
    # given: a label of wide letters and a long figure
    bars = [Bar("W" * 80, 1.0, "100% · too few postings"), Bar("Python", 0.5, "50% · rising")]
    # when
    svg = bar_chart(bars=bars, title="t", description="d", chart_id="c")
    # then: every text ends inside the 400-wide viewBox by the estimate
    for x, text in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="chart-[a-z]+">([^<]*)</text>', svg):
        assert float(x) + text_width(html.unescape(text), TEXT_FONT) <= 400, text
