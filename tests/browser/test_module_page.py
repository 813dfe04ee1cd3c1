"""A module with its content, in a real browser on a phone-sized screen: it fits, passes axe, and the
self-check answers open without JavaScript."""

import pytest
from django.test import override_settings

from curriculum.services import module_update
from tests.factories import ModuleFactory, TrackFactory
from tests.world import add_module_content, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE_TABLE = "| " + " | ".join(f"column {n}" for n in range(12)) + " |\n|" + "---|" * 12 + "\n| " + " | ".join(
    "a-rather-long-cell-value" for _ in range(12)
) + " |\n"
LONG_CODE = "```sh\n" + "kubectl apply -f " + "very/long/path/" * 20 + "deployment.yaml\n```\n"


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    world = build_world(django_capture_on_commit_callbacks)
    containers = ModuleFactory(title="Containers", slug="containers", track=TrackFactory(title="MLOps Engineer"))
    add_module_content(world.module, prerequisites=[containers])
    module_update(
        module=world.module,
        data={"body": world.module.body + "\n" + WIDE_TABLE + "\n" + LONG_CODE + "\n" + "Unbreakable" * 30},
    )
    return world


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_a_module_with_content_fits_passes_axe_and_opens_answers_without_script(tab, world, width):
    from axe_playwright_python.sync_playwright import Axe

    browser = tab(width)
    page = browser.open(world.module.get_absolute_url())
    # what it teaches is on the page
    assert page.get_by_role("heading", name="You will be able to").is_visible()
    assert page.get_by_role("heading", name="Pods and deployments").is_visible()
    assert page.get_by_role("link", name="Containers").is_visible()
    # it fits the screen: wide tables and code scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # no serious accessibility problem
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert violations == []
    # an answer is hidden until its question is opened
    answer = page.get_by_text("A Deployment.")
    assert not answer.is_visible()
    page.get_by_text("What owns a ReplicaSet?").click()
    assert answer.is_visible()
    browser.screenshot("module-with-content")
    assert browser.problems == []


def test_answers_open_with_javascript_turned_off(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server.url + world.module.get_absolute_url())
        page.get_by_text("How do you roll back?").click()
        assert page.get_by_text("kubectl rollout undo.").is_visible()
    finally:
        context.close()
