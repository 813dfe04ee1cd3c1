import pytest
from django.utils import timezone

from curriculum.coverage.models import CoverageMark, TrackCoverage
from curriculum.services import module_set_skills, track_set_segments
from postings.demand.months import add_months, month_start
from tests.factories import EmployerFactory, ModuleFactory, SegmentFactory, SkillFactory, TrackFactory
from tests.world import create_posting

from .conftest import wait_for

pytestmark = pytest.mark.integration


def stored_coverage(track):
    row = TrackCoverage.objects.filter(track=track).first()
    return row.coverage if row else None


def last_month():
    """The latest complete month: the last of the demand window the worker computes coverage over."""
    return add_months(month_start(timezone.localdate()), -1)


def test_a_real_worker_keeps_coverage_current_after_curriculum_and_demand_writes(celery_worker):
    # given: Finance asks for Kubernetes in 3 postings and MLflow in 1, last month (both in the worker's top 20)
    finance, employer = SegmentFactory(), EmployerFactory()
    k8s, mlflow = SkillFactory(), SkillFactory()
    for n, skills in enumerate([[k8s], [k8s], [k8s, mlflow]]):
        create_posting(
            employer=employer,
            segment=finance,
            title=f"Job {n}",
            description="x",
            extract=False,
            posted_on=last_month(),
            external_id=f"cw{n}",
            skills=skills,
        )
    track = TrackFactory()
    module = ModuleFactory(track=track)

    # when: the editor aims the track at Finance, then teaches Kubernetes (each commit queues the demand task)
    track_set_segments(track=track, segments=[finance])
    wait_for(lambda: stored_coverage(track) == 0.0, timeout=60, message="coverage of a track with no skills")
    module_set_skills(module=module, skills=[k8s])

    # then: Kubernetes 3 of the weight 4
    wait_for(lambda: stored_coverage(track) == 0.75, timeout=60, message="coverage after the module edit")

    # when: demand moves (another MLflow posting): the demand drain marks the track and drains coverage after it
    create_posting(
        employer=employer,
        segment=finance,
        title="Job 4",
        description="x",
        extract=False,
        posted_on=last_month(),
        external_id="cw4",
        skills=[mlflow],
    )

    # then: Kubernetes 3 of 3 + 2
    wait_for(lambda: stored_coverage(track) == 0.6, timeout=60, message="coverage after new demand")
    wait_for(lambda: not CoverageMark.objects.exists(), timeout=30, message="no coverage mark left")
