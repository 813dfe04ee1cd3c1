"""Two segments compared in a real browser: side by side on a wide screen, one above the other on a phone,
never wider than the screen, readable by axe's rules, with no console error."""

import pytest
from django.test import override_settings

from tests.world import build_tiers_world, track_with_modules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_the_comparison_fits_the_screen_and_stacks_on_a_phone(tab, width):
    from axe_playwright_python.sync_playwright import Axe

    # given two segments with tiers and tracks
    world = build_tiers_world()
    track_with_modules(title="Regulated ML", slug="regulated-ml", segments=[world["finance"]])
    browser = tab(width)

    # when a learner picks two segments on the segments list, without any script of the site's
    page = browser.open("/segments/")
    page.get_by_label("First segment").select_option("finance")
    page.get_by_label("Second segment").select_option("health")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/segments/compare/?a=finance&b=health")

    # then both sides show, side by side on a wide screen and stacked on a phone
    sides = page.locator(".compare-side")
    assert sides.count() == 2
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    if width >= 1024:
        assert second["x"] > first["x"] + first["width"] - 1 and abs(second["y"] - first["y"]) < 1
    else:
        assert abs(second["x"] - first["x"]) < 1 and second["y"] >= first["y"] + first["height"]
    assert page.get_by_role("heading", name="Finance").is_visible()
    assert page.get_by_role("link", name="Regulated ML").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    serious = [
        f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == []
    browser.screenshot("segment-compare")

    # and a bad choice is a readable error, still within the screen
    page = browser.open("/segments/compare/?a=finance&b=finance", status=400)
    assert "Choose two different segments." in page.get_by_role("alert").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert browser.problems == [] or all("400" in problem for problem in browser.problems)
