"""The editors' home in a real browser: on a phone-sized screen and a desktop one, with and without JavaScript,
an axe audit, no sideways scrolling, and an editor's way from a reminder to the module it names."""

import pytest
from django.test import Client, override_settings

from tests.careerhub.test_editors_home import build_home
from tests.factories import make_editor

# The live server needs committed data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def editor():
    editor = make_editor(username="editor")
    build_home(editor, 2)
    return editor


def log_in(browser, editor):
    """Open the home as ``editor``, signed in by a session cookie (Django's own login page is not under test)."""
    client = Client()
    client.force_login(editor)
    cookie = client.cookies["sessionid"]
    browser.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": browser.base_url}])
    return browser.open("/admin/")


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_the_home_passes_axe_and_fits_the_screen(tab, editor, width):
    from axe_playwright_python.sync_playwright import Axe

    # given
    browser = tab(width)
    # when
    page = log_in(browser, editor)
    results = Axe().run(page)
    # then
    failures = [f"{v['id']} ({v['impact']}): {v['help']}" for v in results.response["violations"]
                if v["impact"] in {"serious", "critical"}]
    assert failures == []
    assert overflow(page) <= 0
    for title in ("My drafts", "Waiting for my review", "Scheduled", "Recently published", "Reminders"):
        assert page.get_by_role("heading", name=title, level=2).is_visible()
    browser.screenshot("editors-home")
    assert browser.problems == []


@override_settings(DEBUG=False)
def test_without_javascript_an_editor_goes_from_a_drift_reminder_to_its_module(tab, editor):
    # given
    browser = tab(375, javascript=False)
    missing = []
    browser.page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    page = log_in(browser, editor)
    reminders = page.locator("#panel-reminders")
    assert overflow(page) <= 0
    first = reminders.locator("ul.home-items > li").first
    assert "Demand drift" in first.inner_text() and "points" in first.inner_text()
    title = first.get_by_role("link").first.inner_text()
    # when
    first.get_by_role("link").first.click()
    # then
    page.wait_for_url("**/admin/curriculum/module/*/change/")
    assert page.locator("#id_title").input_value() == title.split(": ", 1)[1]
    # The admin's change page names no icon, so the browser asks for /favicon.ico: nothing else may be missing.
    assert {url.removeprefix(browser.base_url) for url in missing} <= {"/favicon.ico"}
    assert [p for p in browser.problems if "404" not in p] == []
