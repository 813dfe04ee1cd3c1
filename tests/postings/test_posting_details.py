"""The details job boards give beside the text (remote, department, employment type, salary range), accepted by
the one row shape every write path reads, and refused with the field named when they are wrong."""

import datetime
import io

import pytest

from postings.ingest.readers import read_csv
from postings.ingest.rows import parse_row
from postings.ingest.services import postings_import
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory

TODAY = datetime.date(2026, 11, 20)


def row(**fields) -> dict:
    return {"external_id": "a-1", "title": "MLOps Engineer", "employer": "Acme", "segment": "finance",
            "posted_on": "2026-10-03", "description": "Run Kubernetes."} | fields  # fmt: skip


def errors(**fields) -> dict[str, str]:
    _, found = parse_row(row(**fields), row=1, default_source="test", today=TODAY)
    return {error.field: error.message for error in found}


def test_details_are_kept_and_cleaned():
    parsed, found = parse_row(
        row(remote="hybrid", department=" <b>Data</b> Platform ", employment_type="Full-time", salary_min=90000,
            salary_max="120000", salary_currency="EUR", salary_period="year"),
        row=1, default_source="test", today=TODAY,
    )  # fmt: skip

    assert found == []
    assert (parsed.remote, parsed.department, parsed.employment_type) == ("hybrid", "Data Platform", "Full-time")
    assert (parsed.salary_min, parsed.salary_max, parsed.salary_currency, parsed.salary_period) == (
        90000, 120000, "EUR", "year")  # fmt: skip


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"remote": "yes"}, "remote", "Expected one of remote, hybrid, onsite"),
        ({"salary_min": 120000, "salary_max": 90000, "salary_currency": "EUR"}, "salary_max", "below where it starts"),
        ({"salary_min": 90000}, "salary_currency", "needs its currency"),
        ({"salary_min": 90000, "salary_currency": "euro"}, "salary_currency", "three-letter currency code"),
        ({"salary_min": "ninety", "salary_currency": "EUR"}, "salary_min", "whole amount"),
        ({"salary_min": True, "salary_currency": "EUR"}, "salary_min", "whole amount"),
        ({"salary_max": -5, "salary_currency": "EUR"}, "salary_max", "between 0 and 100,000,000"),
        ({"salary_period": "fortnight"}, "salary_period", "Expected one of year, month"),
        ({"department": "x" * 201}, "department", "At most 200 characters"),
    ],
)
def test_wrong_details_are_refused_naming_the_field(fields, field, message):
    assert message in errors(**fields)[field]


@pytest.mark.django_db
def test_a_csv_import_carries_the_details_and_first_seen_day():
    SegmentFactory(slug="finance")
    EmployerFactory(name="Acme")
    text = ("external_id,title,employer,segment,posted_on,description,remote,salary_min,salary_max,salary_currency\n"
            "c-1,MLOps,Acme,finance,2026-10-03,Run Kubernetes.,onsite,50000,65000,GBP\n")  # fmt: skip

    report = postings_import(read_csv(io.BytesIO(text.encode())), source="import")

    assert report.applied, report.as_dict()
    posting = Posting.objects.get()
    details = (posting.remote, posting.salary_min, posting.salary_max, posting.salary_currency)
    assert details == ("onsite", 50000, 65000, "GBP")
    assert posting.first_seen_on is not None and posting.closed_on is None
    assert posting.details == ["On-site", "GBP 50,000\N{EN DASH}65,000"]


@pytest.mark.django_db
def test_a_changed_detail_updates_the_posting():
    SegmentFactory(slug="finance")
    EmployerFactory(name="Acme")
    postings_import([(1, row(remote="remote"))], source="import")

    report = postings_import([(1, row(remote="hybrid"))], source="import")

    assert (report.updated, Posting.objects.get().remote) == (1, "hybrid")
