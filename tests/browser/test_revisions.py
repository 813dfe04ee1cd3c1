"""The editor's path in a real browser, without JavaScript: a draft of live content, submitted for review,
published by a publisher; the revisions page and the preview pass axe."""

import pytest
from django.test import override_settings

from segments.models import Segment
from tests.browser.axe import axe_failures
from tests.factories import SegmentFactory, make_editor, make_publisher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def log_in(browser, user) -> None:
    page = browser.open("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


@override_settings(DEBUG=False)
def test_draft_submit_publish(tab):
    # given: a live segment, an editor and a publisher; a browser without JavaScript
    segment = SegmentFactory(name="Fintech", slug="fintech", summary="Live summary.")
    editor, publisher = make_editor(), make_publisher()
    browser = tab(375, javascript=False)
    log_in(browser, editor)

    # when: the editor changes the summary and submits it for review
    page = browser.open(f"/admin/segments/segment/{segment.pk}/change/")
    page.fill("#id_summary", "Banks and insurers that hire for model risk.")
    page.fill("#id_change_note", "Say who they are")
    page.locator("input[name=_submit]").first.click()

    # then: the live page is unchanged, the revisions page says it waits for review, the preview shows it
    assert "Waiting for review" in page.content()
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."
    page.click("text=preview >> nth=0")
    assert "Preview of revision" in page.content() and "model risk" in page.content()
    browser.screenshot("revision-preview")

    # when: the publisher publishes it
    browser.context.clear_cookies()
    log_in(browser, publisher)
    page = browser.open(f"/admin/segments/segment/{segment.pk}/revisions/")
    page.click("text=Publish revision 2")

    # then: it is the live version
    assert "is published" in page.content()
    assert "model risk" in browser.open("/segments/fintech/").content()
    # Django's admin pages name no icon: Chromium's own /favicon.ico request is logged as a 404, nothing else may be.
    assert [problem for problem in browser.problems if "404" not in problem] == []

    # and: the revisions page and a preview pass axe (axe runs as a script: a tab with JavaScript)
    audit = tab(375)
    log_in(audit, publisher)
    failures = axe_failures(audit.open(f"/admin/segments/segment/{segment.pk}/revisions/"), "revisions")
    failures += axe_failures(audit.open(f"/admin/segments/segment/{segment.pk}/revisions/2/preview/"), "preview")
    assert failures == []
