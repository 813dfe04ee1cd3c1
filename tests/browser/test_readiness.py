"""The readiness page in a real browser: skills ticked by keyboard with type-ahead, a CV pasted and its skills
confirmed, the answer's address shared and reopened, progress kept across reloads and moved as a file, the page
without JavaScript, an axe audit, and a phone-sized and a wide screen."""

import json
from urllib.parse import unquote

import pytest
from django.test import override_settings

from tests.world import build_readiness_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CV = "Senior engineer. Ran k8s clusters for model serving, wrote the Python services, kept SOX evidence."


@pytest.fixture
def world():
    return build_readiness_world()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]
            if v["impact"] in {"serious", "critical"}]  # fmt: skip


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_tick_skills_by_keyboard_then_share_the_address_and_reopen_it(tab, world, width):
    browser = tab(width)
    page = browser.open("/readiness/")
    assert fits(page) and serious_violations(page) == []
    browser.screenshot("readiness-form")

    # when the learner types part of a skill's name and presses Enter, twice, then submits with the keyboard
    finder = page.get_by_label("Find a skill")
    finder.fill("pyth")
    assert page.get_by_role("status").filter(has_text="1 skill matches.").is_visible()
    finder.press("Enter")
    finder.fill("kube")
    finder.press("Enter")
    assert page.get_by_text("Ticked Kubernetes.").is_visible()
    finder.fill("")
    page.get_by_label("Plan for").select_option("finance")
    page.get_by_role("button", name="Show my readiness").focus()
    page.keyboard.press("Enter")

    # then the answer is at an address of its own: the ticked skills, nothing else
    page.wait_for_url("**/readiness/?skills=**")
    assert unquote(page.url).endswith("/readiness/?skills=kubernetes,python&segment=finance")
    assert page.get_by_role("heading", name="Finance: 58% ready").is_visible()
    assert page.get_by_role("link", name="Containers").count() == 0  # known: Python basics and Containers
    assert fits(page) and serious_violations(page) == []
    browser.screenshot("readiness-answer")

    # and the address, opened in another browser (nothing stored there), shows the same answer
    other = tab(width).open(page.url.removeprefix(browser.base_url))
    assert other.get_by_role("heading", name="Finance: 58% ready").is_visible()
    assert other.get_by_label("Python", exact=True).is_checked()
    assert browser.problems == []


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_paste_a_cv_confirm_its_skills_and_check_a_job_ad(tab, world, width):
    browser = tab(width)
    page = browser.open("/readiness/")

    # when a CV is pasted and sent
    page.get_by_label("Or paste a CV, a profile or a list of projects").fill(CV)
    page.get_by_role("button", name="Show my readiness").click()
    page.wait_for_load_state()

    # then its skills are listed with the words that matched, for the learner to confirm; the text is in no URL
    found = page.locator(".found")
    assert found.get_by_text("matched “k8s clusters”").is_visible() or found.get_by_text("matched “k8s”").is_visible()
    assert [found.get_by_label(name, exact=True).is_checked() for name in ("Kubernetes", "Python", "SOX")] == [
        True, True, True
    ]
    assert page.url.endswith("/readiness/") and fits(page) and serious_violations(page) == []
    browser.screenshot("readiness-found")
    found.get_by_label("SOX", exact=True).uncheck()
    found.get_by_role("button", name="Keep these skills").click()
    page.wait_for_url("**/readiness/?skills=**")
    assert unquote(page.url).endswith("/readiness/?skills=kubernetes,python")
    assert "k8s" not in page.url and "Senior" not in page.url

    # and a job ad is checked against those skills
    page.get_by_role("link", name="Check a job ad").click()
    page.get_by_label("Paste a job ad").fill("We need Kubernetes, MLflow and SOX.")
    page.get_by_role("button", name="Check this ad").click()
    page.wait_for_load_state()
    assert page.get_by_text("Most like Finance").is_visible()
    assert page.get_by_text("MLflow and SOX.").is_visible()  # what the learner still misses
    assert fits(page) and serious_violations(page) == []
    browser.screenshot("readiness-job-ad")
    assert browser.problems == []


@override_settings(DEBUG=False)
def test_progress_is_kept_across_reloads_counts_when_done_and_moves_as_a_file(tab, world, tmp_path):
    browser = tab(1440)
    page = browser.open("/readiness/?skills=python,terraform&segment=finance")
    assert page.get_by_role("heading", name="Finance: 33% ready").is_visible()

    # when the learner marks the first module of the plan done and another in progress, then reloads
    page.get_by_label("Progress on Containers").select_option("done")
    page.get_by_label("Progress on Tracking").select_option("in-progress")
    page.reload()

    # then the marks are still there, and the answer offers to count the module done
    assert page.get_by_label("Progress on Containers").input_value() == "done"
    assert page.get_by_label("Progress on Tracking").input_value() == "in-progress"
    page.get_by_role("link", name="Update the answer").click()
    page.wait_for_url("**done=foundations**")
    assert page.get_by_role("heading", name="Finance: 58% ready").is_visible()  # Kubernetes, from Containers
    assert page.get_by_label("Progress on Containers").input_value() == "done"  # listed among the modules done
    assert serious_violations(page) == []

    # and the skills and marks leave as a JSON file and arrive in another browser
    with page.expect_download() as download:
        page.get_by_role("button", name="Export my progress (JSON)").click()
    exported = json.loads(download.value.path().read_text())
    assert exported["format"] == "careerhub-readiness-progress"
    assert exported["skills"] == ["python", "terraform"]
    assert exported["progress"] == {"foundations/containers": "done", "platform/tracking": "in-progress"}
    file = tmp_path / "progress.json"
    file.write_text(json.dumps(exported))
    other = tab(1440)
    fresh = other.open("/readiness/")
    fresh.get_by_label("Import progress from a file").set_input_files(str(file))
    fresh.get_by_role("link", name="Show the answer for them").click()
    fresh.wait_for_url("**/readiness/?skills=**")
    assert fresh.get_by_role("heading", name="Flat: 65% ready").is_visible()
    assert fresh.get_by_label("Progress on Containers").input_value() == "done"
    assert browser.problems == [] and other.problems == []


@override_settings(DEBUG=False)
@pytest.mark.parametrize("width", [375, 1440])
def test_without_javascript_the_form_and_the_answer_work(tab, world, width):
    browser = tab(width, javascript=False)
    page = browser.open("/readiness/")

    # no type-ahead and no progress tools without the script
    assert not page.get_by_label("Find a skill").is_visible()
    assert not page.get_by_role("button", name="Export my progress (JSON)").is_visible()

    # when the learner opens a category, ticks two skills and sends the form (a POST, then the answer's address)
    page.get_by_text("Platform skills", exact=True).click()
    page.get_by_label("Python", exact=True).check()
    page.get_by_label("Terraform", exact=True).check()
    page.get_by_label("Plan for").select_option("finance")
    page.get_by_role("button", name="Show my readiness").click()
    page.wait_for_url("**/readiness/?skills=**")
    assert unquote(page.url).endswith("/readiness/?skills=python,terraform&segment=finance")
    assert page.get_by_role("heading", name="Finance: 33% ready").is_visible()
    assert page.get_by_role("link", name="Containers").is_visible()
    assert fits(page)
    browser.screenshot("readiness-no-script")

    # and a pasted CV's skills are confirmed the same way
    page.get_by_label("Or paste a CV, a profile or a list of projects").fill(CV)
    page.get_by_role("button", name="Show my readiness").click()
    page.wait_for_load_state()
    page.locator(".found").get_by_role("button", name="Keep these skills").click()
    page.wait_for_url("**/readiness/?skills=**")
    assert unquote(page.url).endswith("/readiness/?skills=kubernetes,python,sox,terraform&segment=finance")
    assert page.get_by_role("heading", name="Finance: 75% ready").is_visible()  # MLflow still missing
    assert fits(page) and browser.problems == []
