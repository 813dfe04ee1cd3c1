import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from curriculum.selectors import track_get, track_list, tracks_teaching
from curriculum.services import module_create, module_update, track_create, track_update
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_level_must_be_one_of_the_career_levels():
    with pytest.raises(ValidationError) as error:
        track_create(title="Wizard", slug="wizard", level="wizard", summary="x")
    assert "level" in error.value.message_dict
    track = TrackFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Track.objects.filter(pk=track.pk).update(level="wizard")


def test_module_order_starts_at_one_and_slugs_are_unique_in_a_track():
    track = TrackFactory()
    module_create(track=track, order=1, title="Kubernetes", slug="kubernetes")
    with pytest.raises(ValidationError):
        module_create(track=track, order=2, title="Kubernetes again", slug="kubernetes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.filter(track=track).update(order=0)
    # the same slug in another track is fine
    module_create(track=TrackFactory(), order=1, title="Kubernetes", slug="kubernetes")


def test_track_segments_and_module_skills_are_recorded_in_history():
    finance, health = SegmentFactory.create_batch(2)
    track = track_create(title="Senior", slug="senior", level="senior", summary="x", segments=[finance])
    track_update(track=track, data={"segments": [finance, health], "summary": "y"})
    assert set(track.segments.all()) == {finance, health}
    assert {s.segment_id for s in track.history.first().segments.all()} == {finance.pk, health.pk}

    kubernetes = SkillFactory()
    module = module_create(track=track, order=1, title="K8s", slug="k8s", skills=[kubernetes])
    module_update(module=module, data={"skills": []})
    assert not module.skills.exists()


def test_drafts_never_reach_the_public_selectors():
    track = TrackFactory()
    ModuleFactory(track=track, title="Public")
    ModuleFactory(track=track, title="Secret", status=Status.DRAFT, published_at=None)
    draft_track = TrackFactory(status=Status.DRAFT, published_at=None)
    draft_segment = SegmentFactory(status=Status.DRAFT, published_at=None)
    track.segments.add(draft_segment)

    assert list(track_list()) == [track]
    assert track_get(slug=draft_track.slug) is None
    loaded = track_get(slug=track.slug)
    assert [m.title for m in loaded.modules.all()] == ["Public"]
    assert list(loaded.segments.all()) == []
    assert track_get(slug=draft_track.slug, include_unpublished=True) == draft_track


def test_tracks_teaching_a_skill_count_only_published_modules():
    skill = SkillFactory()
    taught = ModuleFactory()
    taught.skills.add(skill)
    hidden = ModuleFactory(status=Status.DRAFT, published_at=None)
    hidden.skills.add(skill)
    assert list(tracks_teaching(skill=skill)) == [taught.track]


def test_track_detail_selector_makes_a_fixed_number_of_queries(django_assert_num_queries):
    def build(modules: int) -> str:
        track = TrackFactory()
        track.segments.add(*SegmentFactory.create_batch(2))
        for _ in range(modules):
            ModuleFactory(track=track).skills.add(*SkillFactory.create_batch(3))
        return track.slug

    for slug in (build(1), build(6)):
        # track, segments, modules, skills (with categories), prerequisites, next tracks
        with django_assert_num_queries(6):
            track = track_get(slug=slug)
            for module in track.modules.all():
                [skill.category.name for skill in module.skills.all()]
            list(track.segments.all())
