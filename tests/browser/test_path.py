"""The learning path and a track page in a real browser, on a phone-sized and a desktop screen: the path's
drawing fits the screen and links to the tracks, a track page shows its modules before its coverage, and
both pass axe with nothing wider than the screen."""

import pytest
from django.test import override_settings

from curriculum.services import track_set_prerequisites
from tests.browser.axe import axe_failures
from tests.world import build_world, compute_coverage, track_with_modules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [375, 1440]


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """The pages' world with a path: MLOps Engineer, then ML Platform Engineer and LLMOps after it."""
    world = build_world(django_capture_on_commit_callbacks)
    first, _ = track_with_modules(
        title="MLOps Engineer",
        slug="mlops-engineer",
        display_order=0,
        segments=[world.segment],
        modules=[({"title": "Python for ML systems", "slug": "python"}, [world.python])],
    )
    llmops, _ = track_with_modules(
        title="LLMOps",
        slug="llmops",
        display_order=2,
        segments=[world.segment],
        modules=[({"title": "Serving LLMs"}, [])],
    )
    track_set_prerequisites(track=world.track, prerequisites=[first])
    track_set_prerequisites(track=llmops, prerequisites=[first])
    with django_capture_on_commit_callbacks(execute=True):
        compute_coverage(first, world.track, llmops)
    world.first, world.llmops = first, llmops
    return world


def fits(page, name: str, width: int) -> list[str]:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return [f"{name}: {overflow} px wider than a {width} px screen"] if overflow > 0 else []


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_path_diagram_fits_the_screen_links_to_the_tracks_and_passes_axe(tab, world, width):
    browser = tab(width)
    page = browser.open("/tracks/")
    failures = fits(page, "tracks", width) + axe_failures(page, "tracks")

    # the drawing lies within the screen, its text readable (not scaled below two thirds)
    box = page.locator("svg.path-diagram").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    view_width = page.evaluate("document.querySelector('svg.path-diagram').viewBox.baseVal.width")
    assert box["width"] / view_width >= 0.66
    # one link per published track, in path order, each on screen
    links = page.locator("svg.path-diagram a")
    assert [links.nth(n).get_attribute("href") for n in range(links.count())] == [
        "/tracks/mlops-engineer/",
        "/tracks/ml-platform-engineer/",
        "/tracks/llmops/",
    ]
    for n in range(links.count()):
        node = links.nth(n).bounding_box()
        assert node is not None and node["x"] >= 0 and node["x"] + node["width"] <= width
    # the text alternative names the same path
    steps = page.locator("ol.path-steps li").all_inner_texts()
    assert steps[1].startswith("ML Platform Engineer · after MLOps Engineer")
    browser.screenshot("path")

    # a node is a link to its track
    links.nth(2).click()
    page.wait_for_url("**/tracks/llmops/")
    assert page.get_by_role("heading", level=1).inner_text() == "LLMOps"
    assert failures == [] and browser.problems == []


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_track_page_shows_modules_before_coverage_fits_and_passes_axe(tab, world, width):
    browser = tab(width)
    page = browser.open(world.track.get_absolute_url())
    failures = fits(page, "track", width) + axe_failures(page, "track")

    modules = page.get_by_role("heading", name="Modules", exact=True).bounding_box()
    coverage = page.get_by_role("heading", name="Employer demand covered").bounding_box()
    assert modules is not None and coverage is not None and modules["y"] < coverage["y"]
    assert "the tracks before it cover" in page.inner_text("#coverage")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"track page at {width} px: {height} px tall")  # read with -s
    browser.screenshot("track-with-path")

    page.get_by_role("link", name="The full coverage detail").click()
    page.wait_for_url("**/tracks/ml-platform-engineer/coverage/")
    failures += fits(page, "track coverage", width) + axe_failures(page, "track coverage")
    browser.screenshot("track-coverage")
    assert failures == [] and browser.problems == []
