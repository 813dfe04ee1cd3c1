"""Revisions and live changes made since: publishing a revision made from an older live version is refused,
naming what changed since, in the services and the admin; the live version keeps the newer change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.services import revision_publish, revision_save_draft, revision_submit
from segments.models import Segment
from segments.services import segment_update
from tests.factories import SegmentFactory, make_editor, make_publisher

pytestmark = pytest.mark.django_db


def segment_draft(segment, editor, **data):
    """An editor's draft of a live segment changing ``data``."""
    return revision_save_draft(
        instance=segment,
        by=editor,
        write=lambda: segment_update(segment=Segment.objects.get(pk=segment.pk), data=data),
    )


def two_drafts_from_one_version():
    """Editor A drafts a new summary and editor B a new name, both from the same live version."""
    segment = SegmentFactory(name="Finance", summary="Live summary.")
    draft_a = segment_draft(segment, make_editor(), summary="A's summary.")
    draft_b = segment_draft(segment, make_editor(), name="B's name")
    return segment, draft_a, draft_b


def test_a_revision_records_the_live_version_it_was_made_from():
    # given
    segment = SegmentFactory()
    # when
    draft = segment_draft(segment, make_editor(), summary="Draft.")
    # then
    assert draft.based_on_version == Segment.objects.get(pk=segment.pk).version == segment.version


def test_publishing_a_revision_made_before_a_newer_publish_is_refused_naming_the_fields():
    # given: two editors' drafts from the same live version; a publisher publishes A's
    segment, draft_a, draft_b = two_drafts_from_one_version()
    publisher = make_publisher()
    revision_publish(revision=draft_a, by=publisher)
    revision_submit(revision=draft_b, by=draft_b.created_by)
    # when
    with pytest.raises(ValidationError) as refusal:
        revision_publish(revision=draft_b, by=publisher)
    # then: refused, naming what changed since; the live version keeps A's change
    message = " ".join(refusal.value.message_dict["based_on_version"])
    assert f"made from version {draft_b.based_on_version}" in message and "summary" in message
    assert "save a fresh draft" in message
    live = Segment.objects.get(pk=segment.pk)
    assert (live.summary, live.name) == ("A's summary.", "Finance")
    draft_b.refresh_from_db()
    assert draft_b.state == RevisionState.SUBMITTED


def test_a_fresh_draft_from_the_live_version_publishes_over_it():
    # given: A's draft published, B's refused
    segment, draft_a, draft_b = two_drafts_from_one_version()
    publisher = make_publisher()
    revision_publish(revision=draft_a, by=publisher)
    # when: B saves again from the live version
    fresh = segment_draft(segment, draft_b.created_by, name="B's name")
    revision_publish(revision=fresh, by=publisher)
    # then: both changes are live
    live = Segment.objects.get(pk=segment.pk)
    assert (live.summary, live.name) == ("A's summary.", "B's name")


def test_the_admin_refuses_publishing_a_stale_revision_with_the_message(client):
    # given
    segment, draft_a, draft_b = two_drafts_from_one_version()
    publisher = make_publisher()
    revision_publish(revision=draft_a, by=publisher)
    client.force_login(publisher)
    url = reverse("admin:segments_segment_revision_action", args=[segment.pk, draft_b.number])
    # when
    response = client.post(url, {"action": "publish"}, follow=True)
    # then
    page = response.content.decode()
    assert f"Revision {draft_b.number} was made from version" in page and "summary" in page
    assert Segment.objects.get(pk=segment.pk).name == "Finance"
