"""The Content-Security-Policy in a real browser: the listener of tests/browser/conftest.py hears a violation,
and the admin (Django's pages and ours) and the API's docs run under the strict policy without one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long test password 42"


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    return build_world(django_capture_on_commit_callbacks)


def test_an_inline_script_or_style_is_blocked_and_reported(tab, world):
    # given a public page under the policy
    browser = tab()
    page = browser.open("/")
    # when a script adds an inline script and an inline style to it
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
        const style = document.createElement("div");
        style.setAttribute("style", "color: red");
        document.body.append(style);
    }""")
    page.wait_for_timeout(200)
    # then neither applies, and both are reported to the test as problems
    assert page.evaluate("window.inlineRan === undefined")
    violations = [problem for problem in browser.problems if problem.startswith("csp: ")]
    assert any("script-src" in problem for problem in violations), browser.problems
    assert any("style-src" in problem for problem in violations), browser.problems


def test_the_admin_and_the_api_docs_work_under_the_policy(tab, world):
    # given an administrator logged in through the admin's own form
    get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    browser = tab()
    page = browser.open("/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    # when they open lists, forms (with their scripts: prepopulated slugs, filters, related widgets) and our own pages
    paths = [
        "/admin/",
        reverse("admin:segments_segment_changelist"),
        reverse("admin:segments_segment_change", args=[world.segment.pk]),
        reverse("admin:curriculum_track_add"),
        reverse("admin:curriculum_module_change", args=[world.module.pk]),
        reverse("admin:postings_posting_changelist") + "?status__exact=published",
        reverse("admin:postings_demandrun_changelist"),
        reverse("admin:curriculum_trackcoverage_changelist"),
        reverse("admin:curriculum_trackcoverage_track", args=[world.track.pk]),
        reverse("admin:curriculum_trackcoverage_duplication"),
    ]
    for path in paths:
        browser.open(path)
    page = browser.open(reverse("admin:curriculum_track_add"))
    page.locator("#id_title").press_sequentially("Policy Track")
    slug = page.input_value("#id_slug")  # the prepopulated-fields script ran
    page = browser.open("/api/v1/docs/")
    page.wait_for_selector("#swagger-ui .info .title")  # Swagger UI started from its own script file
    # then nothing was blocked and no script failed
    assert slug == "policy-track"
    # The admin links no favicon: the browser's own request for /favicon.ico is the one 404.
    assert [problem for problem in browser.problems if "status of 404" not in problem] == []
