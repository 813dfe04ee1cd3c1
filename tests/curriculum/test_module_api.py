"""The modules endpoint shows what a module teaches, and editors write outcomes, hours, body, order and
prerequisites through it; refusals name the field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from curriculum.models import Module
from tests.conftest import fresh_copy, shared_by_module
from tests.factories import ExerciseFactory, ModuleFactory, ResourceFactory, SelfCheckQuestionFactory
from tests.world import build_api_world, token_client

pytestmark = pytest.mark.django_db

CONTENT_FIELDS = {"outcomes", "body", "body_html", "hours", "resources", "exercises", "self_check", "prerequisites"}


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    yield from shared_by_module(django_db_blocker, build_api_world)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def module_json(client, module) -> dict:
    response = client.get(f"/api/v1/modules/{module.pk}/")
    assert response.status_code == 200
    return response.json()


def test_a_module_shows_its_content(world):
    # given a module with content and a published prerequisite in another track
    module = world["module"]
    other = ModuleFactory(slug="containers", track__slug="basics")
    module.prerequisites.add(other)
    data = module_json(APIClient(), module)
    assert set(data) >= CONTENT_FIELDS
    assert data["outcomes"] == ["Deploy a model server to Kubernetes", "Roll a deployment back"]
    assert data["body"].startswith("## Pods and deployments")
    assert data["body_html"].startswith("<h2>Pods and deployments</h2>") and "<table" in data["body_html"]
    assert data["hours"] == 6.5
    assert data["resources"] == [
        {"title": "Kubernetes documentation", "url": "https://kubernetes.io/docs/", "kind": "documentation",
         "free": True, "minutes": 60, "note": "Read Concepts first"},
        {"title": "Kubernetes in Action", "url": "https://example.com/book", "kind": "book", "free": False,
         "minutes": None, "note": ""},
    ]
    assert data["exercises"] == [
        {"title": "Serve a model", "brief": "Deploy the model server.",
         "acceptance_criteria": ["Answers on /predict", "Rolls back in one command"], "hours": 2.0}
    ]
    assert [q["question"] for q in data["self_check"]] == ["What owns a ReplicaSet?", "How do you roll back?"]
    # the draft prerequisites (a draft module, a module of a draft track) are for editors only
    assert data["prerequisites"] == ["basics/containers"]
    editor = module_json(token_client(editor=True), module)
    assert set(editor["prerequisites"]) == {
        "basics/containers", "platform/draft-module", "draft-track/m-in-draft-track"
    }
    # and the list says the same as the module's own answer
    listed = APIClient().get("/api/v1/modules/?track=platform").json()["results"]
    assert [row for row in listed if row["id"] == module.pk] == [data]


def test_the_list_makes_the_same_queries_for_one_module_or_many(world):
    for _n in range(5):
        module = ModuleFactory(track=world["track"])
        ResourceFactory(module=module)
        ExerciseFactory(module=module)
        SelfCheckQuestionFactory(module=module)
        module.prerequisites.add(world["module"])
    counts = []
    for size in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            response = APIClient().get(f"/api/v1/modules/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(queries))
    # modules; skills, resources, exercises, self-check questions, prerequisites
    assert counts == [6, 6]


def test_fields_trims_content_too(world):
    data = APIClient().get(f"/api/v1/modules/{world['module'].pk}/?fields=slug,body_html").json()
    assert set(data) == {"slug", "body_html"}


def test_an_editor_writes_content_order_and_prerequisites(world):
    editor = token_client("add_module", "change_module", "view_module", staff=True)
    created = editor.post(
        "/api/v1/modules/",
        {
            "track": "platform",
            "title": "Observability",
            "slug": "observability",
            "outcomes": ["Trace a request through a model server"],
            "body": "## Traces\n\n[OpenTelemetry](https://opentelemetry.io)",
            "hours": "4.5",
            "prerequisites": ["platform/k8s-basics"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["order"], data["hours"], data["prerequisites"]) == (3, 4.5, ["platform/k8s-basics"])  # last
    assert 'rel="noopener nofollow">OpenTelemetry</a>' in data["body_html"]
    # moving it first renumbers the track
    moved = editor.patch(f"/api/v1/modules/{data['id']}/", {"order": 1}, format="json")
    assert moved.status_code == 200 and moved.json()["order"] == 1
    assert list(Module.objects.filter(track=world["track"]).values_list("slug", "order")) == [
        ("observability", 1), ("k8s-basics", 2), ("draft-module", 3)
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"prerequisites": ["platform/nope"]}, "prerequisites", "Item 1: No module platform/nope."),
        ({"prerequisites": ["k8s-basics"]}, "prerequisites", "Item 1: Expected a module as “track-slug/module-slug”."),
        ({"prerequisites": "platform/k8s-basics"}, "prerequisites", None),
        ({"outcomes": ["Deploy", ""]}, "outcomes", "Item 2: This field may not be blank."),
        ({"hours": 0}, "hours", None),
        ({"hours": 500}, "hours", None),
        ({"order": 0}, "order", None),
        ({"resources": []}, "resources", "This field cannot be set here."),
        ({"body_html": "<script>"}, "body_html", "This field cannot be set here."),
    ],
)
def test_bad_content_is_refused_naming_the_field(world, body, field, message):
    editor = token_client("change_module")
    response = editor.patch(f"/api/v1/modules/{world['module'].pk}/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    if message:
        assert errors[0]["message"] == message


def test_a_cycle_or_self_prerequisite_is_refused_naming_it(world):
    editor = token_client("change_module")
    module, draft = world["module"], Module.objects.get(slug="draft-module")  # module needs draft already
    response = editor.patch(f"/api/v1/modules/{draft.pk}/", {"prerequisites": ["platform/k8s-basics"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "prerequisites",
         "message": "Prerequisites would form a cycle: Draft module → Kubernetes basics → Draft module."}
    ]
    response = editor.patch(f"/api/v1/modules/{module.pk}/", {"prerequisites": ["platform/k8s-basics"]}, format="json")
    assert response.json()["errors"] == [
        {"field": "prerequisites", "message": "A module cannot be its own prerequisite."}
    ]
