"""The demo postings: labelled, following the seed segments, idempotent, and removable without touching real data."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from careerhub.core.editorial import Status
from postings.demand.models import SkillDemand
from postings.demand.selectors import top_skills
from postings.models import Employer, Posting
from segments.models import Segment
from tests.world import create_posting

# The seed is loaded once for the module (``seed_content``); a test that needs it absent lives in
# tests/careerhub/test_seed_missing.py.
pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_demo_postings", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_postings_are_labelled_spread_over_segments_and_idempotent(
    seed_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert "200 created" in load("--count", "200")
    assert "0 created" in load("--count", "200")

    demo = Posting.objects.filter(source="demo")
    assert demo.count() == 200
    assert set(demo.values_list("segment__slug", flat=True)) == set(Segment.objects.values_list("slug", flat=True))
    assert all(name.endswith("(demo)") for name in demo.values_list("employer__name", flat=True).distinct())
    assert SkillDemand.objects.exists()


def test_the_skill_mix_follows_the_segment(seed_content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load("--count", "800")
    finance = Segment.objects.get(slug="financial-services")
    first, last = Posting.objects.filter(source="demo").order_by("posted_on").values_list("posted_on", flat=True)[::799]
    ranked = [
        share.skill.name
        for share in top_skills(
            segment=finance, month_from=first.replace(day=1), month_to=last.replace(day=1), limit=15
        )
    ]
    assert "Model risk management" in ranked
    assert "HIPAA" not in ranked


def test_removing_the_demo_set_leaves_real_postings(seed_content, django_capture_on_commit_callbacks):
    real_employer = Employer.objects.create(name="Real Bank", slug="real-bank")
    with django_capture_on_commit_callbacks(execute=True):
        load("--count", "40")
        real = create_posting(
            employer=real_employer,
            segment=Segment.objects.first(),
            title="Real job",
            description="Kubernetes and Terraform.",
            posted_on=Posting.objects.first().posted_on,
            external_id="r1",
            status=Status.PUBLISHED,
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert "Removed 40 demo postings" in load("--remove")
    assert list(Posting.objects.all()) == [real]
    assert not Employer.objects.filter(name__endswith="(demo)").exists()
    assert set(SkillDemand.objects.values_list("postings", flat=True)) == {1}


@pytest.mark.parametrize("count", ["0", "-5", "1000001"])
def test_bad_counts_are_refused(seed_content, count):
    with pytest.raises(CommandError, match="--count"):
        load("--count", count)


def test_the_api_labels_demo_postings_as_demo():
    from rest_framework.test import APIClient

    from tests.factories import PostingFactory

    # given: one demo posting and one real one
    demo, real = PostingFactory(source="demo"), PostingFactory(source="acme-careers")

    # when: anyone lists and reads them through the API
    listed = {row["id"]: row["demo"] for row in APIClient().get("/api/v1/postings/").json()["results"]}
    detail = APIClient().get(f"/api/v1/postings/{demo.pk}/").json()

    # then: the demo one says so, the real one does not
    assert listed == {demo.pk: True, real.pk: False}
    assert detail["demo"] is True
