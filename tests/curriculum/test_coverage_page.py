import pytest

from careerhub.core.editorial import Status
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

from .conftest import compute

pytestmark = pytest.mark.django_db


def test_the_track_page_shows_its_coverage_and_top_gaps_honestly(client, world):
    # given: the track also targets a draft segment, which must not show
    world["track"].segments.add(SegmentFactory(name="Secret segment", status=Status.DRAFT, published_at=None))
    compute(world, world["track"])

    # when
    body = client.get(world["track"].get_absolute_url()).content.decode()

    # then
    assert "Finance</a>: 67% covered</h3>" in body
    assert "All of it from this track's own modules." in body  # no track comes before it
    assert "Only 10 postings: read it as an early signal." in body  # the page says how little that is
    assert "Not taught yet: <a" in body and "MLflow</a></p>" in body  # no share drawn from too few postings
    assert "Secret segment" not in body


def test_the_track_page_says_when_there_is_nothing_to_compare(client, world):
    # given
    aimless = TrackFactory(title="Aimless", slug="aimless")
    ModuleFactory(track=aimless).skills.add(world["k8s"])
    quiet = TrackFactory(title="Quiet", slug="quiet")
    quiet.segments.add(world["health"])
    compute(world, aimless, quiet)

    # then
    assert "has not been computed yet" in client.get(world["track"].get_absolute_url()).content.decode()
    assert "does not target an employer segment" in client.get(aimless.get_absolute_url()).content.decode()
    assert "no postings in this period" in client.get(quiet.get_absolute_url()).content.decode()


def test_a_draft_gap_skill_and_hostile_names_stay_out_of_the_page(client, world):
    # given: MLflow is unpublished after the coverage was computed; a segment name carries markup
    world["finance"].name = "<script>alert(1)</script>"
    world["finance"].save()
    compute(world, world["track"])
    world["mlflow"].status = Status.DRAFT
    world["mlflow"].save()

    # when
    body = client.get(world["track"].get_absolute_url()).content.decode()

    # then
    assert "MLflow" not in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("segments", [1, 4])
def test_the_track_page_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries, segments):
    # given
    for _ in range(segments - 1):
        segment = SegmentFactory()
        world["track"].segments.add(segment)
        world["k8s"].modules.add(ModuleFactory(track=world["track"]))
    SkillFactory()
    compute(world, world["track"])

    client.get(world["track"].get_absolute_url())  # the demand evidence is cached from the first view on

    # then: the track page's six queries (track, segments, modules, skills, prerequisites, next tracks), and
    # coverage, its segment rows, the gap skills
    with django_assert_num_queries(9):
        assert client.get(world["track"].get_absolute_url()).status_code == 200
