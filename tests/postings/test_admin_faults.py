"""The admin as an editor meets it: skill autocomplete on the seed taxonomy, internal tables kept to
superusers, the import job's wording, the posting form's skill review and its foreign keys."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from postings.demand.models import DemandRun, SegmentMonthTotal, SkillDemand
from postings.ingest.models import ImportJob
from postings.ingest.services import postings_import
from postings.models import RemovedSkillAlias
from postings.seed import seed_taxonomy
from tests.conftest import shared_by_module
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory

pytestmark = pytest.mark.django_db

INTERNAL_TABLES = ("skilldemand", "segmentmonthtotal", "demandrun")


def _autocomplete(client, term: str, *, app_label: str, model_name: str, field_name: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


# --- Skill autocomplete on the seed taxonomy --------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_skills(django_db_setup, django_db_blocker):
    """The taxonomy CareerHub ships with, loaded once for the module."""
    yield from shared_by_module(django_db_blocker, seed_taxonomy)


@pytest.mark.parametrize(
    "field", [("curriculum", "module", "skills"), ("postings", "postingskill", "skill")], ids=["module", "posting"]
)
def test_the_autocomplete_offers_the_skill_named_like_the_query_first_in_the_seed_taxonomy(
    seed_skills, editor_client, field
):
    # given: the seed taxonomy, where "Databricks Unity Catalog" and "Fiddler AI" mention auditing and
    # explainability in their descriptions
    app_label, model_name, field_name = field
    # when
    audit = _autocomplete(editor_client, "Audit", app_label=app_label, model_name=model_name, field_name=field_name)
    explain = _autocomplete(
        editor_client, "explainab", app_label=app_label, model_name=model_name, field_name=field_name
    )
    # then: the skill named (and aliased) like the query is what Enter attaches; description matches come last
    assert audit[0] == "Audit trails" and "Databricks Unity Catalog" in audit[1:]
    assert explain[0] == "Model explainability" and "Fiddler AI" in explain[1:]


# --- Internal tables -----------------------------------------------------------------------------------


@pytest.fixture
def demand_rows():
    segment = SegmentFactory(name="Test segment", slug="test-segment")
    skill = SkillFactory(name="Counted test skill")
    for month in (datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)):
        SkillDemand.objects.create(segment=segment, skill=skill, month=month, postings=3, computed_at=timezone.now())
        SegmentMonthTotal.objects.create(segment=segment, month=month, postings=5, computed_at=timezone.now())
    return segment


def test_editors_neither_see_nor_open_the_internal_tables(editor_client, demand_rows):
    # when
    index = editor_client.get(reverse("admin:index")).content.decode()
    # then: not in the menu, and their pages refused
    for name in INTERNAL_TABLES:
        assert reverse(f"admin:postings_{name}_changelist") not in index
        assert editor_client.get(reverse(f"admin:postings_{name}_changelist")).status_code == 403
    assert editor_client.post(reverse("admin:postings_demandrun_recompute")).status_code == 403
    assert not DemandRun.objects.exists()


def test_superusers_read_the_internal_tables_but_never_edit_them(admin_client, demand_rows):
    # given
    row = SkillDemand.objects.first()
    # when
    index = admin_client.get(reverse("admin:index")).content.decode()
    change = admin_client.get(reverse("admin:postings_skilldemand_change", args=[row.pk])).content.decode()
    # then: listed, readable, no save or delete
    for name in INTERNAL_TABLES:
        assert reverse(f"admin:postings_{name}_changelist") in index
    assert 'name="_save"' not in change and reverse("admin:postings_skilldemand_delete", args=[row.pk]) not in change
    assert admin_client.get(reverse("admin:postings_skilldemand_add")).status_code == 403


@pytest.mark.parametrize("name", ["skilldemand", "segmentmonthtotal"])
def test_monthly_tables_filter_by_the_months_they_hold(admin_client, demand_rows, name):
    # when
    page = admin_client.get(reverse(f"admin:postings_{name}_changelist")).content.decode()
    october = admin_client.get(reverse(f"admin:postings_{name}_changelist"), {"month": "2026-10"})
    bad = admin_client.get(reverse(f"admin:postings_{name}_changelist"), {"month": "October"})
    # then: one choice per month present, none of a day's choices
    assert "Today" not in page and "Past 7 days" not in page
    assert "October 2026" in page and "September 2026" in page
    assert october.status_code == 200 and october.context["cl"].result_count == 1
    assert bad.status_code == 302 and "e=1" in bad.url  # the admin's "wrong filter" page, not a 500


# --- Wording -------------------------------------------------------------------------------------------


def test_every_admin_model_has_a_plural_an_editor_would_write():
    # given: Django's default plural adds an "s" ("removed skill aliass")
    from django.contrib import admin

    # when / then
    for model in admin.site._registry:
        plural = str(model._meta.verbose_name_plural)
        assert not plural.endswith(("ss", "xs", "shs", "chs")), f"{model._meta.label}: {plural}"
    assert str(RemovedSkillAlias._meta.verbose_name_plural) == "removed skill aliases"


@pytest.fixture
def import_world():
    SegmentFactory(name="Finance", slug="finance")
    EmployerFactory(name="Acme Bank")


def _row(n: int, **fields) -> bytes:
    data = {
        "external_id": f"r{n}",
        "title": f"Engineer {n}",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-01",
        "description": f"Platform engineering on Kubernetes and Terraform, posting {n}.",
    } | fields
    return json.dumps(data).encode()


def _upload(client, content: bytes, **fields):
    data = {"file": SimpleUploadedFile("postings.jsonl", content), "file_format": "", "source": "upload"} | fields
    return client.post(reverse("admin:postings_importjob_add"), data, follow=True)


def test_an_uploaded_job_is_named_by_its_file_and_time(import_world, editor_client, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(editor_client, _row(1))
    # then
    job = ImportJob.objects.get()
    shown = f"postings.jsonl, uploaded {timezone.localtime(job.created_at):%Y-%m-%d %H:%M}"
    assert str(job) == shown
    assert f"The import job “{shown}” was added" in response.content.decode()


def test_a_refused_upload_lists_its_errors_in_row_order_names_the_checkbox_and_has_finished(
    import_world, editor_client, django_capture_on_commit_callbacks
):
    # given: refusals found in different passes (names resolved, the file read, fields checked)
    content = b"\n".join(
        [_row(1, employer="Initech"), b"{broken", _row(3, description=""), _row(4, segment="nowhere"), _row(5)]
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _upload(editor_client, content)
    job = ImportJob.objects.get()
    page = editor_client.get(reverse("admin:postings_importjob_change", args=[job.pk])).content.decode()
    # then
    assert [error["row"] for error in job.preview["errors"]] == [1, 2, 3, 4]
    positions = [page.index(f"<li>row {n}, ") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)
    assert "--create-employers" not in page and "“Create employers” ticked" in page
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert timezone.localtime(job.finished_at).strftime("%Y") in page.split("Finished at", 1)[1][:400]


def test_the_import_command_still_names_its_flag(import_world):
    report = postings_import([(1, json.loads(_row(1, employer="Initech")))], source="cli")
    assert "--create-employers" in report.refused[0].message
