"""A small world whose coverage is computed by hand in the tests.

Finance, this month: 10 counted postings. Kubernetes in 6, MLflow in 4, SOX in 2, Airflow in 1.
With the top 3 skills as demand (N = 3): Kubernetes 6, MLflow 4, SOX 2, a weight of 12.
Track "Engineer A" teaches Kubernetes (module 1), SOX and Airflow (module 2): 8 of 12.
"""

import pytest
from django.core.cache import cache

from careerhub.core.editorial import Status
from curriculum.coverage import compute as coverage_compute
from curriculum.coverage import engine as coverage_engine
from postings.demand import engine as demand_engine
from postings.demand.marks import drain_pending_key
from postings.demand.months import add_months
from postings.services import posting_create
from tests.factories import EmployerFactory, ModuleFactory, SegmentFactory, SkillFactory, TrackFactory


class World(dict):
    """Named objects of the world, and a way to add postings to it."""

    counter = 0

    def post(self, segment: str, skills: list[str], *, times: int = 1, months_ago: int = 0, **kwargs):
        for _ in range(times):
            World.counter += 1
            posting_create(
                employer=self["employer"],
                segment=self[segment],
                title=f"Job {World.counter}",
                description="x",
                posted_on=add_months(self["as_of"], -months_ago),
                external_id=f"w{World.counter}",
                skills=[self[name] for name in skills],
                extract=False,
                **kwargs,
            )


@pytest.fixture(autouse=True)
def coverage_settings(settings):
    settings.CAREERHUB_COVERAGE_TOP_N = 3
    settings.CAREERHUB_COVERAGE_WINDOW_MONTHS = 12
    settings.CAREERHUB_COVERAGE_SURPLUS_SHARE = 0.15
    cache.delete(drain_pending_key())  # no drain flag left over from another test


@pytest.fixture
def world(db):
    w = World(
        as_of=coverage_compute.current_as_of(),
        employer=EmployerFactory(),
        finance=SegmentFactory(name="Finance", slug="finance"),
        health=SegmentFactory(name="Health", slug="health"),
        k8s=SkillFactory(name="Kubernetes", slug="kubernetes"),
        mlflow=SkillFactory(name="MLflow", slug="mlflow"),
        sox=SkillFactory(name="SOX", slug="sox"),
        airflow=SkillFactory(name="Airflow", slug="airflow"),
    )
    w.post("finance", ["k8s", "mlflow"], times=4)
    w.post("finance", ["k8s", "sox"], times=2)
    w.post("finance", ["airflow"])
    w.post("finance", [], times=3)
    w.post("finance", ["mlflow"], months_ago=12)  # outside the 12-month window
    w.post("finance", ["mlflow"], status=Status.DRAFT)  # not counted
    demand_engine.recompute_marked()

    track = w["track"] = TrackFactory(title="Engineer A", slug="engineer-a")
    track.segments.add(w["finance"])
    w["m1"] = ModuleFactory(track=track, order=1, title="Clusters", slug="clusters")
    w["m1"].skills.add(w["k8s"])
    w["m2"] = ModuleFactory(track=track, order=2, title="Controls", slug="controls")
    w["m2"].skills.add(w["sox"], w["airflow"])
    w["draft_module"] = ModuleFactory(
        track=track, order=3, title="Draft", slug="draft", status=Status.DRAFT, published_at=None
    )
    w["draft_module"].skills.add(w["mlflow"])  # a draft module teaches nothing yet
    return w


def compute(world, *tracks):
    """Mark and drain the given tracks, as a write would; return their stored coverage."""
    from curriculum.coverage.marks import coverage_mark_tracks
    from curriculum.coverage.models import TrackCoverage

    coverage_mark_tracks(track_ids=[track.pk for track in tracks])
    coverage_engine.recompute_marked()
    return {c.track_id: c for c in TrackCoverage.objects.filter(track__in=tracks).prefetch_related("segments")}
