"""Cumulative coverage along the learning path, on the coverage world (``tests/world.py``), by hand.

Finance's demand (its tiered skills): Kubernetes 18, MLflow 12, SOX 6 postings of 30, a weight of 36; Airflow (3)
is in no tier. "Engineer A" (the world's track) teaches Kubernetes, SOX and Airflow: 24 of 36 on its own. The
ratios below are written in twelfths (4 of 12 is 12 of 36).
"""

import pytest

from careerhub.core.editorial import Status
from curriculum.coverage import engine
from curriculum.coverage.compute import Parameters, track_result
from curriculum.coverage.models import CoverageMark, TrackCoverage
from curriculum.coverage.sources import Curriculum, SegmentDemand
from curriculum.services import module_set_skills, module_set_status, track_set_prerequisites, track_set_status
from tests.factories import ModuleFactory, TrackFactory

from .conftest import compute

pytestmark = pytest.mark.django_db


def finance(coverage: TrackCoverage):
    return coverage.segments.get()


def track_teaching(world, slug: str, *skills: str, **fields):
    """A published track aimed at Finance, one module teaching ``skills``."""
    track = TrackFactory(slug=slug, title=slug.title(), **fields)
    track.segments.add(world["finance"])
    module = ModuleFactory(track=track, slug=f"{slug}-module")
    module.skills.add(*(world[name] for name in skills))
    return track, module


def test_a_track_whose_prerequisites_teach_all_its_segment_asks_is_100_percent_cumulative_and_0_own(world):
    # given: Foundations teaches Kubernetes, MLflow and SOX; LLM ops, after it, only Airflow
    foundations, _ = track_teaching(world, "foundations", "k8s", "mlflow", "sox")
    llm, _ = track_teaching(world, "llm-ops", "airflow")
    track_set_prerequisites(track=llm, prerequisites=[foundations])

    # when
    coverage = compute(world, llm)[llm.pk]

    # then: 12 of 12 along the path, 0 of 12 its own; no gap left
    row = finance(coverage)
    assert (row.coverage, row.own_coverage) == (1.0, 0.0)
    assert (row.taught_demand_skills, row.own_taught_demand_skills) == (3, 0)
    assert row.gaps == []
    assert (coverage.coverage, coverage.own_coverage, coverage.path) == (1.0, 0.0, [foundations.pk])
    # surplus is of the track's own skills: Airflow, 3 postings in 30, below the 15% line
    assert row.surplus == [{"skill": world["airflow"].pk, "postings": 3, "share": 0.1}]


def test_the_gaps_are_the_paths_and_a_skill_taught_again_is_flagged(world):
    # given: Engineer A comes after Basics, which teaches Kubernetes (which A teaches again)
    basics, _ = track_teaching(world, "basics", "k8s")
    track_set_prerequisites(track=world["track"], prerequisites=[basics])

    # when
    coverage = compute(world, world["track"])[world["track"].pk]

    # then: Kubernetes 6 + SOX 2 = 8 of 12 either way; MLflow is the path's only gap
    row = finance(coverage)
    assert (row.coverage, row.own_coverage) == (0.6667, 0.6667)
    assert [gap["skill"] for gap in row.gaps] == [world["mlflow"].pk]
    assert coverage.duplicates["before"] == [{"skill": world["k8s"].pk, "tracks": [basics.pk]}]


def test_cumulative_coverage_counts_every_track_before_it_and_only_published_teaching(world):
    # given: Basics (Kubernetes) -> Registry (MLflow, in a draft module too) -> Engineer A -> Capstone (nothing)
    basics, _ = track_teaching(world, "basics", "k8s")
    registry, registry_module = track_teaching(world, "registry", "mlflow")
    track_set_prerequisites(track=registry, prerequisites=[basics])
    track_set_prerequisites(track=world["track"], prerequisites=[registry])
    capstone = TrackFactory(slug="capstone")
    capstone.segments.add(world["finance"])
    track_set_prerequisites(track=capstone, prerequisites=[world["track"]])

    # when
    results = compute(world, capstone, registry)

    # then: the capstone counts all three tracks before it: 12 of 12, 0 of its own
    assert (finance(results[capstone.pk]).coverage, finance(results[capstone.pk]).own_coverage) == (1.0, 0.0)
    assert results[capstone.pk].path == [basics.pk, registry.pk, world["track"].pk]
    # Registry: Kubernetes 6 (Basics) + MLflow 4 (its own) = 10 of 12; own 4 of 12
    assert (finance(results[registry.pk]).coverage, finance(results[registry.pk]).own_coverage) == (0.8333, 0.3333)

    # when: Registry's module goes back to draft, then Registry itself
    module_set_status(modules=[registry_module], status=Status.DRAFT)
    engine.recompute_marked()
    without_module = finance(TrackCoverage.objects.get(track=capstone)).coverage
    track_set_status(tracks=[registry], status=Status.DRAFT)
    engine.recompute_marked()
    without_registry = TrackCoverage.objects.get(track=capstone)

    # then: without MLflow, 8 of 12; with Registry a draft, Basics no longer counts through it either
    assert without_module == 0.6667
    assert without_registry.path == [world["track"].pk]
    assert finance(without_registry).coverage == 0.6667  # Engineer A's own Kubernetes and SOX


def test_the_engine_recomputes_the_tracks_after_one_whose_module_gains_a_skill(
    world, django_capture_on_commit_callbacks
):
    # given: Basics -> Engineer A -> Capstone, computed; Basics teaches Kubernetes only. Three levels, so
    # that marking the tracks of Basics's level (for duplication) cannot mark the others by chance.
    basics, basics_module = track_teaching(world, "basics", "k8s", level="senior")
    track_set_prerequisites(track=world["track"], prerequisites=[basics])
    capstone = TrackFactory(slug="capstone", level="architect")
    capstone.segments.add(world["finance"])
    track_set_prerequisites(track=capstone, prerequisites=[world["track"]])
    compute(world, basics, world["track"], capstone)
    assert finance(TrackCoverage.objects.get(track=capstone)).coverage == 0.6667
    CoverageMark.objects.all().delete()

    # when: Basics's module gains MLflow; the write marks the tracks after it, the commit drains them
    with django_capture_on_commit_callbacks(execute=True):
        module_set_skills(module=basics_module, skills=[world["k8s"], world["mlflow"]])
        marked = set(CoverageMark.objects.values_list("track_id", flat=True))

    # then: Engineer A and the capstone now count MLflow: 12 of 12
    assert {basics.pk, world["track"].pk, capstone.pk} <= marked
    for track in (world["track"], capstone):
        row = finance(TrackCoverage.objects.get(track=track))
        assert (row.coverage, row.gaps) == (1.0, [])
    assert finance(TrackCoverage.objects.get(track=world["track"])).own_coverage == 0.6667
    assert not CoverageMark.objects.exists()
    comparison, _ = engine.recompute_all(apply=False)
    assert comparison.differences == []  # what ``recompute_coverage --verify`` checks


def test_changing_prerequisites_recomputes_the_track_and_the_tracks_after_it(
    world, django_capture_on_commit_callbacks
):
    # given: Engineer A -> Capstone, computed
    capstone = TrackFactory(slug="capstone")
    capstone.segments.add(world["finance"])
    track_set_prerequisites(track=capstone, prerequisites=[world["track"]])
    registry, _ = track_teaching(world, "registry", "mlflow")
    compute(world, world["track"], capstone, registry)

    # when: Engineer A now comes after Registry
    with django_capture_on_commit_callbacks(execute=True):
        track_set_prerequisites(track=world["track"], prerequisites=[registry])

    # then: both count MLflow
    assert finance(TrackCoverage.objects.get(track=world["track"])).coverage == 1.0
    assert finance(TrackCoverage.objects.get(track=capstone)).coverage == 1.0
    comparison, _ = engine.recompute_all(apply=False)
    assert comparison.differences == []


def test_a_track_result_by_hand_without_the_database():
    # given: segment 8, 10 postings: skill 1 in 6, 2 in 4, 3 in 2 (each in a tier, a weight of 12), 4 in 1 (in
    # none); track 20 teaches skills 1 and 3 and comes after track 10, which teaches skills 1 and 2
    skills = {1: (6, 0, 0), 2: (4, 0, 0), 3: (2, 0, 0), 4: (1, 0, 0)}
    tiers = {1: ("core",), 2: ("core",), 3: ("distinguishing",)}
    demand = {8: SegmentDemand(total=10, skills=skills, tiers=tiers)}
    curriculum = Curriculum(
        tracks={20: ("senior", "published")},
        segments={20: [8]},
        modules={20: [200], 10: [100]},
        module_skills={200: [1, 3], 100: [1, 2]},
        peers={},
        path={20: [10]},
    )
    parameters = Parameters(as_of=None, window=12, surplus_below=0.0)

    # when
    result = track_result(20, curriculum, demand, parameters)

    # then: 12 of 12 along the path; 6 + 2 = 8 of 12 its own; skill 1 taught again after track 10
    segment = result.segments[0]
    assert (segment.coverage, segment.own_coverage, segment.taught_demand_skills) == (1.0, 0.6667, 3)
    assert (result.coverage, result.own_coverage, result.path, result.taught_skills) == (1.0, 0.6667, [10], 2)
    assert [(item.skill, item.tracks) for item in result.duplicates.before] == [(1, [10])]
    assert segment.gaps == []


def test_the_segment_page_shows_the_path_that_covers_it_best(client, world):
    # given: Foundations teaches MLflow; Engineer A (Kubernetes, SOX, Airflow: 8 of 12 alone) comes after it,
    # so the path Foundations -> Engineer A teaches 12 of 12; Foundations alone teaches 4 of 12
    foundations, _ = track_teaching(world, "foundations", "mlflow")
    track_set_prerequisites(track=world["track"], prerequisites=[foundations])
    compute(world, foundations, world["track"])

    # when
    body = client.get(world["finance"].get_absolute_url()).content.decode()

    # then: the path, in order, with its cumulative coverage and what the last track adds itself
    section = body.split('id="best-path-heading"')[1].split("</section>")[0]
    assert section.index(">Foundations</a>") < section.index(f">{world['track'].title}</a>")
    assert "<strong>100%</strong>" in section and "itself adds 67%" in section


def test_the_segment_page_says_when_no_coverage_is_computed(client, world):
    body = client.get(world["finance"].get_absolute_url()).content.decode()
    assert "No track's coverage of Finance has been computed yet." in body
