"""Near-duplicates, and the import an editor runs from the admin."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from postings.demand import engine
from postings.demand.models import DemandMark, SkillDemand
from postings.ingest.duplicates import jaccard, near_duplicate_pairs, shingles
from postings.ingest.models import ImportJob, NearDuplicate
from postings.ingest.near_duplicates import near_duplicate_merge
from postings.ingest.services import postings_import
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory

pytestmark = pytest.mark.django_db

AD = (
    "We are hiring a machine learning platform engineer to build and operate our model serving stack on "
    "Kubernetes. You will own deployment pipelines, monitoring of models in production, feature stores and "
    "the developer experience of our data scientists. You have shipped Python services, written Terraform, "
    "and carried a pager for systems that matter. We offer a hybrid office in London and a learning budget."
)
REPOST = AD.replace("a learning budget", "a generous learning budget").replace("London", "London or Leeds")
OTHER = (
    "Join our risk analytics team as a data engineer. You will write SQL and Spark jobs that feed regulatory "
    "reports, keep lineage documented for auditors, and partner with model validation on every release."
)


def row(n, description, employer="Acme Bank", title=None):
    return {
        "external_id": f"r{n}",
        "title": title or f"Engineer {n}",
        "employer": employer,
        "segment": "finance",
        "posted_on": "2026-10-01",
        "description": description,
    }


@pytest.fixture
def world():
    SegmentFactory(name="Finance", slug="finance")
    SkillFactory(name="Kubernetes")
    EmployerFactory(name="Acme Bank")
    EmployerFactory(name="Globex")


def test_the_similarity_of_a_light_edit_is_high_and_of_another_ad_low():
    assert jaccard(shingles(AD), shingles(REPOST)) > 0.8
    assert jaccard(shingles(AD), shingles(OTHER)) < 0.1


def test_near_duplicate_pairs_pair_a_repost_with_its_original_only():
    pairs = near_duplicate_pairs([(1, AD), (2, OTHER), (3, REPOST)], new_from_id=2)
    assert [(later, earlier) for later, earlier, _ in pairs] == [(3, 1)]


def test_many_identical_texts_pair_each_with_the_latest_copy_before_it():
    pairs = near_duplicate_pairs([(n, AD) for n in range(1, 301)], new_from_id=2)
    assert pairs == [(n, n - 1, 1.0) for n in range(2, 301)]


def test_a_repost_is_compared_with_the_employers_recent_history_only(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("postings.ingest.near_duplicates.NEAR_DUPLICATE_HISTORY", 2)
    others = [f"Another ad number {n} about something else entirely, with its own words." for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(1, AD))] + [(n + 2, row(n + 10, text)) for n, text in enumerate(others)], source="t")
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(3, REPOST))], source="test")
    assert not NearDuplicate.objects.exists()  # the ad is three postings back, beyond a history of two

    monkeypatch.setattr("postings.ingest.near_duplicates.NEAR_DUPLICATE_HISTORY", 4)
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(4, REPOST + " Apply now."))], source="test")
    assert {(n.posting.external_id, n.similar_to.external_id) for n in NearDuplicate.objects.all()} == {("r4", "r3")}


def test_an_import_flags_a_repost_of_the_same_employer_but_not_of_another(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(1, AD)), (2, row(2, OTHER))], source="test")
        postings_import([(1, row(3, REPOST)), (2, row(4, REPOST, employer="Globex"))], source="test")

    [near] = NearDuplicate.objects.all()
    assert (near.posting.external_id, near.similar_to.external_id) == ("r3", "r1")
    assert near.similarity > 0.8


def test_merging_a_near_duplicate_stops_counting_it_and_keeps_its_history(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(1, AD)), (2, row(3, REPOST))], source="test")
    assert SkillDemand.objects.get(segment__slug="finance", skill__name="Kubernetes").postings == 2

    near = NearDuplicate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        near_duplicate_merge(near_duplicate=near)

    repost = Posting.objects.get(external_id="r3")
    assert repost.duplicate_of.external_id == "r1"
    assert repost.history.count() == 2  # imported, then linked: nothing deleted
    assert NearDuplicate.objects.get().status == "merged"
    assert SkillDemand.objects.get(segment__slug="finance", skill__name="Kubernetes").postings == 1
    assert engine.compare(engine.stored_summaries(), engine.recount_everything()).drift == 0


def test_an_editor_merges_near_duplicates_with_the_admin_action(
    world, editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(1, AD)), (2, row(3, REPOST))], source="test")
    near = NearDuplicate.objects.get()
    response = editor_client.post(
        "/admin/postings/nearduplicate/", {"action": "merge", "_selected_action": [near.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Posting.objects.get(external_id="r3").duplicate_of_id is not None


def upload(editor_client, content: bytes, name="postings.jsonl", **fields):
    data = {"file": SimpleUploadedFile(name, content), "file_format": "", "source": "upload"} | fields
    return editor_client.post("/admin/postings/importjob/add/", data, follow=True)


def test_an_editor_uploads_checks_and_confirms_an_import(world, editor_client, django_capture_on_commit_callbacks):
    content = "\n".join(json.dumps(row(n, f"{AD} Posting {n}.")) for n in range(3)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor_client, content)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.status, job.preview["created"], Posting.objects.count()) == ("previewed", 3, 0)

    page = editor_client.get(f"/admin/postings/importjob/{job.pk}/change/")
    assert b"Would import" in page.content and b"confirm-import" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/postings/importjob/{job.pk}/confirm/")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.report["created"]) == ("done", 3, 3)
    assert Posting.objects.filter(source="upload").count() == 3


def test_an_upload_with_bad_rows_shows_each_and_cannot_be_confirmed(
    world, editor_client, django_capture_on_commit_callbacks
):
    content = b"\n".join([json.dumps(row(1, AD)).encode(), b"{broken", json.dumps(row(2, "", title="x")).encode()])
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, content)
    job = ImportJob.objects.get()
    assert job.status == "failed"
    page = editor_client.get(f"/admin/postings/importjob/{job.pk}/change/").content.decode()
    assert "row 2, <code>-</code>" in page and "row 3, <code>description</code>" in page
    assert "confirm-import" not in page
    response = editor_client.post(f"/admin/postings/importjob/{job.pk}/confirm/", follow=True)
    assert b"Only a checked file" in response.content
    assert Posting.objects.count() == 0


def test_an_upload_of_unknown_format_is_refused_in_the_form(world, editor_client):
    response = upload(editor_client, b"whatever", name="postings.xlsx")
    assert b"Cannot tell the format" in response.content
    assert ImportJob.objects.count() == 0


def test_confirming_needs_the_add_posting_permission(world, client, django_user_model):
    job = ImportJob.objects.create(file_name="x.jsonl", format="jsonl", content=b"", status="previewed")
    staff = django_user_model.objects.create_user("viewer", is_staff=True)
    client.force_login(staff)
    assert client.post(f"/admin/postings/importjob/{job.pk}/confirm/").status_code == 403


def test_demand_of_an_admin_import_is_counted_once(world, editor_client, django_capture_on_commit_callbacks):
    content = json.dumps(row(1, AD)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, content)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/postings/importjob/{ImportJob.objects.get().pk}/confirm/")
    assert (
        SkillDemand.objects.get(
            segment__slug="finance", skill__name="Kubernetes", month=datetime.date(2026, 10, 1)
        ).postings
        == 1
    )


def admin_posting_form(segment, employer, **overrides):
    data = {
        "title": "MLOps Engineer", "employer": employer.pk, "segment": segment.pk, "status": "published",
        "posted_on": "2026-10-05", "location": "", "description": "We run Kubernetes.", "source": "manual",
        "external_id": "form-1", "url": "",
        "posting_skills-TOTAL_FORMS": "0", "posting_skills-INITIAL_FORMS": "0",
        "posting_skills-MIN_NUM_FORMS": "0", "posting_skills-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    return data | overrides


def test_a_posting_added_in_the_admin_goes_through_the_one_write_path(editor_client):
    # given
    segment, employer = SegmentFactory(), EmployerFactory()
    SkillFactory(name="Kubernetes")
    url = reverse("admin:postings_posting_add")

    # when: a date in the future, then a good form
    refused = editor_client.post(url, admin_posting_form(segment, employer, posted_on="2999-01-01"))
    added = editor_client.post(url, admin_posting_form(segment, employer))

    # then: the refusal names the field on the form, nothing written; the good one is written whole
    assert refused.status_code == 200
    assert "posted_on" in refused.context["adminform"].form.errors
    assert added.status_code == 302
    posting = Posting.objects.get()
    assert posting.content_hash and [s.name for s in posting.skills.all()] == ["Kubernetes"]
    assert posting.history.count() == 1 and DemandMark.objects.filter(segment=segment).exists()
