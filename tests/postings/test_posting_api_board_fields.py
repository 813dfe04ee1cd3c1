"""The API's postings say what their job board said and where they stand on it (first seen, closed, open), and
can be filtered by source, open or closed, and remote or on-site; the schema documents both."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from postings.models import Posting
from postings.sources.services import source_sync
from tests.postings.boards import board_json, make_source, serve_board
from tests.world import create_posting

pytestmark = pytest.mark.django_db

LIST = "/api/v1/postings/"
CLINICAL = "6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e01"
CONTRACT = "6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e02"


@pytest.fixture
def synced(boards_world, board_server):
    """A Lever site of two postings synced into Finance, the contract one since closed; and one API posting."""
    serve_board(board_server, "lever", board_json("lever.json"))
    source = make_source(boards_world, board_server, "lever")
    source_sync(source=source)
    Posting.objects.filter(external_id=CONTRACT).update(closed_on=datetime.date(2026, 11, 2))
    create_posting(
        employer=boards_world["employer"], segment=boards_world["finance"], title="Sent by hand",
        description="Kubernetes.", posted_on=datetime.date(2026, 9, 1), external_id="hand-1", source="api",
    )  # fmt: skip
    return source


def by_external_id(url: str) -> dict[str, dict]:
    response = APIClient().get(url)
    assert response.status_code == 200, response.content[:300]
    return {row["external_id"]: row for row in response.json()["results"]}


def test_a_synced_posting_shows_its_source_board_details_and_lifecycle_in_list_and_detail(synced):
    # when the list and one posting are read
    rows = by_external_id(LIST)
    detail = APIClient().get(f"{LIST}{rows[CLINICAL]['id']}/").json()

    # then each says its source, where to apply, when CareerHub first saw it and whether it is still open
    clinical = rows[CLINICAL]
    assert clinical["source"] == synced.slug
    assert clinical["url"] == f"https://jobs.example.org/contoso/{CLINICAL}"
    assert (clinical["open"], clinical["first_seen_on"], clinical["closed_on"]) == (
        True, timezone.localdate().isoformat(), None)  # fmt: skip
    assert (clinical["remote"], clinical["department"], clinical["employment_type"]) == (
        "hybrid", "Engineering", "Full-time")  # fmt: skip
    assert (clinical["salary_min"], clinical["salary_max"], clinical["salary_currency"], clinical["salary_period"]) == (
        85000, 105000, "GBP", "year")  # fmt: skip
    assert (rows[CONTRACT]["open"], rows[CONTRACT]["closed_on"]) == (False, "2026-11-02")
    assert (rows[CONTRACT]["salary_min"], rows[CONTRACT]["salary_period"]) == (None, "")
    # the list's fast rows and the detail's instance say the same
    assert detail == clinical


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("open=true", {CLINICAL, "hand-1"}),
        ("open=false", {CONTRACT}),
        ("source=api", {"hand-1"}),
        ("remote=remote", {CONTRACT}),
        ("open=true&remote=hybrid", {CLINICAL}),
    ],
)
def test_postings_are_filtered_by_open_source_and_workplace(synced, query, expected):
    assert set(by_external_id(f"{LIST}?{query}")) == expected


def test_the_boards_source_filter_names_its_postings(synced):
    assert set(by_external_id(f"{LIST}?source={synced.slug}")) == {CLINICAL, CONTRACT}


@pytest.mark.parametrize(
    ("query", "field"), [("open=perhaps", "open"), ("source=not%20a%20slug", "source"), ("remote=moon", "remote")]
)
def test_a_bad_filter_value_is_refused_naming_the_filter(synced, query, field):
    response = APIClient().get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_schema_documents_the_new_fields_and_filters():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()

    posting = schema["components"]["schemas"]["Posting"]["properties"]
    assert {"open", "first_seen_on", "closed_on", "remote", "department", "employment_type", "salary_min",
            "salary_max", "salary_currency", "salary_period"} <= set(posting)  # fmt: skip
    assert posting["closed_on"]["nullable"] and posting["open"]["type"] == "boolean"
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["open"]["schema"]["type"] == "boolean"
    assert parameters["remote"]["schema"]["enum"] == ["hybrid", "onsite", "remote"]
    assert "source" in parameters
