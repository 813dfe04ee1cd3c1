"""The API obeys the admin's rule for live content: an editor's PATCH of a published track, module or skill
is refused (403, in the API's error format, pointing to drafts in the admin); a publisher's goes live;
an editor still changes unpublished content directly."""

import pytest

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.models import Skill
from tests.factories import ModuleFactory, SkillFactory, TrackFactory
from tests.world import token_client

pytestmark = pytest.mark.django_db


def live_objects():
    """A published track, module and skill, with the URL of each in the API and the field a PATCH changes."""
    track = TrackFactory(title="Live track")
    module = ModuleFactory(track=track, title="Live module")
    skill = SkillFactory(name="Live skill", description="Live description.")
    return [
        (Track, track, f"/api/v1/tracks/{track.slug}/", "title", "change_track"),
        (Module, module, f"/api/v1/modules/{module.pk}/", "title", "change_module"),
        (Skill, skill, f"/api/v1/skills/{skill.slug}/", "description", "change_skill"),
    ]


@pytest.mark.parametrize("index", range(3), ids=["track", "module", "skill"])
def test_an_editors_api_change_of_live_content_is_refused_pointing_to_drafts(index):
    # given
    model, obj, url, field, permission = live_objects()[index]
    editor = token_client(permission, editor=True)
    # when
    response = editor.patch(url, {field: "Changed by the API."}, format="json")
    # then
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "is published" in body["detail"] and "draft revision, made in the admin" in body["detail"]
    assert field in body["detail"]
    stored = model.objects.get(pk=obj.pk)
    assert getattr(stored, field) == getattr(obj, field) and stored.version == obj.version


@pytest.mark.parametrize("index", range(3), ids=["track", "module", "skill"])
def test_a_publishers_api_change_of_live_content_goes_live(index):
    # given
    model, obj, url, field, permission = live_objects()[index]
    publisher = token_client(permission, "publish_revision", editor=True)
    # when
    response = publisher.patch(url, {field: "Changed by the API."}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert getattr(model.objects.get(pk=obj.pk), field) == "Changed by the API."


def test_an_editor_changes_an_unpublished_track_through_the_api():
    # given
    track = TrackFactory(status=Status.DRAFT, published_at=None, title="Draft track")
    editor = token_client("change_track", editor=True)
    # when
    response = editor.patch(f"/api/v1/tracks/{track.slug}/", {"title": "Renamed draft"}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert Track.objects.get(pk=track.pk).title == "Renamed draft"


def test_an_editor_may_send_a_live_objects_unchanged_values():
    # given: a client that sends back what it read
    track = TrackFactory(title="Live track")
    editor = token_client("change_track", editor=True)
    # when
    response = editor.patch(f"/api/v1/tracks/{track.slug}/", {"title": "Live track"}, format="json")
    # then: nothing would change, so nothing is refused
    assert response.status_code == 200, response.json()


def test_the_schema_says_a_live_change_needs_the_publishing_permission(client):
    # when
    schema = client.get("/api/v1/schema/?format=json").json()
    # then
    patch = schema["paths"]["/api/v1/tracks/{slug}/"]["patch"]
    assert "publishing permission" in patch["description"]
    assert "draft revision, made in the admin" in patch["responses"]["403"]["description"]
