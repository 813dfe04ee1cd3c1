"""A bulk import refreshes the planner's statistics itself (PostgreSQL): a freshly loaded database is planned
from today's row counts, not from none, and no migration runs ANALYZE on empty tables."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from postings.ingest import services
from postings.ingest.services import postings_import
from postings.models import Posting, PostingSkill
from tests.conftest import skip_or_fail
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_bulk_import_analyzes_the_tables_it_filled(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("statistics are PostgreSQL's: set DATABASE_URL")
    # given: an import above the threshold (lowered for the test)
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", 5)
    SegmentFactory(slug="finance")
    EmployerFactory(name="Acme Bank")
    SkillFactory(name="Kubernetes")
    rows = [
        (n, {"external_id": f"s{n}", "title": f"Engineer {n}", "employer": "Acme Bank", "segment": "finance",
             "posted_on": "2026-10-01", "description": f"Kubernetes and more, ad number {n}."})
        for n in range(1, 8)
    ]  # fmt: skip

    # when
    report = postings_import(rows, source="stats")

    # then: the planner's row estimates are the tables' real sizes
    assert report.created == 7
    assert estimated_rows(Posting._meta.db_table) == Posting.objects.count()
    assert estimated_rows(PostingSkill._meta.db_table) == PostingSkill.objects.count() > 0


def test_no_migration_analyzes_tables_at_migrate_time():
    # ANALYZE of a table that migrate has just created records "empty", and the planner keeps nested loops
    # for queries over the millions of rows an import adds later; statistics belong after the import.
    migrations = Path(settings.BASE_DIR).glob("*/migrations/*.py")
    offenders = [path.name for path in migrations if re.search(r"\bANALY[SZ]E\b", path.read_text(), re.IGNORECASE)]
    assert offenders == []
