"""An editor orders a track's modules in the admin, in a real browser: a row dragged to its place, the Move
buttons with and without JavaScript; the page passes axe."""

import pytest
from django.test import override_settings
from django.urls import reverse

from careerhub.core.editorial import Status
from curriculum.services import module_create
from tests.factories import TrackFactory, make_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture
def track():
    # a draft track: a live track's modules are listed read-only and change through its revisions
    track = TrackFactory(title="MLOps Engineer", status=Status.DRAFT, published_at=None)
    for title in ("Containers", "Pipelines", "Serving"):
        module_create(track=track, title=title, slug=title.lower())
    return track


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def order(track) -> list[str]:
    return list(track.modules.order_by("order").values_list("title", flat=True))


def row(page, title: str):
    return page.locator("#modules-group tbody tr", has=page.locator(f"input[value='{title}']"))


def serious_axe_violations(page, context: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in Axe().run(page, context=context).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@override_settings(DEBUG=False)
def test_an_editor_drags_a_module_to_its_place_and_moves_one_with_the_buttons(tab, track):
    browser = tab(1440)
    page = browser.page
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    sign_in(page, browser.base_url, make_editor().username)
    change = browser.base_url + reverse("admin:curriculum_track_change", args=[track.pk])
    page.goto(change)
    # the modules table says rows can be dragged
    assert page.get_by_text("row to move it").is_visible()
    browser.screenshot("track-admin-modules")

    # when Serving is dragged onto the first row
    with page.expect_navigation():
        row(page, "Serving").drag_to(row(page, "Containers"))
    # then it is first, and the editor is back on the track, told so
    assert order(track) == ["Serving", "Containers", "Pipelines"]
    assert page.url == change
    assert page.get_by_text("“Serving” is now module 1.").is_visible()

    # and the Move down button moves it one place
    with page.expect_navigation():
        page.get_by_role("button", name="Move Serving down").click()
    assert order(track) == ["Containers", "Serving", "Pipelines"]
    # nothing went wrong but the admin's missing icon (Django's admin pages name none; the browser asks anyway)
    assert {url.rsplit("/", 1)[-1] for url in failed} <= {"favicon.ico"}, failed
    assert [p for p in browser.problems if not p.startswith("console: Failed to load resource")] == []
    # and the modules table passes axe (run last: axe's own checks set inline styles, which the policy reports)
    assert serious_axe_violations(page, "#modules-group") == []


@override_settings(DEBUG=False)
def test_the_move_buttons_work_without_javascript(tab, track):
    browser = tab(375, javascript=False)
    page = browser.page
    sign_in(page, browser.base_url, make_editor().username)
    page.goto(browser.base_url + reverse("admin:curriculum_track_change", args=[track.pk]))
    assert page.get_by_text("row to move it").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Move Pipelines up").click()
    assert order(track) == ["Pipelines", "Containers", "Serving"]
