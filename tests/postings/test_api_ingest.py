"""Sending postings through the API: authentication, permission, upsert, batch atomicity, validation."""

import json

import pytest
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from postings.demand.models import DemandMark
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

ONE = "/api/v1/postings/"
BULK = "/api/v1/postings/bulk/"


def body(n=1, **overrides):
    return {
        "external_id": f"job-{n}",
        "title": f"ML Platform Engineer {n}",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-03",
        "description": f"Posting {n}: operate Kubernetes for model serving.",
    } | overrides


@pytest.fixture
def world():
    SegmentFactory(name="Financial services", slug="finance")
    SkillFactory(name="Kubernetes")
    EmployerFactory(name="Acme Bank", slug="acme-bank")


def client_with(*permissions):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def sender(world):
    return client_with("add_posting", "change_posting")


@pytest.mark.parametrize("url", [ONE, BULK])
def test_anonymous_senders_are_refused(world, url):
    response = APIClient().post(url, body() if url == ONE else [body()], format="json")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert Posting.objects.count() == 0


@pytest.mark.parametrize("url", [ONE, BULK])
def test_a_token_without_the_add_permission_is_refused(world, url):
    response = client_with("view_posting").post(url, body() if url == ONE else [body()], format="json")
    assert response.status_code == 403
    assert Posting.objects.count() == 0


def test_a_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.post(ONE, body(), format="json").status_code == 401


def test_one_posting_is_created_then_recognised_then_updated(sender):
    created = sender.post(ONE, body(), format="json")
    assert created.status_code == 201
    posting_id = created.json()["id"]
    assert created.json()["outcome"] == "created"
    assert Posting.objects.get(pk=posting_id).source == "api"

    again = sender.post(ONE, body(), format="json")
    assert (again.status_code, again.json()["id"], again.json()["outcome"]) == (200, posting_id, "unchanged")

    changed = sender.post(ONE, body(title="Staff ML Platform Engineer"), format="json")
    assert (changed.status_code, changed.json()["outcome"]) == (200, "updated")
    assert Posting.objects.get().title == "Staff ML Platform Engineer"


def test_an_update_needs_the_change_permission(world):
    adder = client_with("add_posting")
    adder.post(ONE, body(), format="json")
    response = adder.post(ONE, body(title="Changed"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "external_id"


def test_every_field_error_is_reported_with_its_field(sender):
    response = sender.post(ONE, body(title="", posted_on="yesterday", segment="nowhere", extra=1), format="json")
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"extra", "title", "posted_on"}  # segment is resolved only once the row itself is valid
    assert Posting.objects.count() == 0


def test_a_created_posting_and_its_demand_marks_commit_together(sender):
    sender.post(ONE, body(), format="json")
    assert DemandMark.objects.filter(skill__name="Kubernetes").exists()


def test_a_batch_is_created_and_each_row_answered(sender):
    response = sender.post(BULK, [body(n) for n in range(1, 6)], format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["created"], data["refused"], data["applied"]) == (5, 0, True)
    assert [r["row"] for r in data["results"]] == [1, 2, 3, 4, 5]
    assert Posting.objects.count() == 5


def test_a_batch_with_bad_rows_writes_nothing_and_lists_them_by_row(sender):
    rows = [body(1), body(2, posted_on="2099-01-01"), body(3), body(4, description="a\x00b"), body(5, segment="mars")]
    response = sender.post(BULK, rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(2, "posted_on"), (4, "description"), (5, "segment")]
    assert Posting.objects.count() == 0 and DemandMark.objects.count() == 0


def test_a_partial_batch_keeps_the_good_rows(sender):
    response = sender.post(BULK + "?partial=true", [body(1), body(2, title=""), body(3)], format="json")
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["refused"]) == (2, 1)
    assert Posting.objects.count() == 2


def test_a_batch_sent_twice_creates_nothing_new(sender):
    first = sender.post(BULK, [body(n) for n in range(1, 4)], format="json").json()
    second = sender.post(BULK, [body(n) for n in range(1, 4)], format="json").json()
    assert (second["created"], second["unchanged"]) == (0, 3)
    assert [r["id"] for r in second["results"]] == [r["id"] for r in first["results"]]


def test_a_dry_run_batch_writes_nothing(sender):
    response = sender.post(BULK + "?dry_run=1", [body(1), body(2)], format="json")
    assert (response.status_code, response.json()["created"], response.json()["dry_run"]) == (200, 2, True)
    assert Posting.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"not": "a list"}, 400, "JSON list"),
        ([], 400, "empty"),
        ([body(n) for n in range(1001)], 400, "At most 1,000"),
    ],
)
def test_malformed_batches_are_refused(sender, payload, status, message):
    response = sender.post(BULK, payload, format="json")
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_malformed_json_gets_the_error_format(sender):
    response = sender.post(BULK, data="[{bad json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_an_oversized_body_is_refused_before_it_is_read(sender):
    response = sender.post(ONE, data=json.dumps(body(description="x" * 3_000_000)), content_type="application/json")
    assert response.status_code == 413


def test_hostile_text_is_stored_harmless(sender):
    hostile = body(
        title='<img src=x onerror="alert(1)">Engineer', description="<script>alert(1)</script>Kubernetes ☃ \u202e"
    )
    response = sender.post(ONE, hostile, format="json")
    assert response.status_code == 201
    posting = Posting.objects.get()
    assert (posting.title, "<script" in posting.description) == ("Engineer", False)


def test_huge_numbers_and_wrong_types_are_refused(sender):
    response = sender.post(ONE, body(external_id=10**300, title=1e308, posted_on=20261003), format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"external_id", "title", "posted_on"}


def test_published_postings_are_listed_with_their_skill_evidence(sender):
    sender.post(ONE, body(), format="json")
    response = APIClient().get(ONE)
    assert response.status_code == 200
    [posting] = response.json()["results"]
    assert posting["skills"][0]["name"] == "Kubernetes"
    assert posting["skills"][0]["matched_text"] == "Kubernetes"
