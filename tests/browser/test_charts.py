"""Charts in a real browser: on a phone and on a wide screen, no two axis labels overlap and no text of a
chart reaches outside its drawing (measured with getBoundingClientRect, as rendered)."""

import itertools

import pytest

from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text of every chart on the page, and the chart's own box, in CSS pixels as drawn.
MEASURE = """
() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].map(text => {
    const r = text.getBoundingClientRect();
    return {text: text.textContent, axis: text.classList.contains('chart-axis'),
            left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  return {id: svg.id, left: box.left, right: box.right, top: box.top, bottom: box.bottom, texts};
})
"""
TOLERANCE = 0.5  # CSS pixels of anti-aliasing and rounding
SPACE = 2  # CSS pixels at least between two month labels, so they read as two


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    return build_world(django_capture_on_commit_callbacks)


def _x_axis(chart: dict) -> list[dict]:
    """The month labels: the axis labels on the lowest row."""
    axis = [text for text in chart["texts"] if text["axis"]]
    bottom = max(text["bottom"] for text in axis)
    return sorted((text for text in axis if abs(text["bottom"] - bottom) < 1), key=lambda text: text["left"])


@pytest.mark.parametrize("width", [375, 1440])
@pytest.mark.parametrize("page_of", ["skill", "segment"])
def test_trend_chart_labels_never_overlap_or_leave_the_chart(tab, world, width, page_of):
    # given: a page with a trend chart (12 months of demand) on a phone or a wide screen
    url = world.kubernetes.get_absolute_url() if page_of == "skill" else world.segment.get_absolute_url()
    browser = tab(width)
    page = browser.open(url)
    # when
    charts = page.evaluate(MEASURE)
    # then: a trend chart with its months labelled, first and last included
    trend = next(chart for chart in charts if chart["id"] in {"demand-chart", "trend-chart"})
    months = _x_axis(trend)
    assert len(months) >= 4
    assert trend["right"] <= width + TOLERANCE  # the chart itself fits the screen
    for chart in charts:
        for text in chart["texts"]:
            assert chart["left"] - TOLERANCE <= text["left"] and text["right"] <= chart["right"] + TOLERANCE, text
            assert chart["top"] - TOLERANCE <= text["top"] and text["bottom"] <= chart["bottom"] + TOLERANCE, text
    for before, after in itertools.pairwise(months):
        assert before["right"] + SPACE <= after["left"], (before, after)
    browser.screenshot(f"chart-{page_of}")
    assert browser.problems == []
