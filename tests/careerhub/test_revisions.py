"""Revisions: an editor's save of live content is a draft, publishers publish it (links and inline children
included), send it back or schedule it; revert restores everything; the API obeys the publishing permission."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from careerhub.core.editorial import Status
from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.selectors import (
    revisions_drafts_of,
    revisions_of,
    revisions_scheduled,
    revisions_waiting_review,
)
from careerhub.core.revisions.services import (
    revision_publish,
    revision_revert,
    revision_save_draft,
    revision_schedule,
    revision_send_back,
    revision_submit,
    revisions_carry_out_schedule,
)
from curriculum.models import Module, Track
from curriculum.services import module_item_delete, module_item_save, module_update, track_update
from segments.models import Segment
from segments.services import segment_update
from tests.factories import (
    ModuleFactory,
    ResourceFactory,
    SegmentFactory,
    SkillFactory,
    TrackFactory,
    make_editor,
    make_publisher,
)
from tests.world import token_client

pytestmark = pytest.mark.django_db


def module_draft(module, editor, *, skills, resource_title, note=""):
    """An editor's save of a module: new skills, its first resource retitled."""

    def write():
        module_update(module=Module.objects.get(pk=module.pk), data={"skills": skills, "summary": "Changed."})
        resource = module.resources.order_by("order").first()
        resource.title = resource_title
        module_item_save(item=resource)

    return revision_save_draft(instance=module, by=editor, write=write, note=note)


def test_the_publishers_group_holds_the_publishing_permission():
    # given: the database as migrate leaves it
    # when
    group = Group.objects.get(name="Publishers")
    # then
    assert set(group.permissions.values_list("codename", flat=True)) == {"publish_revision", "view_revision"}
    assert not Group.objects.get(name="Editors").permissions.filter(codename="publish_revision").exists()


def test_an_editors_save_of_a_published_segment_leaves_the_live_row_unchanged():
    # given
    segment = SegmentFactory(summary="Live summary.")
    editor = make_editor()
    # when
    revision = revision_save_draft(
        instance=segment,
        by=editor,
        write=lambda: segment_update(segment=Segment.objects.get(pk=segment.pk), data={"summary": "Draft summary."}),
        note="Sharper summary",
    )
    # then
    live = Segment.objects.get(pk=segment.pk)
    assert (live.summary, live.version) == ("Live summary.", segment.version)
    assert revision.state == RevisionState.DRAFT
    assert revision.snapshot["fields"]["summary"] == "Draft summary."
    assert (revision.created_by, revision.note, revision.number) == (editor, "Sharper summary", 2)
    baseline = revisions_of(segment).get(number=1)  # content older than revisions: its state before the save
    assert (baseline.state, baseline.snapshot["fields"]["summary"]) == (RevisionState.PUBLISHED, "Live summary.")


def test_an_unpublished_object_is_saved_directly_and_recorded():
    # given
    segment = SegmentFactory(status=Status.DRAFT, published_at=None)
    # when
    revision = revision_save_draft(
        instance=segment,
        by=make_editor(),
        write=lambda: segment_update(segment=Segment.objects.get(pk=segment.pk), data={"summary": "New."}),
    )
    # then
    assert Segment.objects.get(pk=segment.pk).summary == "New."
    assert revision.state == RevisionState.SAVED


def test_publishing_applies_fields_links_and_inline_children():
    # given: a live module teaching one skill, and an editor's draft teaching two others
    old, new_a, new_b = SkillFactory(name="Old"), SkillFactory(name="New A"), SkillFactory(name="New B")
    module = ModuleFactory()
    module.skills.set([old])
    ResourceFactory(module=module, title="Old resource")
    editor, publisher = make_editor(), make_publisher()
    revision = module_draft(module, editor, skills=[new_a, new_b], resource_title="New resource")
    assert set(module.skills.all()) == {old}  # not live yet
    # when
    revision_submit(revision=revision, by=editor)
    revision_publish(revision=revision, by=publisher)
    # then
    live = Module.objects.get(pk=module.pk)
    assert set(live.skills.all()) == {new_a, new_b}
    assert live.summary == "Changed."
    assert list(live.resources.values_list("title", flat=True)) == ["New resource"]
    revision.refresh_from_db()
    assert (revision.state, revision.reviewed_by) == (RevisionState.PUBLISHED, publisher)


def test_an_editor_may_not_publish_nor_send_back():
    # given
    segment = SegmentFactory()
    editor = make_editor()
    revision = revision_save_draft(
        instance=segment, by=editor, write=lambda: segment_update(segment=segment, data={"summary": "Draft."})
    )
    revision_submit(revision=revision, by=editor)
    # when / then
    with pytest.raises(PermissionDenied, match="Only publishers"):
        revision_publish(revision=revision, by=editor)
    with pytest.raises(PermissionDenied):
        revision_send_back(revision=revision, by=editor, comment="No.")
    assert Segment.objects.get(pk=segment.pk).summary == "Employers that hire for platform work."


def test_send_back_needs_a_comment_and_returns_the_draft():
    # given
    segment = SegmentFactory()
    editor, publisher = make_editor(), make_publisher()
    revision = revision_save_draft(
        instance=segment, by=editor, write=lambda: segment_update(segment=segment, data={"summary": "Draft."})
    )
    revision_submit(revision=revision, by=editor)
    assert list(revisions_waiting_review(publisher)) == [revision]
    assert list(revisions_waiting_review(editor)) == []
    # when / then
    with pytest.raises(ValidationError) as refused:
        revision_send_back(revision=revision, by=publisher, comment="  ")
    assert "comment" in refused.value.message_dict
    revision = revision_send_back(revision=revision, by=publisher, comment="Name the employers.")
    assert revision.state == RevisionState.SENT_BACK
    assert list(revisions_drafts_of(editor)) == [revision]
    assert list(revisions_waiting_review(publisher)) == []


def test_revert_restores_links_and_inline_children_and_says_so():
    # given: revision 1 teaches skill A with resource "First"; then skill B, resource removed, another added
    skill_a, skill_b = SkillFactory(name="A"), SkillFactory(name="B")
    track = TrackFactory(status=Status.DRAFT, published_at=None)
    module = ModuleFactory(track=track, status=Status.DRAFT, published_at=None)
    module.skills.set([skill_a])
    first = ResourceFactory(module=module, title="First")
    editor = make_editor()
    revision_save_draft(instance=module, by=editor, write=lambda: None)

    def change():
        module_update(module=Module.objects.get(pk=module.pk), data={"skills": [skill_b], "title": "Renamed"})
        module_item_delete(item=first)
        ResourceFactory(module=module, title="Second")

    revision_save_draft(instance=module, by=editor, write=change)
    # when
    revision = revision_revert(instance=module, to=1, by=editor, note="Back to the first")
    # then
    live = Module.objects.get(pk=module.pk)
    assert set(live.skills.all()) == {skill_a}
    assert live.title == module.title
    assert list(live.resources.values_list("title", flat=True)) == ["First"]
    assert (revision.number, revision.event) == (4, "Reverted to revision 1")


def test_an_editors_revert_of_live_content_is_a_draft_a_publisher_publishes():
    # given
    segment_a, segment_b = SegmentFactory(), SegmentFactory()
    track = TrackFactory()
    track.segments.set([segment_a])
    publisher = make_publisher()
    revision_save_draft(instance=track, by=publisher, write=lambda: None)
    draft = revision_save_draft(
        instance=track, by=publisher, write=lambda: track_update(track=track, data={"segments": [segment_b]})
    )
    revision_publish(revision=draft, by=publisher)
    assert set(Track.objects.get(pk=track.pk).segments.all()) == {segment_b}
    # when: an editor reverts, then a publisher reverts
    editors = revision_revert(instance=track, to=1, by=make_editor())
    assert set(Track.objects.get(pk=track.pk).segments.all()) == {segment_b}
    publishers = revision_revert(instance=track, to=1, by=publisher)
    # then
    assert editors.state == RevisionState.DRAFT
    assert publishers.state == RevisionState.PUBLISHED
    assert set(Track.objects.get(pk=track.pk).segments.all()) == {segment_a}


def test_a_time_in_the_past_is_refused_naming_the_field():
    # given
    segment = SegmentFactory()
    publisher = make_publisher()
    revision = revision_save_draft(instance=segment, by=publisher, write=lambda: None)
    # when
    with pytest.raises(ValidationError) as refused:
        revision_schedule(revision=revision, by=publisher, publish_at=timezone.now() - datetime.timedelta(minutes=5))
    # then
    assert "is in the past" in refused.value.message_dict["publish_at"][0]
    revision.refresh_from_db()
    assert revision.publish_at is None


def test_scheduling_needs_the_publishing_permission():
    segment = SegmentFactory()
    editor = make_editor()
    revision = revision_save_draft(instance=segment, by=editor, write=lambda: None)
    with pytest.raises(PermissionDenied):
        revision_schedule(revision=revision, by=editor, publish_at=timezone.now() + datetime.timedelta(hours=1))


def test_a_due_schedule_is_carried_out_through_the_services():
    # given: a draft of a live segment to publish in an hour, to unpublish in two
    segment = SegmentFactory(summary="Live.")
    publisher = make_publisher()
    revision = revision_save_draft(
        instance=segment, by=publisher, write=lambda: segment_update(segment=segment, data={"summary": "Scheduled."})
    )
    now = timezone.now()
    revision_schedule(
        revision=revision,
        by=publisher,
        publish_at=now + datetime.timedelta(hours=1),
        unpublish_at=now + datetime.timedelta(hours=2),
    )
    assert list(revisions_scheduled()) == [revision]
    # when: the beat task runs before, at and after the times
    assert revisions_carry_out_schedule(now=now)["published"] == 0
    assert revisions_carry_out_schedule(now=now + datetime.timedelta(minutes=61))["published"] == 1
    assert Segment.objects.get(pk=segment.pk).summary == "Scheduled."
    done = revisions_carry_out_schedule(now=now + datetime.timedelta(minutes=121))
    # then
    assert done["unpublished"] == 1
    assert Segment.objects.get(pk=segment.pk).status == Status.DRAFT
    assert list(revisions_scheduled()) == []


def test_the_home_selectors_are_one_query_each(django_assert_num_queries):
    segment = SegmentFactory()
    editor = make_editor()
    for _ in range(3):
        revision = revision_save_draft(
            instance=segment, by=editor, write=lambda: segment_update(segment=segment, data={"summary": "D."})
        )
    revision_submit(revision=revision, by=editor)
    publisher = make_publisher()
    with django_assert_num_queries(1):
        rows = [(r.created_by.username, r.content_type.model) for r in revisions_drafts_of(editor)]
    assert len(rows) == 3
    with django_assert_num_queries(3):  # the permission check reads the user's permissions (2), then the rows
        assert [r.object_label for r in revisions_waiting_review(publisher)] == [str(segment)]
    with django_assert_num_queries(1):
        assert list(revisions_scheduled()) == []
    assert [r.number for r in revisions_of(segment)] == [4, 3, 2, 1]  # 1: as it was before the first save


# --- The API obeys the publishing permission --------------------------------------------------------


def test_an_api_status_change_needs_the_publishing_permission():
    # given: a draft track, an editor's token and a publisher's
    track = TrackFactory(status=Status.DRAFT, published_at=None)
    editor = token_client("view_track", "change_track")
    publisher = token_client("view_track", "change_track", "publish_revision")
    url = f"/api/v1/tracks/{track.slug}/"
    # when
    refused = editor.patch(url, {"status": "published"}, format="json")
    accepted = publisher.patch(url, {"status": "published"}, format="json")
    # then
    assert refused.status_code == 403, refused.content
    assert "Only publishers" in refused.content.decode()
    assert accepted.status_code == 200, accepted.content
    assert Track.objects.get(pk=track.pk).status == Status.PUBLISHED


def test_creating_published_content_through_the_api_needs_the_publishing_permission():
    editor = token_client("add_track", "view_track")
    response = editor.post(
        "/api/v1/tracks/",
        {"title": "T", "slug": "t", "level": "engineer", "summary": "S.", "status": "published"},
        format="json",
    )
    assert response.status_code == 403, response.content
    assert not Track.objects.filter(slug="t").exists()
