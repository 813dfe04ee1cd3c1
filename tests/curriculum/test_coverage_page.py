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
    # the gap with its share and tiers
    assert (
        'Not taught yet: <a href="/skills/mlflow/">MLflow</a> (40%) <span class="badge">core</span> '
        '<span class="badge">distinguishing</span></p>'
    ) in body
    assert "core, distinguishing and rising skills" in body
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


def test_the_summary_and_the_coverage_page_show_cumulative_and_own_figures(client, world):
    # given: Engineer A comes after Basics, which teaches Kubernetes and MLflow
    from curriculum.services import track_set_prerequisites

    basics = TrackFactory(title="Basics", slug="basics")
    ModuleFactory(track=basics, title="Basics module").skills.add(world["k8s"], world["mlflow"])
    track_set_prerequisites(track=world["track"], prerequisites=[basics])
    compute(world, world["track"])

    # when
    summary = client.get(world["track"].get_absolute_url()).content.decode()
    detail = client.get("/tracks/engineer-a/coverage/").content.decode()

    # then: 12 of 12 along the path; the track's own Kubernetes and SOX are 8 of 12
    assert "Finance</a>: 100% covered</h3>" in summary
    assert "This track adds 67%; the tracks before it cover 33%." in summary
    assert "Every one of these skills is taught along the path." in summary
    assert 'href="/tracks/engineer-a/coverage/">The full coverage detail</a>' in summary
    assert 'Counted with the tracks before it on the learning path: <a href="/tracks/basics/">Basics</a>.' in detail
    assert "3 of the 3 skills in these employers' tiers are taught along the path (2 by this track itself" in detail
    assert "<summary>How the tiers are decided</summary>" in detail
    assert '<a href="/skills/kubernetes/">Kubernetes</a>: in <a href="/tracks/basics/">Basics</a>' in detail  # again
    assert "Airflow</a>." in detail  # surplus: taught here, rarely asked for


def test_the_coverage_page_of_a_draft_track_is_hidden_and_its_queries_are_fixed(
    client, world, django_assert_num_queries
):
    # given: Engineer A comes after Basics
    from curriculum.services import track_set_prerequisites

    basics = TrackFactory(title="Basics", slug="basics")
    ModuleFactory(track=basics).skills.add(world["mlflow"])
    track_set_prerequisites(track=world["track"], prerequisites=[basics])
    draft = TrackFactory(slug="draft-track", status=Status.DRAFT, published_at=None)
    compute(world, world["track"], draft)
    assert client.get("/tracks/draft-track/coverage/").status_code == 404
    for n in range(3):
        ModuleFactory(track=world["track"], order=10 + n).skills.add(SkillFactory(), world["k8s"])
    client.get("/tracks/engineer-a/coverage/")  # the demand evidence is cached from the first view on

    # then: the track with its segments, modules and their skills (four queries); coverage, segment rows, gap
    # skills, pending marks, and the tracks before it (no skill is taught again here, so no skill is read for
    # that; the modules' stored evidence is not read: the page shows the live demand behind each module's skills)
    with django_assert_num_queries(9):
        assert client.get("/tracks/engineer-a/coverage/").status_code == 200


def test_a_segment_too_small_for_tiers_is_not_judged_and_the_page_says_why(client, world):
    # given: Health has 10 postings, all asking for Kubernetes: too few for a share, so for a tier
    world.post("health", ["k8s"], times=10)
    from postings.demand import engine as demand_engine

    demand_engine.recompute_marked()
    world["track"].segments.add(world["health"])
    compute(world, world["track"])

    # when
    body = client.get(world["track"].get_absolute_url()).content.decode()

    # then: no figure drawn from 10 postings; Finance is judged as before
    assert "Health</a>: too few postings to judge (10, fewer than 30)</h3>" in body
    assert "Finance</a>: 67% covered</h3>" in body
