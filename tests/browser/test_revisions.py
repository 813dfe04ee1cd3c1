"""The editor's path in a real browser, without JavaScript: a draft of live content, submitted for review,
published by a publisher; the revisions page and the preview pass axe."""

import pytest
from django.test import override_settings

from segments.models import Segment
from tests.factories import SegmentFactory, make_editor, make_publisher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def log_in(browser, user) -> None:
    page = browser.open("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def axe_failures(page, name: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@override_settings(DEBUG=False)
def test_draft_submit_publish(tab):
    # given: a live segment, an editor and a publisher
    segment = SegmentFactory(name="Fintech", slug="fintech", summary="Live summary.")
    editor, publisher = make_editor(), make_publisher()
    browser = tab(375, javascript=False)
    log_in(browser, editor)

    # when: the editor changes the summary and submits it for review
    page = browser.open(f"/admin/segments/segment/{segment.pk}/change/")
    page.fill("#id_summary", "Banks and insurers that hire for model risk.")
    page.fill("#id_change_note", "Say who they are")
    page.locator("input[name=_submit]").first.click()

    # then: the live page is unchanged, and the revisions page says it waits for review
    assert "Waiting for review" in page.content()
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."
    failures = axe_failures(page, "revisions")
    page.click("text=preview >> nth=0")
    assert "Preview of revision" in page.content() and "model risk" in page.content()
    failures += axe_failures(page, "preview")
    browser.screenshot("revision-preview")

    # when: the publisher publishes it
    browser.context.clear_cookies()
    log_in(browser, publisher)
    page = browser.open(f"/admin/segments/segment/{segment.pk}/revisions/")
    page.click("text=Publish revision 2")

    # then: it is the live version
    assert "is published" in page.content()
    public = browser.open("/segments/fintech/")
    assert "model risk" in public.content()
    assert failures == [] and browser.problems == []
