"""The learners' site in a real browser: a learner's journey, filters and pagination, search, a phone-sized
screen, an accessibility audit of every page type, and no console errors."""

import pytest
from django.test import override_settings

from careerhub.core.editorial import Status
from tests.factories import PostingFactory, SegmentFactory
from tests.world import build_world

# The live server needs committed data; each test builds the small world (well under a second).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_WORD = "Unbreakable" * 30


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    world = build_world(django_capture_on_commit_callbacks)
    SegmentFactory(
        name="Hostile <script>alert('x')</script> segment",
        slug="hostile",
        display_order=99,
        summary=f"<img src=x onerror=alert(1)> {HOSTILE_WORD} ‮ reversed ünïcödé 🚀",
        looks_for=[HOSTILE_WORD, "<b>bold?</b>"],
        status=Status.PUBLISHED,
    )
    world.hostile_posting = PostingFactory(
        title=f"<script>alert('t')</script> {HOSTILE_WORD[:250]}", employer=world.employer, segment=world.segment,
        description=f"<img src=x onerror=alert(1)>\n{HOSTILE_WORD}\n\u202e reversed 🚀 " * 3,
        location="<b>Nowhere</b>",
    )
    return world


def page_types(world) -> dict[str, str]:
    return {
        "home": "/",
        "segments": "/segments/",
        "segment": world.segment.get_absolute_url(),
        "hostile-segment": "/segments/hostile/",
        "tracks": "/tracks/",
        "track": world.track.get_absolute_url(),
        "track-coverage": world.track.get_absolute_url() + "coverage/",
        "module": world.module.get_absolute_url(),
        "skills": "/skills/",
        "skill": world.kubernetes.get_absolute_url(),
        "postings": "/postings/",
        "posting": world.postings[0].get_absolute_url(),
        "hostile-posting": world.hostile_posting.get_absolute_url(),
        "search": "/search/?q=kubernetes",
    }


def test_a_learners_journey_home_segment_skill_track_module(tab, world):
    browser = tab()
    page = browser.open("/")
    page.get_by_role("link", name="Financial services").first.click()
    page.wait_for_url("**/segments/financial-services/")
    assert page.get_by_role("heading", level=1).inner_text() == "Financial services"
    assert page.get_by_role("img", name="Skills most asked for by Financial services employers").is_visible()
    page.get_by_text("Data table: Skills most asked for").click()  # the chart's data, without the picture
    assert page.get_by_role("cell", name="rising (+50.0 points)").is_visible()

    page.locator(".evidence").get_by_role("link", name="Kubernetes").first.click()
    page.wait_for_url("**/skills/kubernetes/")
    assert page.get_by_role("img", name="Demand for Kubernetes over time, per segment").is_visible()
    page.get_by_role("link", name="ML Platform Engineer").first.click()
    page.wait_for_url("**/tracks/ml-platform-engineer/")
    page.get_by_role("link", name="Orchestration").click()
    page.wait_for_url("**/modules/orchestration/")
    assert page.get_by_role("heading", level=1).inner_text() == "Orchestration"
    # the module's skills table: Kubernetes in the Financial services column
    kubernetes = page.get_by_role("row").filter(has=page.get_by_role("link", name="Kubernetes"))
    assert kubernetes.get_by_role("cell").first.inner_text().startswith("50%, rising")
    assert browser.problems == []


def test_filters_pagination_and_search(tab, world):
    browser = tab()
    page = browser.open("/postings/")
    page.get_by_label("Segment", exact=True).select_option("financial-services")
    page.get_by_label("Skill", exact=True).select_option("kubernetes")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/postings/?segment=financial-services&skill=kubernetes*")
    assert "Postings 1 to 20, newest first." in page.inner_text("main")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2")
    # 30 in October and 10 in July ask for Kubernetes
    assert "Postings 21 to 40" in page.inner_text("main") and page.locator("li.posting").count() == 20
    assert page.get_by_label("Skill", exact=True).input_value() == "kubernetes"  # filters survive paging

    page.get_by_label("Search CareerHub").fill("kubernetes")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=kubernetes")
    assert page.locator("ol.results li").first.inner_text().startswith("Skill")
    assert browser.problems == []


def test_keyboard_users_can_skip_to_the_content(tab, world):
    browser = tab()
    page = browser.open("/segments/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


# About 25 s per width: an axe audit, a fit check and a screenshot of each of 15 page types.
@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_every_page_type_passes_axe_fits_the_screen_and_logs_no_error(tab, world, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    browser = tab(width)
    failures = []
    for name, path in [*page_types(world).items(), ("not-found", "/no-such-page/")]:
        page = browser.open(path, 404 if name == "not-found" else 200)
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                failures.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            failures.append(f"{name}: {overflow} px wider than a {width} px screen")
        browser.screenshot(name)
    # The 404 itself is logged by the browser as a failed resource; nothing else may be.
    problems = [p for p in browser.problems if "404" not in p]
    assert failures == [] and problems == []
