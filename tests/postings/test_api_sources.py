"""The API writes postings of its own source, ``api``: another source (the demo set's, a job board's) only with
``postings.write_any_source``, which editors do not get; refusals are 403 naming ``source``."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from postings.models import API_SOURCE, WRITE_ANY_SOURCE, Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, make_editor
from tests.world import create_posting, token_client

pytestmark = pytest.mark.django_db

ONE = "/api/v1/postings/"
BULK = "/api/v1/postings/bulk/"


def body(n=1, **overrides):
    return {
        "external_id": f"demo-2026-{n}",
        "title": f"Rewritten {n}",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-03",
        "description": "Overwritten through the API.",
    } | overrides


@pytest.fixture
def demo_posting():
    segment = SegmentFactory(name="Financial services", slug="finance")
    SkillFactory(name="Kubernetes")
    employer = EmployerFactory(name="Acme Bank", slug="acme-bank")
    return create_posting(
        employer=employer, segment=segment, title="Demo posting", description="Synthetic.",
        posted_on=datetime.date(2026, 9, 1), external_id="demo-2026-220", source="demo",
    )  # fmt: skip


def editor_client() -> APIClient:
    """A token of an editor as production sets one up (the editors' group)."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_editor()).key}")
    return client


def test_an_editor_cannot_overwrite_a_demo_posting_by_naming_its_source(demo_posting):
    # when: the request of the finding
    response = editor_client().post(ONE, body(220, source="demo"), format="json")
    # then: refused naming source, and the demo posting is as it was
    assert response.status_code == 403
    assert [error["field"] for error in response.json()["errors"]] == ["source"]
    demo_posting.refresh_from_db()
    assert (demo_posting.title, demo_posting.version) == ("Demo posting", 1)


def test_a_batch_naming_another_source_is_refused_whole_naming_each_row(demo_posting):
    rows = [body(1), body(2, source="demo"), body(3, source="jobboard"), body(4, source=API_SOURCE)]
    response = editor_client().post(BULK, rows, format="json")
    assert response.status_code == 403
    assert [(error["row"], error["field"]) for error in response.json()["errors"]] == [(2, "source"), (3, "source")]
    assert Posting.objects.count() == 1


def test_without_a_source_a_posting_is_the_apis_and_the_same_external_id_is_another_posting(demo_posting):
    response = editor_client().post(ONE, body(220), format="json")
    assert response.status_code == 201
    created = Posting.objects.get(pk=response.json()["id"])
    assert (created.source, created.external_id) == (API_SOURCE, "demo-2026-220")
    demo_posting.refresh_from_db()
    assert demo_posting.title == "Demo posting"


def test_a_change_of_another_sources_posting_is_refused(demo_posting):
    response = editor_client().patch(f"{ONE}{demo_posting.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 403
    assert [error["field"] for error in response.json()["errors"]] == ["source"]
    demo_posting.refresh_from_db()
    assert demo_posting.title == "Demo posting"


def test_a_user_granted_any_source_may_write_one(demo_posting):
    granted = token_client("add_posting", "change_posting", WRITE_ANY_SOURCE)
    response = granted.post(ONE, body(9, source="jobboard"), format="json")
    assert response.status_code == 201
    assert Posting.objects.get(pk=response.json()["id"]).source == "jobboard"
    changed = granted.patch(f"{ONE}{demo_posting.pk}/", {"title": "Renamed"}, format="json")
    assert changed.status_code == 200


def test_editors_are_not_granted_other_sources():
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="add_posting").exists()
    assert not editors.permissions.filter(codename=WRITE_ANY_SOURCE).exists()
    assert Permission.objects.filter(codename=WRITE_ANY_SOURCE, content_type__app_label="postings").exists()


def test_the_schema_documents_source_and_its_rule():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    source = schema["components"]["schemas"]["PostingCreateRequest"]["properties"]["source"]
    assert source["default"] == API_SOURCE and WRITE_ANY_SOURCE in source["description"]
    assert "403" in source["description"]
