"""Revisions in the admin (Django's test client): the change note and buttons, an editor's save of live content
as a draft, review permissions, the revisions list, compare, preview, revert and the Scheduled screen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careerhub.core.editorial import Status
from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.selectors import revisions_of
from careerhub.core.revisions.services import revision_save_draft, revision_schedule
from curriculum.models import Module, Track
from curriculum.services import module_create, module_update
from segments.models import Segment
from tests.careerhub.test_edit_versions import form_data
from tests.factories import (
    ModuleFactory,
    ResourceFactory,
    SegmentFactory,
    SkillFactory,
    TrackFactory,
    make_editor,
    make_publisher,
)

pytestmark = pytest.mark.django_db


def admin_url(obj, view: str, *args) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk, *args])


def edited(client, obj, **changes) -> dict:
    """The change form of ``obj`` as rendered, with ``changes`` typed in."""
    return form_data(client.get(admin_url(obj, "change"))) | changes


def test_an_editors_save_of_a_live_segment_is_a_draft_with_its_note(client):
    # given
    segment = SegmentFactory(summary="Live summary.")
    editor = make_editor()
    client.force_login(editor)
    page = client.get(admin_url(segment, "change")).content.decode()
    assert 'name="_save_draft"' in page and 'name="_submit"' in page and "Change note" in page
    assert 'name="_publish"' not in page  # editors do not publish
    # when
    data = edited(client, segment, summary="Draft summary.", change_note="Sharper")
    response = client.post(admin_url(segment, "change"), data | {"_save_draft": "Save draft"})
    # then
    assert response.status_code == 302 and response["Location"] == admin_url(segment, "revisions")
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."
    draft = revisions_of(segment).first()
    assert (draft.state, draft.note, draft.created_by) == (RevisionState.DRAFT, "Sharper", editor)
    assert draft.snapshot["fields"]["summary"] == "Draft summary."


def test_an_editor_cannot_publish_through_the_form_nor_the_actions(client):
    # given
    segment = SegmentFactory(summary="Live summary.")
    draft = SegmentFactory(status=Status.DRAFT, published_at=None)
    client.force_login(make_editor())
    # when
    response = client.post(admin_url(segment, "change"), edited(client, segment, summary="X.") | {"_publish": "1"})
    action = client.post(
        reverse("admin:segments_segment_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    # then
    assert response.status_code == 403
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."
    assert action.status_code == 302  # an action not offered: back to the list, nothing done
    assert Segment.objects.get(pk=draft.pk).status == Status.DRAFT
    assert 'value="publish"' not in client.get(reverse("admin:segments_segment_changelist")).content.decode()


def test_submit_then_a_publisher_publishes_from_the_revisions_page(client):
    # given: an editor submits a draft from the change form
    segment = SegmentFactory(summary="Live summary.")
    client.force_login(make_editor())
    client.post(admin_url(segment, "change"), edited(client, segment, summary="Reviewed.") | {"_submit": "1"})
    revision = revisions_of(segment).first()
    assert revision.state == RevisionState.SUBMITTED
    # when: a publisher publishes it
    client.force_login(make_publisher())
    page = client.get(admin_url(segment, "revisions")).content.decode()
    assert "Send back" in page and f"Publish revision {revision.number}" in page
    response = client.post(admin_url(segment, "revision_action", revision.number), {"action": "publish"})
    # then
    assert response.status_code == 302
    assert Segment.objects.get(pk=segment.pk).summary == "Reviewed."


def test_an_editor_may_not_publish_from_the_revisions_page(client):
    segment = SegmentFactory(summary="Live summary.")
    client.force_login(make_editor())
    client.post(admin_url(segment, "change"), edited(client, segment, summary="Mine.") | {"_submit": "1"})
    revision = revisions_of(segment).first()
    assert "Send back" not in client.get(admin_url(segment, "revisions")).content.decode()
    response = client.post(admin_url(segment, "revision_action", revision.number), {"action": "publish"})
    assert response.status_code == 403
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."


def test_send_back_with_a_comment(client):
    segment = SegmentFactory()
    client.force_login(make_editor())
    client.post(admin_url(segment, "change"), edited(client, segment, summary="Mine.") | {"_submit": "1"})
    revision = revisions_of(segment).first()
    client.force_login(make_publisher())
    url = admin_url(segment, "revision_action", revision.number)
    empty = client.post(url, {"action": "send_back", "comment": ""}, follow=True)
    assert "Say what should change" in empty.content.decode()
    client.post(url, {"action": "send_back", "comment": "Name two employers."})
    revision.refresh_from_db()
    assert (revision.state, revision.review_comment) == (RevisionState.SENT_BACK, "Name two employers.")


def test_a_publisher_publishes_a_live_module_with_its_skills_and_resources_from_the_form(client):
    # given
    module = ModuleFactory()
    skill = SkillFactory(name="Feature stores")
    ResourceFactory(module=module, title="Old title")
    client.force_login(make_publisher())
    data = edited(client, module, summary="Now live.", skills=[str(skill.pk)])
    data["resources-0-title"] = "New title"
    # when
    response = client.post(admin_url(module, "change"), data | {"_publish": "Publish"})
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    live = Module.objects.get(pk=module.pk)
    assert live.summary == "Now live." and list(live.skills.all()) == [skill]
    assert list(live.resources.values_list("title", flat=True)) == ["New title"]


def test_compare_shows_fields_skills_by_name_and_inline_children(client):
    # given: revision 1 as the module was, revision 2 an editor's draft
    module = ModuleFactory(summary="Before.")
    old_skill, new_skill = SkillFactory(name="Airflow"), SkillFactory(name="Dagster")
    module.skills.set([old_skill])
    ResourceFactory(module=module, title="Kept")
    editor = make_editor()

    def write():
        module_update(module=Module.objects.get(pk=module.pk), data={"summary": "After.", "skills": [new_skill]})
        ResourceFactory(module=module, title="Added resource")

    revision_save_draft(instance=module, by=editor, write=write)
    client.force_login(editor)
    # when
    page = client.get(admin_url(module, "revision_compare"), {"a": "1", "b": "2"}).content.decode()
    # then
    assert "Before." in page and "After." in page
    assert "Added: Dagster" in page and "Removed: Airflow" in page
    assert "Added: Added resource" in page


def test_preview_renders_the_revision_marked_and_not_indexed_and_leaves_the_live_page(client):
    # given
    segment = SegmentFactory(summary="Live summary.")
    editor = make_editor()
    revision = revision_save_draft(
        instance=segment,
        by=editor,
        write=lambda: Segment.objects.filter(pk=segment.pk).update(summary="Previewed summary."),
    )
    client.force_login(editor)
    # when
    preview = client.get(admin_url(segment, "revision_preview", revision.number))
    # then
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Previewed summary." in page and f"Preview of revision {revision.number}" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page and preview["X-Robots-Tag"].startswith("noindex")
    assert Segment.objects.get(pk=segment.pk).summary == "Live summary."
    client.logout()
    assert "Previewed summary." not in client.get(segment.get_absolute_url()).content.decode()
    assert client.get(admin_url(segment, "revision_preview", revision.number)).status_code == 302  # to the login


def test_revert_from_the_revisions_page_restores_a_tracks_segments(client):
    # given: a draft track aimed at A, then at B
    a, b = SegmentFactory(name="Alpha"), SegmentFactory(name="Beta")
    track = TrackFactory(status=Status.DRAFT, published_at=None)
    track.segments.set([a])
    client.force_login(make_editor())
    client.post(admin_url(track, "change"), edited(client, track, segments=[str(b.pk)]) | {"_save_draft": "Save"})
    assert set(Track.objects.get(pk=track.pk).segments.all()) == {b}
    # when
    client.post(admin_url(track, "revision_action", 1), {"action": "revert"})
    # then
    assert set(Track.objects.get(pk=track.pk).segments.all()) == {a}
    assert revisions_of(track).first().event == "Reverted to revision 1"


def test_moves_on_a_live_track_wait_for_publishing(client):
    # given: a live track of two modules
    track = TrackFactory()
    _first, second = (module_create(track=track, title=name, slug=name.lower()) for name in "AB")
    editor, publisher = make_editor(), make_publisher()
    client.force_login(editor)
    # when: the editor moves B up (a draft), then a publisher publishes that draft
    client.post(admin_url(track, "change"), edited(client, track) | {"_move_module": f"{second.pk}:up"})
    assert list(track.modules.order_by("order").values_list("slug", flat=True)) == ["a", "b"]
    client.force_login(publisher)
    client.post(admin_url(track, "revision_action", revisions_of(track).first().number), {"action": "publish"})
    # then
    assert list(track.modules.order_by("order").values_list("slug", flat=True)) == ["b", "a"]


def test_the_scheduled_screen_lists_scheduled_revisions(client, django_assert_max_num_queries):
    segment = SegmentFactory(name="Fintech")
    publisher = make_publisher()
    revision = revision_save_draft(instance=segment, by=publisher, write=lambda: None)
    revision_schedule(revision=revision, by=publisher, publish_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(publisher)
    page = client.get(reverse("admin:careerhub_revision_scheduled")).content.decode()
    assert "Fintech" in page and admin_url(segment, "revisions") in page


def test_a_past_time_is_refused_on_the_revisions_page(client):
    segment = SegmentFactory()
    publisher = make_publisher()
    revision = revision_save_draft(instance=segment, by=publisher, write=lambda: None)
    client.force_login(publisher)
    response = client.post(
        admin_url(segment, "revision_action", revision.number),
        {"action": "schedule", "publish_at": "2020-01-01T10:00"},
        follow=True,
    )
    assert "2020-01-01 10:00 is in the past" in response.content.decode()
