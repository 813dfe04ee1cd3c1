"""The shared FilterSets of tracks and modules."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from careerhub.core.editorial import Status
from careerhub.core.filters import unknown_slugs
from curriculum.filters import ModuleFilterSet, TrackFilterSet
from curriculum.models import Level, Module
from curriculum.selectors import track_list
from segments.filters import SegmentFilterSet
from segments.selectors import segment_list
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db


def run(filterset, queryset, **params):
    request = RequestFactory().get("/", params)
    request.user = AnonymousUser()
    fs = filterset(request.GET, queryset=queryset, request=request)
    return fs, (list(fs.qs) if fs.is_valid() else None)


def test_tracks_filter_by_segment_level_and_taught_skill():
    finance, draft_segment = SegmentFactory(slug="finance"), SegmentFactory(slug="hidden", status=Status.DRAFT)
    skill = SkillFactory(slug="kubernetes")
    platform = TrackFactory(level=Level.PLATFORM)
    platform.segments.add(finance, draft_segment)
    engineer = TrackFactory(level=Level.ENGINEER)
    ModuleFactory(track=platform).skills.add(skill)
    ModuleFactory(track=engineer, status=Status.DRAFT, published_at=None).skills.add(skill)

    assert run(TrackFilterSet, track_list(), segment="finance")[1] == [platform]
    assert run(TrackFilterSet, track_list(), level="engineer")[1] == [engineer]
    # Only a published module's skills count as taught.
    assert run(TrackFilterSet, track_list(), skill="kubernetes")[1] == [platform]
    # a draft segment's slug finds nothing and is named as unknown (as one that does not exist)
    fs, rows = run(TrackFilterSet, track_list(), segment="hidden")
    assert rows == [] and unknown_slugs(fs) == ["segment"]
    fs, rows = run(TrackFilterSet, track_list(), level="wizard")
    assert rows is None and "level" in fs.errors


def test_modules_filter_by_track_and_skill():
    skill = SkillFactory(slug="kubernetes")
    module = ModuleFactory(track=TrackFactory(slug="t1"))
    module.skills.add(skill)
    ModuleFactory(track=TrackFactory(slug="t2"))
    assert run(ModuleFilterSet, Module.objects.all(), track="t1")[1] == [module]
    assert run(ModuleFilterSet, Module.objects.all(), skill="kubernetes")[1] == [module]


def test_segments_search_and_order():
    a, b = SegmentFactory(name="Big tech", display_order=2), SegmentFactory(name="Banks", display_order=1)
    assert run(SegmentFilterSet, segment_list(), q="big")[1] == [a]
    assert run(SegmentFilterSet, segment_list(), ordering="display_order")[1] == [b, a]
    assert run(SegmentFilterSet, segment_list(), ordering="-name")[1] == [a, b]
