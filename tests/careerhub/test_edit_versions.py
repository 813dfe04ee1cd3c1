"""Edit versions: partial updates write only the fields sent, a write based on a stale version is refused
(409 in the API, 412 for a stale ``If-Match``, an error on the admin's change form), and two editors
changing different fields at the same moment both keep their change (PostgreSQL, real threads)."""

import threading

import pytest
from django import forms
from django.db import connection, connections
from django.urls import reverse
from rest_framework.test import APIClient

from careerhub.core.fields import LineListFormField
from careerhub.core.services import EditConflict
from curriculum.models import Module, Track
from curriculum.services import track_update
from postings.models import Posting, Skill
from postings.services import posting_update, skill_update
from segments.models import Segment
from segments.services import segment_update
from tests.conftest import skip_or_fail
from tests.factories import ModuleFactory, PostingFactory, SegmentFactory, SkillFactory, TrackFactory
from tests.world import token_client

pytestmark = pytest.mark.django_db

EDITORIAL = {
    # model: (factory, URL of the API object or None, a field editor A changes, a field editor B changes)
    Segment: (SegmentFactory, None, "summary", "pitfalls"),
    Track: (TrackFactory, "/api/v1/tracks/{obj.slug}/", "summary", "title"),
    Module: (ModuleFactory, "/api/v1/modules/{obj.pk}/", "summary", "body"),
    Skill: (SkillFactory, "/api/v1/skills/{obj.slug}/", "description", "name"),
    Posting: (lambda: PostingFactory(source="api"), "/api/v1/postings/{obj.pk}/", "location", "title"),
}
API_MODELS = [model for model, (_, url, _, _) in EDITORIAL.items() if url]
PERMISSION = {Track: "track", Module: "module", Skill: "skill", Posting: "posting"}


def editor(model):
    name = PERMISSION[model]
    # The objects changed here are live: an API change of live content needs the publishing permission too.
    return token_client(f"view_{name}", f"change_{name}", "publish_revision")


def url_of(model, obj) -> str:
    return EDITORIAL[model][1].format(obj=obj)


# --- Services -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("update", "factory", "name", "first", "second"),
    [
        (lambda obj, data: segment_update(segment=obj, data=data), SegmentFactory, "segment", "summary", "pitfalls"),
        (lambda obj, data: track_update(track=obj, data=data), TrackFactory, "track", "summary", "title"),
        (lambda obj, data: skill_update(skill=obj, data=data), SkillFactory, "skill", "description", "name"),
        (lambda obj, data: posting_update(posting=obj, data=data), PostingFactory, "posting", "location", "title"),
    ],
    ids=["segment", "track", "skill", "posting"],
)
def test_an_update_from_a_stale_copy_writes_only_its_own_fields(update, factory, name, first, second):
    # given: two editors read the same object; the first saves a change of one field
    obj = factory()
    model = type(obj)
    stale = model.objects.get(pk=obj.pk)
    update(model.objects.get(pk=obj.pk), {first: "Saved first"})

    # when: the second saves another field from the copy read before
    update(stale, {second: "Saved second"})

    # then: both changes are stored, the version moved on twice, and the history records the row as stored
    stored = model.objects.get(pk=obj.pk)
    assert (getattr(stored, first), getattr(stored, second)) == ("Saved first", "Saved second")
    assert stored.version == 3
    latest = stored.history.order_by("-history_id").first()
    assert (getattr(latest, first), getattr(latest, second), latest.version) == ("Saved first", "Saved second", 3)


def test_an_update_based_on_a_stale_version_is_refused_and_names_what_changed():
    track = TrackFactory(title="Before")
    track_update(track=Track.objects.get(pk=track.pk), data={"title": "Changed meanwhile"})

    with pytest.raises(EditConflict) as refused:
        track_update(track=Track.objects.get(pk=track.pk), data={"summary": "Mine"}, based_on=1)

    assert (refused.value.based_on, refused.value.current) == (1, 2)
    assert refused.value.changes == {"title": "Changed meanwhile"}
    assert Track.objects.get(pk=track.pk).summary != "Mine"


def test_a_whole_save_of_a_stale_copy_is_refused_not_applied_over_the_other():
    from segments.services import segment_save

    segment = SegmentFactory()
    stale = Segment.objects.get(pk=segment.pk)
    segment_save(segment=Segment.objects.get(pk=segment.pk))
    stale.summary = "Overwrite"
    with pytest.raises(EditConflict):
        segment_save(segment=stale)
    assert Segment.objects.get(pk=segment.pk).summary != "Overwrite"


# --- The API --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", API_MODELS, ids=lambda m: m.__name__)
def test_an_object_answer_carries_its_version_and_an_etag_from_it(model):
    obj = EDITORIAL[model][0]()
    client = editor(model)
    first = client.get(url_of(model, obj))
    assert first.status_code == 200
    assert first.json()["version"] == 1 and first["ETag"].startswith('"1-')
    assert client.get(url_of(model, obj), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    changed = client.patch(url_of(model, obj), {EDITORIAL[model][2]: "New"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["version"] == 2 and changed["ETag"].startswith('"2-')
    assert client.get(url_of(model, obj), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize("model", API_MODELS, ids=lambda m: m.__name__)
def test_a_change_with_a_stale_if_match_is_412_and_writes_nothing(model):
    obj = EDITORIAL[model][0]()
    client = editor(model)
    etag = client.get(url_of(model, obj))["ETag"]
    assert client.patch(url_of(model, obj), {EDITORIAL[model][2]: "First"}, format="json").status_code == 200

    stale = client.patch(url_of(model, obj), {EDITORIAL[model][3]: "Second"}, format="json", HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    body = stale.json()
    assert body["current_version"] == 2 and body["errors"][0]["field"] == "If-Match"
    assert getattr(model.objects.get(pk=obj.pk), EDITORIAL[model][3]) != "Second"
    fresh = client.get(url_of(model, obj))["ETag"]
    current = client.patch(url_of(model, obj), {EDITORIAL[model][3]: "Second"}, format="json", HTTP_IF_MATCH=fresh)
    assert current.status_code == 200 and current.json()["version"] == 3
    anything = client.patch(url_of(model, obj), {EDITORIAL[model][2]: "Third"}, format="json", HTTP_IF_MATCH="*")
    assert anything.status_code == 200


@pytest.mark.parametrize("model", API_MODELS, ids=lambda m: m.__name__)
def test_a_change_based_on_a_stale_version_is_409_with_the_current_version_and_what_changed(model):
    obj = EDITORIAL[model][0]()
    client = editor(model)
    first_field, second_field = EDITORIAL[model][2], EDITORIAL[model][3]
    assert client.patch(url_of(model, obj), {first_field: "First", "version": 1}, format="json").status_code == 200

    stale = client.patch(url_of(model, obj), {second_field: "Second", "version": 1}, format="json")

    assert stale.status_code == 409
    body = stale.json()
    assert set(body) == {"detail", "errors", "current_version", "changed"}
    assert (body["current_version"], body["changed"]) == (2, {first_field: "First"})
    assert body["errors"][0]["field"] == "version" and first_field in body["errors"][0]["message"]
    assert getattr(model.objects.get(pk=obj.pk), second_field) != "Second"


def test_a_create_cannot_claim_a_version():
    response = token_client("add_skill").post(
        "/api/v1/skills/", {"name": "Terraform", "category": SkillFactory().category.slug, "version": 3}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "version"


# --- The admin ------------------------------------------------------------------------------------------------


def admin_change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


PUBLISH = {"_publish": "Publish"}  # the change form's Publish button (models without revisions ignore it)


def form_data(response) -> dict:
    """What a browser would send back from an admin change form as it was rendered (inlines included)."""
    data = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
        all_forms.extend(inline.formset.forms)
    for form in all_forms:
        for field in form:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
                continue
            if isinstance(value, list) and not isinstance(field.field, LineListFormField):
                value = [str(item) for item in value]
            data[field.html_name] = "" if value is None else value
    return data


@pytest.mark.parametrize("model", list(EDITORIAL), ids=lambda m: m.__name__)
def test_the_admin_refuses_a_save_on_a_stale_form_names_what_changed_and_keeps_the_input(client, model):
    from tests.factories import make_publisher

    factory, _, first_field, second_field = EDITORIAL[model]
    obj = factory()
    url = admin_change_url(obj)
    client.force_login(make_publisher())  # live content: changed by publishing (an editor's save is a draft)
    # given: two editors open the same change form; the first saves a change
    opened_by_first, opened_by_second = form_data(client.get(url)), form_data(client.get(url))
    assert opened_by_second["edit_version"] == 1
    opened_by_first[first_field] = "Saved by the first editor"
    assert client.post(url, opened_by_first | PUBLISH).status_code == 302

    # when: the second saves the form they opened before it
    opened_by_second[second_field] = "Typed by the second editor"
    refused = client.post(url, opened_by_second | PUBLISH)

    # then: refused, told what changed (the field and its current value), with their input kept
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else saved this" in page and "Nothing was saved." in page
    field_label = model._meta.get_field(first_field).verbose_name
    assert f"Changed meanwhile: {field_label} is now “Saved by the first editor”." in page
    assert "Typed by the second editor" in page
    stored = model.objects.get(pk=obj.pk)
    assert (getattr(stored, first_field), stored.version) == ("Saved by the first editor", 2)
    assert getattr(stored, second_field) != "Typed by the second editor"

    # and: the form shown again is based on the current version; saving it is the editor's decision
    again = form_data(refused)
    assert again["edit_version"] == "2"
    assert again[second_field] == "Typed by the second editor"
    assert client.post(url, again | PUBLISH).status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), second_field) == "Typed by the second editor"


def test_every_editorial_admin_carries_the_version_on_its_change_form(client):
    from django.contrib import admin

    from careerhub.core.admin import EditorialAdmin, VersionedAdminMixin
    from tests.factories import make_editor

    registry = admin.site._registry
    editorial = {model for model, model_admin in registry.items() if isinstance(model_admin, EditorialAdmin)}
    assert editorial == set(EDITORIAL)
    assert all(isinstance(admin.site._registry[model], VersionedAdminMixin) for model in EDITORIAL)
    client.force_login(make_editor())
    for model, (factory, *_) in EDITORIAL.items():
        page = client.get(admin_change_url(factory())).content.decode()
        assert 'type="hidden" name="edit_version" value="1"' in page, model


# --- Two editors at the same moment (PostgreSQL) -------------------------------------------------------------

ROUNDS = 20


@pytest.mark.django_db(transaction=True)
def test_two_editors_changing_different_fields_at_the_same_moment_both_keep_their_change():
    if connection.vendor != "postgresql":
        skip_or_fail("concurrent writers need PostgreSQL: set DATABASE_URL")
    # given: a live track and two publishers (a change to live content needs the publishing permission), each with
    # a connection of their own
    track = TrackFactory(slug="shared", title="Title 0", summary="Summary 0")
    clients = [token_client("change_track", "publish_revision"), token_client("change_track", "publish_revision")]
    lost, statuses = [], []

    for round_number in range(1, ROUNDS + 1):
        start = threading.Barrier(2)
        bodies = [{"title": f"Title {round_number}"}, {"summary": f"Summary {round_number}"}]

        def edit(client: APIClient, body: dict, start: threading.Barrier = start) -> None:
            try:
                client.raise_request_exception = False
                start.wait(10)
                statuses.append(client.patch("/api/v1/tracks/shared/", body, format="json").status_code)
            finally:
                connections.close_all()

        # when: both send their change at the same moment
        threads = [threading.Thread(target=edit, args=pair) for pair in zip(clients, bodies, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        stored = Track.objects.get(pk=track.pk)
        if (stored.title, stored.summary) != (f"Title {round_number}", f"Summary {round_number}"):
            lost.append(round_number)

    # then: every answer was 200 and no round lost a change
    assert statuses == [200] * (2 * ROUNDS)
    assert lost == []
    assert Track.objects.get(pk=track.pk).version == 1 + 2 * ROUNDS


def test_a_list_edit_of_a_row_saved_since_the_list_was_read_is_refused_with_a_message(client, monkeypatch):
    from segments import services
    from tests.factories import make_editor

    segment = SegmentFactory(display_order=1)
    client.force_login(make_editor())
    url = reverse("admin:segments_segment_changelist")
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(segment.pk),
            "form-0-display_order": "5", "_save": "Save"}  # fmt: skip
    save = services.segment_save

    def saved_meanwhile(*, segment):
        segment_update(segment=Segment.objects.get(pk=segment.pk), data={"summary": "Meanwhile"})  # another editor
        return save(segment=segment)

    monkeypatch.setattr(services, "segment_save", saved_meanwhile)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert Segment.objects.get(pk=segment.pk).display_order == 1


def test_a_skill_filled_by_the_taxonomy_import_moves_to_a_new_version():
    from postings.taxonomy.readers import SkillRecord
    from postings.taxonomy.services import skills_import

    # given: an editor's form opened at version 1 of a skill without a description
    skill = SkillFactory(name="Kubernetes", description="")
    # when: an import fills the description
    skills_import(records=[SkillRecord(name="Kubernetes", line=1, source="terms", description="Orchestration.")])
    # then: the skill is at a new version, and its history says so: the editor's form is stale
    stored = Skill.objects.get(pk=skill.pk)
    assert (stored.description, stored.version) == ("Orchestration.", 2)
    assert stored.history.order_by("-history_id").first().version == 2
