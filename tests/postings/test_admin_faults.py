"""The admin as an editor meets it: internal tables kept to superusers, the import job's wording, the
posting form's skill review and its foreign keys."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from postings.demand.models import DemandMark, DemandRun, SegmentMonthTotal, SkillDemand
from postings.ingest.models import ImportJob
from postings.ingest.services import postings_import
from postings.models import Posting, PostingSkill, RemovedSkillAlias, Skill
from postings.services import posting_skill_save, posting_skills_review
from tests.careerhub.test_edit_versions import form_data
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, make_editor

pytestmark = pytest.mark.django_db

INTERNAL_TABLES = ("skilldemand", "segmentmonthtotal", "demandrun")


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


# --- The posting form: review of extracted skills, foreign keys ---------------------------------------------


@pytest.fixture
def extracted(import_world, django_capture_on_commit_callbacks):
    """A posting whose Kubernetes and Terraform were found by the extractor, and a skill an editor added."""
    for name in ("Kubernetes", "Terraform", "Python"):
        SkillFactory(name=name)
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, json.loads(_row(1)))], source="test")
    posting = Posting.objects.get()
    PostingSkill.objects.filter(posting=posting).delete()  # links as the test lays them out, below
    kubernetes, terraform, python = (Skill.objects.get(name=name) for name in ("Kubernetes", "Terraform", "Python"))
    for skill, state in ((kubernetes, "auto"), (terraform, "auto"), (python, "added")):
        posting_skill_save(posting_skill=PostingSkill(posting=posting, skill=skill, state=state))
    DemandMark.objects.all().delete()
    return posting


def _states(posting) -> dict[str, str]:
    return dict(posting.posting_skills.values_list("skill__name", "state"))


@pytest.mark.parametrize(("button", "state"), [("accept", "accepted"), ("reject", "rejected")])
def test_the_posting_form_accepts_or_rejects_every_extracted_skill_at_once(editor_client, extracted, button, state):
    # given
    url = reverse("admin:postings_posting_change", args=[extracted.pk])
    page = editor_client.get(url)
    assert "2 skills found by the extractor, not yet reviewed" in page.content.decode()
    # when: the button, with the rest of the form as shown
    response = editor_client.post(url, form_data(page) | {"_review_skills": button}, follow=True)
    # then: the extractor's links decided, the editor's own kept, demand marked, back on the posting
    assert _states(extracted) == {"Kubernetes": state, "Terraform": state, "Python": "added"}
    assert response.redirect_chain[-1][0] == url
    assert f"{state.capitalize()} 2 skills found by the extractor." in response.content.decode()
    assert DemandMark.objects.exists()
    assert extracted.posting_skills.get(skill__name="Kubernetes").history.count() == 2


def test_the_postings_list_reviews_the_extracted_skills_of_the_selected_postings(editor_client, extracted):
    # when
    response = editor_client.post(
        reverse("admin:postings_posting_changelist"),
        {"action": "reject_extracted_skills", "_selected_action": [extracted.pk]},
        follow=True,
    )
    # then
    assert _states(extracted) == {"Kubernetes": "rejected", "Terraform": "rejected", "Python": "added"}
    assert "Rejected 2 skills found by the extractor." in response.content.decode()


def test_reviewing_needs_the_permission_and_a_known_state(extracted, django_user_model):
    # given: a staff user who may read postings only
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    # when / then: refused by the service, nothing changed
    with pytest.raises(PermissionDenied):
        posting_skills_review(postings=[extracted], state="accepted", user=reader)
    editor = make_editor()
    with pytest.raises(ValueError, match="state"):
        posting_skills_review(postings=[extracted], state="auto", user=editor)
    assert _states(extracted)["Kubernetes"] == "auto"


def test_the_posting_form_has_no_change_or_delete_links_beside_its_foreign_keys(editor_client, extracted):
    # when
    html = editor_client.get(reverse("admin:postings_posting_change", args=[extracted.pk])).content.decode()
    # then: the red ✕ (deletes the employer and its postings) and the pencil are gone; choosing stays
    for name in ("employer", "segment", "posting_skills-0-skill"):
        assert f'id="delete_id_{name}"' not in html and f'id="change_id_{name}"' not in html
        assert f'name="{name}"' in html
