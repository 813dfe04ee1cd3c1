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


def post(employer, segment, n: int, skills) -> None:
    create_posting(employer=employer, segment=segment, title=f"Job {n}", description="x", extract=False,
                   posted_on=last_month(), external_id=f"cw{n}", skills=skills)  # fmt: skip


def test_a_real_worker_keeps_coverage_current_after_curriculum_and_demand_writes(celery_worker):
    # given: last month Finance posted 30 ads (enough to judge its skills): Kubernetes in 15, MLflow in 10, both
    # core skills (in at least a quarter of its postings)
    finance, employer = SegmentFactory(), EmployerFactory()
    k8s, mlflow = SkillFactory(), SkillFactory()
    for n in range(30):
        post(employer, finance, n, [k8s] if n < 15 else [mlflow] if n < 25 else [])
    track = TrackFactory()
    module = ModuleFactory(track=track)

    # when: the editor aims the track at Finance, then teaches Kubernetes (each commit queues the demand task)
    track_set_segments(track=track, segments=[finance])
    wait_for(lambda: stored_coverage(track) == 0.0, timeout=60, message="coverage of a track with no skills")
    module_set_skills(module=module, skills=[k8s])

    # then: Kubernetes 15 of the weight 15 + 10
    wait_for(lambda: stored_coverage(track) == 0.6, timeout=60, message="coverage after the module edit")

    # when: demand moves (10 more MLflow postings): the demand drain marks the track and drains coverage after it
    for n in range(30, 40):
        post(employer, finance, n, [mlflow])

    # then: Kubernetes 15 of 15 + 20
    wait_for(lambda: stored_coverage(track) == 0.4286, timeout=60, message="coverage after new demand")
    wait_for(lambda: not CoverageMark.objects.exists(), timeout=30, message="no coverage mark left")
