"""Writing through the API: every write endpoint against anonymous, authenticated-without-permission and
permitted users; mass assignment; bad, hostile and duplicate input; writes go through the services."""

import pytest
from rest_framework.test import APIClient

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.demand.models import SkillDemand
from postings.models import Posting, Skill
from tests.conftest import fresh_copy, shared_by_module
from tests.world import build_api_world, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once for the module; each test's writes are rolled back after it."""
    yield from shared_by_module(django_db_blocker, build_api_world)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def snapshot():
    """Everything a write could change, to show a refused request changed nothing."""
    return (
        list(Track.objects.values_list("slug", "title", "status", "updated_at").order_by("pk")),
        list(Module.objects.values_list("slug", "title", "status", "updated_at").order_by("pk")),
        list(Skill.objects.values_list("slug", "name", "status", "updated_at").order_by("pk")),
        list(Posting.objects.values_list("title", "status", "updated_at").order_by("pk")),
    )


def writes(world):
    """(method, url, body, the permission it needs, the status when permitted)."""
    posting = world["postings"][0]
    new_posting = {
        "external_id": "new-1",
        "title": "MLOps engineer",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-01",
        "description": "Run Kubernetes for models.",
    }
    return [
        (
            "post",
            "/api/v1/tracks/",
            {
                "title": "New track",
                "slug": "new-track",
                "level": "senior",
                "summary": "A track.",
                "segments": ["finance"],
            },
            "add_track",
            201,
        ),
        ("patch", "/api/v1/tracks/platform/", {"title": "Renamed"}, "change_track", 200),
        (
            "post",
            "/api/v1/modules/",
            {"track": "platform", "order": 3, "title": "New module", "slug": "new-module", "skills": ["kubernetes"]},
            "add_module",
            201,
        ),
        ("patch", f"/api/v1/modules/{world['module'].pk}/", {"title": "Renamed module"}, "change_module", 200),
        ("post", "/api/v1/skills/", {"name": "Terraform", "category": "orchestration"}, "add_skill", 201),
        ("patch", "/api/v1/skills/kubernetes/", {"description": "Container orchestration."}, "change_skill", 200),
        ("post", "/api/v1/postings/", new_posting, "add_posting", 201),
        ("patch", f"/api/v1/postings/{posting.pk}/", {"title": "Renamed posting"}, "change_posting", 200),
        ("post", "/api/v1/postings/bulk/", [new_posting | {"external_id": "new-2"}], "add_posting", 200),
    ]


WRITE_IDS = [
    "track-create",
    "track-update",
    "module-create",
    "module-update",
    "skill-create",
    "skill-update",
    "posting-create",
    "posting-update",
    "posting-bulk",
]


@pytest.mark.parametrize("index", range(len(WRITE_IDS)), ids=WRITE_IDS)
def test_every_write_needs_a_user_and_the_model_permission(world, index):
    method, url, body, permission, permitted_status = writes(world)[index]
    before = snapshot()

    anonymous = getattr(APIClient(), method)(url, body, format="json")
    assert anonymous.status_code == 401
    assert set(anonymous.json()) == {"detail", "errors"}

    # Every permission but the one needed (view permissions included): still refused.
    others = ["view_track", "view_module", "view_skill", "view_posting", "add_segment", "change_segment"]
    others += [
        name
        for name in (
            "add_track",
            "change_track",
            "add_module",
            "change_module",
            "add_skill",
            "change_skill",
            "add_posting",
            "change_posting",
        )
        if name != permission
    ]
    if permission == "add_posting":
        others.remove("change_posting")  # change_posting alone would still not allow adding
    without = getattr(token_client(*others, staff=True), method)(url, body, format="json")
    assert without.status_code == 403
    assert snapshot() == before

    # The tracks, modules and skills changed here are live: changing them needs the publishing permission too.
    live_change = method == "patch" and "/postings/" not in url
    permitted = getattr(token_client(permission, *(["publish_revision"] if live_change else [])), method)(
        url, body, format="json"
    )
    assert permitted.status_code == permitted_status, permitted.json()
    assert snapshot() != before


def test_a_session_login_without_permission_is_refused_too(world, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.post("/api/v1/skills/", {"name": "X"}, content_type="application/json").status_code == 403


def test_created_items_come_back_and_drafts_stay_private(world):
    editor = token_client("add_track", "view_track")
    created = editor.post(
        "/api/v1/tracks/",
        {"title": "New track", "slug": "new-track", "level": "senior", "summary": "A track.", "segments": ["finance"]},
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["slug"], created.json()["segments"], created.json()["modules"]) == (
        "new-track",
        ["finance"],
        [],
    )
    track = Track.objects.get(slug="new-track")
    assert track.status == Status.DRAFT  # a new track is a draft, as in the admin
    assert track.history.exists()  # saved through the service, with history
    assert APIClient().get("/api/v1/tracks/new-track/").status_code == 404


def test_an_editor_with_the_change_permission_edits_a_draft_and_publishes_it(world):
    editor = token_client("change_track", "publish_revision")  # publishing needs the publishers' permission
    response = editor.patch("/api/v1/tracks/draft-track/", {"status": "published"}, format="json")
    assert response.status_code == 200
    track = Track.objects.get(slug="draft-track")
    assert track.status == Status.PUBLISHED and track.published_at is not None
    assert APIClient().get("/api/v1/tracks/draft-track/").status_code == 200


def test_unpublishing_a_posting_through_the_api_updates_demand(world, django_capture_on_commit_callbacks):
    cell = SkillDemand.objects.get(segment=world["segment"], skill=world["skill"])
    assert cell.postings == 3
    editor = token_client("change_posting")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.patch(f"/api/v1/postings/{world['postings'][0].pk}/", {"status": "draft"}, format="json")
    assert response.status_code == 200
    cell = SkillDemand.objects.get(segment=world["segment"], skill=world["skill"])
    assert cell.postings == 2  # the service marked the demand dirty; the (eager) task recomputed it


@pytest.mark.parametrize(
    ("url_key", "body", "fields"),
    [
        (
            "track",
            {"title": "T", "published_at": "2020-01-01T00:00:00Z", "created_at": "2020-01-01T00:00:00Z"},
            {"published_at", "created_at"},
        ),
        ("track", {"id": 999, "modules": []}, {"id", "modules"}),
        ("skill", {"editor_edited_at": "2020-01-01T00:00:00Z", "aliases": ["x"]}, {"editor_edited_at", "aliases"}),
        (
            "posting",
            {"external_id": "stolen", "source": "other", "content_hash": "0" * 40, "duplicate_of": 1},
            {"external_id", "source", "content_hash", "duplicate_of"},
        ),
        ("module", {"published_at": None, "track_id": 1}, {"published_at", "track_id"}),
    ],
)
def test_mass_assignment_of_read_only_fields_is_refused_naming_them(world, url_key, body, fields):
    urls = {
        "track": "/api/v1/tracks/platform/",
        "skill": "/api/v1/skills/kubernetes/",
        "posting": f"/api/v1/postings/{world['postings'][0].pk}/",
        "module": f"/api/v1/modules/{world['module'].pk}/",
    }
    editor = token_client("change_track", "change_skill", "change_posting", "change_module")
    before = snapshot()
    response = editor.patch(urls[url_key], body, format="json")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == fields
    assert snapshot() == before


def test_a_create_cannot_set_read_only_fields_either(world):
    editor = token_client("add_skill")
    response = editor.post(
        "/api/v1/skills/",
        {"name": "Terraform", "category": "orchestration", "published_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert not Skill.objects.filter(name="Terraform").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"display_order": 10**30}, "display_order"),
        ({"display_order": -1}, "display_order"),
        ({"level": "<script>alert(1)</script>"}, "level"),
        ({"segments": ["hidden-nowhere"]}, "segments"),
        ({"slug": "draft-track"}, "slug"),  # a duplicate
        ({"slug": "not a slug"}, "slug"),
        ({"title": "x" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"title": 12}, None),  # numbers are accepted as text by DRF: no error expected for this one
    ],
)
def test_bad_track_changes_are_refused_naming_the_field(world, body, field):
    editor = token_client("change_track", "publish_revision")  # the track is live: its changes need publishing
    before = snapshot()
    response = editor.patch("/api/v1/tracks/platform/", body, format="json")
    if field is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.json()
    assert field in {error["field"] for error in response.json()["errors"]}
    assert snapshot() == before


def test_malformed_bodies_get_the_error_format(world):
    editor = token_client("add_track")
    for data, content_type in [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("title=x", "application/x-www-form-urlencoded"),
    ]:
        response = editor.post("/api/v1/tracks/", data=data, content_type=content_type)
        assert response.status_code in {400, 415}
        assert set(response.json()) == {"detail", "errors"}


def test_hostile_text_in_a_posting_change_is_stored_harmless(world):
    editor = token_client("change_posting")
    posting = world["postings"][0]
    response = editor.patch(
        f"/api/v1/postings/{posting.pk}/",
        {"title": '<img src=x onerror="alert(1)">Lead', "description": "<script>x()</script>Go"},
        format="json",
    )
    assert response.status_code == 200
    posting.refresh_from_db()
    assert (posting.title, "<script" in posting.description) == ("Lead", False)


def test_a_module_needs_an_existing_track_and_skills(world):
    editor = token_client("add_module")
    response = editor.post(
        "/api/v1/modules/", {"track": "nope", "order": 1, "title": "M", "slug": "m", "skills": ["nope"]}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"track", "skills"}


def test_a_duplicate_skill_name_is_refused(world):
    editor = token_client("add_skill")
    response = editor.post(
        "/api/v1/skills/", {"name": "KUBERNETES", "slug": "kube-2", "category": "orchestration"}, format="json"
    )
    assert response.status_code == 400
    assert Skill.objects.filter(name__iexact="kubernetes").count() == 1


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/segments/"),
        ("patch", "/api/v1/segments/finance/"),
        ("post", "/api/v1/skill-categories/"),
        ("post", "/api/v1/employers/"),
        ("post", "/api/v1/demand/"),
        ("delete", "/api/v1/tracks/platform/"),
        ("put", "/api/v1/tracks/platform/"),
        ("delete", "/api/v1/skills/kubernetes/"),
    ],
)
def test_read_only_resources_and_deletes_are_refused_even_to_a_superuser(world, method, url):
    from tests.factories import UserFactory

    before = snapshot()
    # A method the endpoint never answers: 405 for everyone, whatever their credentials (test_api_methods.py).
    assert getattr(APIClient(), method)(url, {}, format="json").status_code == 405
    superuser = APIClient()
    superuser.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    assert getattr(superuser, method)(url, {"title": "x", "name": "x"}, format="json").status_code == 405
    assert snapshot() == before
    assert Track.objects.filter(slug="platform").exists() and Skill.objects.filter(slug="kubernetes").exists()
