"""An editor continues their draft: the change form of a live object opens with the values of their own
pending revision (fields and links), says so, and saving stores a new revision; the live version is unchanged."""

import pytest
from django.urls import reverse

from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.selectors import revisions_of
from careerhub.core.revisions.services import revision_publish, revision_save_draft
from curriculum.models import Module
from curriculum.services import module_item_save, module_update
from segments.models import Segment
from segments.services import segment_update
from tests.careerhub.test_edit_versions import form_data
from tests.factories import ModuleFactory, ResourceFactory, SegmentFactory, SkillFactory, make_editor, make_publisher

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def saved_draft(client, segment, **changes):
    """The editor's Save draft of the change form with ``changes`` typed in; the revision it made."""
    data = form_data(client.get(change_url(segment))) | changes
    response = client.post(change_url(segment), data | {"_save_draft": "Save draft"})
    assert response.status_code == 302
    return revisions_of(segment).first()


def test_the_change_form_opens_with_the_editors_draft_and_saving_continues_it(client):
    # given: an editor's saved draft of a live segment
    segment = SegmentFactory(summary="Live summary.")
    editor = make_editor()
    client.force_login(editor)
    first = saved_draft(client, segment, summary="Draft summary.")
    # when: the editor opens the form again
    page = client.get(change_url(segment))
    # then: it shows the draft's values, and says so
    assert page.context["adminform"].form["summary"].value() == "Draft summary."
    text = page.content.decode()
    assert f"You are editing your draft revision {first.number}; the live version is unchanged" in text
    assert f"{change_url(segment)}?live=1" in text
    # when: they change another field and save
    second = saved_draft(client, segment, name="Renamed draft")
    # then: the new revision holds both changes; the live version has neither
    assert second.number == first.number + 1 and second.state == RevisionState.DRAFT
    assert (second.snapshot["fields"]["summary"], second.snapshot["fields"]["name"]) == (
        "Draft summary.",
        "Renamed draft",
    )
    live = Segment.objects.get(pk=segment.pk)
    assert (live.summary, live.name) == ("Live summary.", segment.name)


def test_the_live_version_is_one_link_away_and_others_see_it(client):
    # given
    segment = SegmentFactory(summary="Live summary.")
    client.force_login(make_editor())
    saved_draft(client, segment, summary="Draft summary.")
    # when
    live_form = client.get(f"{change_url(segment)}?live=1")
    client.force_login(make_editor())
    other_editor = client.get(change_url(segment))
    # then
    assert live_form.context["adminform"].form["summary"].value() == "Live summary."
    assert other_editor.context["adminform"].form["summary"].value() == "Live summary."
    assert "You are editing your draft" not in other_editor.content.decode()


def test_a_draft_of_a_module_opens_with_its_links(client):
    # given: an editor's draft of a live module teaching another skill
    old, new = SkillFactory(name="Old skill"), SkillFactory(name="New skill")
    module = ModuleFactory()
    module.skills.set([old])
    editor = make_editor()
    revision_save_draft(
        instance=module,
        by=editor,
        write=lambda: module_update(module=Module.objects.get(pk=module.pk), data={"skills": [new]}),
    )
    client.force_login(editor)
    # when
    page = client.get(change_url(module))
    # then
    assert [int(pk) for pk in page.context["adminform"].form["skills"].value()] == [new.pk]
    assert set(Module.objects.get(pk=module.pk).skills.all()) == {old}


def test_a_draft_made_before_a_newer_publish_is_not_loaded_and_the_form_says_why(client):
    # given: an editor's draft, then another change published
    segment = SegmentFactory(summary="Live summary.")
    editor = make_editor()
    draft = revision_save_draft(
        instance=segment,
        by=editor,
        write=lambda: segment_update(segment=Segment.objects.get(pk=segment.pk), data={"summary": "Draft summary."}),
    )
    newer = revision_save_draft(
        instance=segment,
        by=make_editor(),
        write=lambda: segment_update(segment=Segment.objects.get(pk=segment.pk), data={"summary": "Newer live."}),
    )
    revision_publish(revision=newer, by=make_publisher())
    client.force_login(editor)
    # when
    page = client.get(change_url(segment))
    # then: the live values, and a warning naming what changed
    assert page.context["adminform"].form["summary"].value() == "Newer live."
    text = page.content.decode()
    assert f"Your draft revision {draft.number} was made from version" in text and "summary" in text


def test_the_notice_names_inline_children_the_draft_changed(client):
    # given: an editor's draft of a live module retitling its resource
    module = ModuleFactory()
    resource = ResourceFactory(module=module, title="Live resource")
    editor = make_editor()

    def write():
        resource.title = "Draft resource"
        module_item_save(item=resource)

    revision_save_draft(instance=module, by=editor, write=write)
    client.force_login(editor)
    # when
    text = client.get(change_url(module)).content.decode()
    # then: the inline shows the live rows, and the notice says so
    assert "Resources below show the live version, not your draft" in text
