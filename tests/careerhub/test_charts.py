"""Server-side SVG charts: zero, one or many points, gaps for too few postings, escaped labels."""

import re

from careerhub.core.charts import Bar, Series, bar_chart, line_chart


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
