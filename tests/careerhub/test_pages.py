import pytest
from django.test import override_settings

from careerhub.core.editorial import Status
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory, UserFactory, make_editor

pytestmark = pytest.mark.django_db


def test_home_lists_published_segments_and_tracks_only(client):
    SegmentFactory(name="Healthcare, biotech, and life sciences")
    SegmentFactory(name="Secret segment", status=Status.DRAFT, published_at=None)
    TrackFactory(title="LLMOps")
    TrackFactory(title="Hidden track", status=Status.ARCHIVED)
    body = client.get("/").content.decode()
    assert "Healthcare, biotech, and life sciences" in body and "LLMOps" in body
    assert "Secret segment" not in body and "Hidden track" not in body


@pytest.mark.parametrize("factory", [SegmentFactory, TrackFactory, SkillFactory])
def test_drafts_are_not_found_except_by_editors(client, factory):
    draft = factory(status=Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(UserFactory())  # logged in, not staff
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(make_editor())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this" in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_track_page_shows_published_modules_and_their_skills(client):
    track = TrackFactory(title="ML Platform Engineer")
    ModuleFactory(track=track, title="GitOps", order=1).skills.add(SkillFactory(name="ArgoCD"))
    ModuleFactory(track=track, title="Unfinished", order=2, status=Status.DRAFT, published_at=None)
    body = client.get(track.get_absolute_url()).content.decode()
    assert "GitOps" in body and "ArgoCD" in body
    assert "Unfinished" not in body


def test_track_list_filters_by_level(client):
    TrackFactory(title="Architect track", level="architect")
    TrackFactory(title="Engineer track", level="engineer")
    body = client.get("/tracks/?level=architect").content.decode().split("<h2>All tracks</h2>")[1]
    assert "Architect track" in body and "Engineer track" not in body


@override_settings(DEBUG=False)
def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/segments/no-such-segment/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_home_page_makes_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    SegmentFactory.create_batch(count)
    for track in TrackFactory.create_batch(count):
        track.segments.add(SegmentFactory())
    SkillFactory.create_batch(count)
    # session-less anonymous request: segments, tracks, their segments, categories, and (cold cache)
    # the rising skills of the demand window: its totals and its skills' counts
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
