import datetime

import pytest
from django.db import transaction

from careerhub.core import outbox
from careerhub.core.editorial import Status
from curriculum.coverage import engine
from curriculum.coverage.compute import compute_tracks
from curriculum.coverage.models import CoverageHistory, CoverageMark, TrackCoverage
from curriculum.models import Track
from curriculum.services import module_set_skills, module_update, track_set_segments
from postings.demand import services as demand_services
from postings.demand.months import add_months
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

from .conftest import compute

pytestmark = pytest.mark.django_db
DRAIN_REQUEST = f"{outbox.request_drain_after_commit.__qualname__}.<locals>.request"  # the on-commit hook


def segment_rows(coverage):
    return {row.segment.slug: row for row in coverage.segments.select_related("segment")}


def test_coverage_gaps_surplus_and_evidence_by_hand(world):
    # when
    coverage = compute(world, world["track"])[world["track"].pk]

    # then: the tiered skills are Kubernetes 18 (core), MLflow 12 (core, distinguishing) and SOX 6
    # (distinguishing): Kubernetes + SOX are 24 of the weight 36 (MLflow missing); Airflow is in no tier
    finance = segment_rows(coverage)["finance"]
    assert finance.coverage == round(24 / 36, 4) == 0.6667
    assert coverage.coverage == 0.6667
    assert (finance.postings, finance.demand_skills, finance.taught_demand_skills) == (30, 3, 2)
    assert finance.gaps == [
        {
            "skill": world["mlflow"].pk,
            "postings": 12,
            "share": 0.4,
            "rank": 2,
            "trend": "too few postings",
            "tiers": ["core", "distinguishing"],
        }
    ]
    # Airflow: 3 postings in 30 is below the 15% surplus line; SOX (20%) is not
    assert finance.surplus == [{"skill": world["airflow"].pk, "postings": 3, "share": 0.1}]
    assert coverage.taught_skills == 3
    assert coverage.modules == [
        {
            "module": world["m1"].pk,
            "skills": [
                {
                    "skill": world["k8s"].pk,
                    "demand": [{"segment": world["finance"].pk, "postings": 18, "share": 0.6, "rank": 1}],
                }
            ],
        },
        {
            "module": world["m2"].pk,
            "skills": [
                {
                    "skill": world["sox"].pk,
                    "demand": [{"segment": world["finance"].pk, "postings": 6, "share": 0.2, "rank": 3}],
                },
                {
                    "skill": world["airflow"].pk,
                    "demand": [{"segment": world["finance"].pk, "postings": 3, "share": 0.1, "rank": 4}],
                },
            ],
        },
    ]
    assert coverage.duplicates == {"across": [], "within": [], "before": []}
    # provenance: the window and the demand it read
    assert coverage.as_of == world["as_of"]
    assert coverage.window_months == 12
    assert coverage.demand_computed_at is not None and len(coverage.demand_digest) == 64


def test_another_segments_postings_move_the_tiers_and_recompute_the_track(world):
    # given
    compute(world, world["track"])

    # when: 6 Retail postings ask for SOX; the demand drain marks every track aimed at a segment
    world.post("retail", ["sox"], times=6)
    demand_services.demand_drain(trigger="test")

    # then: SOX is 20% of Finance against 6 of 36 elsewhere (16.7%), a lift of 1.2: no longer distinguishing,
    # so Finance's demand is Kubernetes 18 and MLflow 12, of which Kubernetes is taught
    finance = segment_rows(TrackCoverage.objects.get(track=world["track"]))["finance"]
    assert finance.coverage == round(18 / 30, 4) == 0.6
    assert (finance.demand_skills, finance.taught_demand_skills) == (2, 1)
    assert not CoverageMark.objects.exists()


def test_no_modules_no_demand_and_no_segments(world):
    # given
    bare = TrackFactory(slug="bare")
    bare.segments.add(world["finance"], world["health"])  # Health has no postings at all
    lonely = TrackFactory(slug="lonely")  # aims at no segment
    ModuleFactory(track=lonely).skills.add(world["k8s"])

    # when
    results = compute(world, bare, lonely)

    # then: a track with no modules covers nothing of Finance; Health has no demand to cover
    rows = segment_rows(results[bare.pk])
    assert rows["finance"].coverage == 0.0
    assert [gap["skill"] for gap in rows["finance"].gaps] == [world["k8s"].pk, world["mlflow"].pk, world["sox"].pk]
    assert (rows["health"].coverage, rows["health"].postings, rows["health"].gaps) == (None, 0, [])
    assert rows["health"].surplus == []
    assert results[bare.pk].coverage == 0.0  # the mean over segments with demand only
    assert results[lonely.pk].coverage is None
    assert list(results[lonely.pk].segments.all()) == []
    assert results[lonely.pk].taught_skills == 1


def test_duplication_across_tracks_at_a_level_and_within_a_track(world):
    # given: another published engineer track teaches Kubernetes; a senior one and a draft one do too
    twin = TrackFactory(slug="twin")
    ModuleFactory(track=twin).skills.add(world["k8s"])
    ModuleFactory(track=TrackFactory(slug="senior", level="senior")).skills.add(world["k8s"])
    ModuleFactory(track=TrackFactory(slug="draft", status=Status.DRAFT, published_at=None)).skills.add(world["k8s"])
    again = ModuleFactory(track=world["track"], order=4, slug="again")
    again.skills.add(world["k8s"])

    # when
    results = compute(world, world["track"], twin)

    # then
    assert results[world["track"].pk].duplicates == {
        "across": [{"skill": world["k8s"].pk, "tracks": [twin.pk]}],
        "within": [{"skill": world["k8s"].pk, "modules": [world["m1"].pk, again.pk]}],
        "before": [],
    }
    assert results[twin.pk].duplicates["across"] == [{"skill": world["k8s"].pk, "tracks": [world["track"].pk]}]


def test_a_rising_gap_is_marked(world, settings):
    # given: Health, 30 postings four months ago without Vault, 30 this month of which 12 ask for Vault
    world["vault"] = SkillFactory(name="Vault")
    world.post("health", [], times=30, months_ago=4)
    world.post("health", ["vault"], times=12)
    world.post("health", [], times=18)
    from postings.demand import engine as demand_engine

    demand_engine.recompute_marked()
    track_set_segments(track=world["track"], segments=[world["health"]])

    # when
    engine.recompute_marked()

    # then
    health = segment_rows(TrackCoverage.objects.get(track=world["track"]))["health"]
    # Vault: 12 of 60 (20%, not core), asked for by no other segment (distinguishing), 0% then 40% (rising)
    assert health.gaps == [
        {
            "skill": world["vault"].pk,
            "postings": 12,
            "share": 0.2,
            "rank": 1,
            "trend": "rising",
            "tiers": ["distinguishing", "rising"],
        }
    ]
    assert health.coverage == 0.0


def test_a_curriculum_write_marks_coverage_in_its_own_transaction(world):
    # given
    compute(world, world["track"])
    twin = TrackFactory(slug="twin")

    # when: a write that rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        module_set_skills(module=world["m1"], skills=[world["k8s"], world["mlflow"]])
        assert set(CoverageMark.objects.values_list("track_id", flat=True)) == {world["track"].pk, twin.pk}
        raise RuntimeError("rolled back")

    # then: no mark survives; the committed write's marks name the track and its level's peers
    assert not CoverageMark.objects.exists()
    module_update(module=world["m2"], data={"title": "Controls and audit"})
    assert set(CoverageMark.objects.values_list("track_id", flat=True)) == {world["track"].pk, twin.pk}


def test_editing_a_modules_skills_updates_coverage_after_commit(world, django_capture_on_commit_callbacks):
    # given
    compute(world, world["track"])

    # when: the editor adds MLflow; the commit queues the demand task, which drains coverage after demand
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        module_set_skills(module=world["m1"], skills=[world["k8s"], world["mlflow"]])
        stored = TrackCoverage.objects.get(track=world["track"])
        assert stored.coverage == 0.6667  # nothing recomputed before the commit

    # then: Kubernetes 18 + MLflow 12 + SOX 6 of 36
    queued = [callback for callback in callbacks if callback.__qualname__ == DRAIN_REQUEST]
    assert len(queued) == 1  # one drain requested
    coverage = TrackCoverage.objects.get(track=world["track"])
    assert coverage.coverage == 1.0
    assert segment_rows(coverage)["finance"].gaps == []
    assert coverage.curriculum_digest != stored.curriculum_digest
    assert not CoverageMark.objects.exists()
    history = list(
        CoverageHistory.objects.filter(track=world["track"], segment__isnull=True)
        .order_by("computed_at", "id")
        .values_list("coverage", flat=True)
    )
    assert history == [0.6667, 1.0]


def test_new_demand_marks_and_recomputes_every_track_aimed_at_a_segment(world):
    # given
    compute(world, world["track"])
    other = TrackFactory(slug="other")
    other.segments.add(SegmentFactory(slug="elsewhere"))
    bystander = TrackFactory(slug="bystander")  # aimed at no segment
    CoverageMark.objects.all().delete()

    # when: another Finance posting asks for MLflow; the demand drain marks the tracks in its own transaction
    world.post("finance", ["mlflow"])
    demand_services.demand_drain(trigger="test")

    # then: Kubernetes 18, MLflow 13, SOX 6: taught 24 of 37
    coverage = TrackCoverage.objects.get(track=world["track"])
    assert coverage.coverage == round(24 / 37, 4)
    assert segment_rows(coverage)["finance"].postings == 31
    # a segment's tiers are judged against all segments: the other segment's track is recomputed too
    assert TrackCoverage.objects.filter(track=other).exists()
    assert not TrackCoverage.objects.filter(track=bystander).exists()
    assert not CoverageMark.objects.exists()


def test_the_window_moves_with_as_of(world):
    # when: computed as of a month a year on, nothing of this month's demand is left
    later = add_months(world["as_of"], 12)
    result = compute_tracks([world["track"].pk], as_of=later)[world["track"].pk]

    # then
    assert result.as_of == later
    assert result.segments[0].coverage is None
    assert result.segments[0].postings == 0
    assert isinstance(later, datetime.date)


def test_compute_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    many = []
    for n in range(5):
        track = TrackFactory(slug=f"many-{n}")
        track.segments.add(world["finance"], world["health"])
        for order in (1, 2):
            ModuleFactory(track=track, order=order).skills.add(world["k8s"], world["sox"])
        many.append(track.pk)
    for track_id, before in zip(many[1:], many, strict=False):  # a path through the batch: each after the last
        Track.objects.get(pk=track_id).prerequisites.add(before)
    # tracks, segments, prerequisite links, modules, module skills, peers, month totals, skill cells
    with django_assert_num_queries(8):
        compute_tracks([world["track"].pk])
    with django_assert_num_queries(8):
        compute_tracks([world["track"].pk, *many])


def test_unpublishing_a_skill_marks_coverage_and_it_follows_after_commit(world, django_capture_on_commit_callbacks):
    # given
    from postings.services import skill_set_status

    compute(world, world["track"])
    bystander = TrackFactory(slug="bystander")  # no segment, does not teach MLflow

    # when: MLflow goes back to draft; the commit queues the demand task, which drains coverage
    with django_capture_on_commit_callbacks(execute=True):
        skill_set_status(skills=[world["mlflow"]], status=Status.DRAFT)
        assert set(CoverageMark.objects.values_list("track_id", flat=True)) == {world["track"].pk}

    # then: Finance's tiered skills are now Kubernetes 18 and SOX 6, both taught
    coverage = TrackCoverage.objects.get(track=world["track"])
    assert coverage.coverage == 1.0
    assert segment_rows(coverage)["finance"].gaps == []
    assert not TrackCoverage.objects.filter(track=bystander).exists()


def test_track_status_level_and_deletion_mark_the_tracks_of_the_level(world):
    # given
    from curriculum.services import track_delete, track_set_status, track_update

    peer = TrackFactory(slug="peer")
    senior = TrackFactory(slug="senior", level="senior")
    CoverageMark.objects.all().delete()

    def marked():
        ids = set(CoverageMark.objects.values_list("track_id", flat=True))
        CoverageMark.objects.all().delete()
        return ids

    # when / then: archiving a track changes what its level's peers share with it
    track_set_status(tracks=[peer], status=Status.ARCHIVED)
    assert marked() == {world["track"].pk, peer.pk}
    # moving a track to another level marks both levels
    track_update(track=peer, data={"level": "senior"})
    assert marked() == {world["track"].pk, peer.pk, senior.pk}
    # a summary edit marks the track only
    track_update(track=senior, data={"summary": "New words."})
    assert marked() == {senior.pk}
    # deleting a track marks the peers it leaves
    track_delete(track=peer)
    assert marked() == {senior.pk}
