"""The segment page's tiers, and two segments compared side by side (``/segments/compare/?a=&b=``)."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import fresh_copy, shared_by_module
from tests.factories import SegmentFactory, SkillFactory, TrackFactory
from tests.world import OCT, build_tiers_world, track_with_modules, write_summaries

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    def build():
        world = build_tiers_world()
        world["finance_track"], _ = track_with_modules(
            title="Regulated ML", slug="regulated-ml", segments=[world["finance"]], modules=[({}, [world["sox"]])]
        )
        world["shared_track"], _ = track_with_modules(
            title="Platform basics", slug="platform-basics", segments=[world["finance"], world["health"]]
        )
        world["draft_track"], _ = track_with_modules(
            title="Secret track", slug="secret-track", segments=[world["health"]], status="draft", published_at=None
        )
        return world

    yield from shared_by_module(django_db_blocker, build)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_the_segment_page_shows_each_tier_with_its_figures_and_rule(client, world):
    body = page(client, world["finance"].get_absolute_url())
    tiers = body.split('id="tiers-heading"')[1].split("</section>")[0]
    core, distinguishing, rising = (tiers.split(f"<dt>{name} ")[1].split("</dd>")[0]
                                    for name in ("Core", "Distinguishing", "Rising"))
    assert "Asked for in at least 25% of the segment&#x27;s postings over the 12 months to October 2026." in core
    assert "Kubernetes</a>: 25% (15 of 60)" in core and "SOX</a>: 25% (15 of 60)" in core
    assert "at least 2 times its share of all other segments" in distinguishing
    assert "SOX</a>: 25% here, none of 160 postings elsewhere" in distinguishing
    assert "Kubernetes" not in distinguishing  # a lift of 1.0
    assert "SOX</a>: from 10% to 40% (+30.0 points)" in rising and "Kubernetes" not in rising
    assert "Secret skill" not in body
    assert 'href="/segments/compare/?a=finance"' in tiers


def test_a_tier_with_no_skill_says_so(client, world):
    tiers = page(client, world["health"].get_absolute_url()).split('id="tiers-heading"')[1]
    assert tiers.count("No skill in this tier over this window.") == 2  # Health: Kubernetes is core only


def test_two_segments_side_by_side(client, world):
    body = page(client, "/segments/compare/?a=finance&b=health")
    finance, health = body.split('class="compare-side"')[1:3]
    assert "Shares over the 12 months to October 2026 (complete months only)" in body
    assert "Finance</a></h2>" in finance and "60 published postings in the 12 months to October 2026" in finance
    assert "Health</a></h2>" in health and "160 published postings" in health
    # tiers, top skills with shares and directions, tracks
    assert "SOX</a>: from 10% to 40% (+30.0 points)" in finance
    assert '<a href="/skills/sox/">SOX</a></th><td>25% (15 of 60)</td><td>rising (+30.0 points)</td>' in finance
    assert "Regulated ML" in finance and "Platform basics" in finance
    assert "Regulated ML" not in health and "Platform basics" in health and "Secret track" not in health
    assert '<a href="/skills/kubernetes/">Kubernetes</a></th><td>25% (40 of 160)</td>' in health
    assert "SOX" not in health.split("<h3>Tracks")[0]
    # the form keeps the choice
    assert '<option value="finance" selected>Finance</option>' in body.split('id="compare-b"')[0]


def test_without_a_choice_the_page_asks_for_two_segments(client, world):
    body = page(client, "/segments/compare/")
    assert "Choose two segments to see them side by side." in body and 'role="alert"' not in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?a=finance", "Second segment: Choose a second segment to compare."),
        ("?b=finance", "First segment: Choose a first segment to compare."),
        ("?a=finance&b=nope", "Second segment: No published segment has that name: choose one from the list."),
        ("?a=hidden-segment&b=finance", "First segment: No published segment has that name"),  # a draft
        ("?a=finance&b=finance", "Second segment: Choose two different segments."),
        ("?a=%3Cscript%3E&b=" + "x" * 5000, "No published segment has that name"),
    ],
)
def test_bad_or_missing_segments_get_a_readable_error_not_a_500(client, world, query, message):
    body = page(client, f"/segments/compare/{query}", status=400)
    alert = body.split('role="alert"')[1].split("</div>")[0]
    assert message in alert
    assert 'class="compare-side"' not in body and "<script>" not in body
    assert '<meta name="robots" content="noindex">' in body


def test_the_segments_list_links_to_the_comparison(client, world):
    body = page(client, "/segments/")
    assert 'action="/segments/compare/"' in body and 'href="/segments/compare/"' in body
    assert '<option value="health">Health</option>' in body and "Hidden segment" not in body


def test_no_segment_may_take_the_comparison_page_as_its_slug(world):
    segment = SegmentFactory.build(name="Compare", slug="compare")
    with pytest.raises(ValidationError) as refused:
        segment.full_clean()
    assert "slug" in refused.value.message_dict


@pytest.mark.parametrize("extra", [0, 6])
def test_the_comparison_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    # more skills in both segments and more tracks for both must not mean more queries
    skills = [SkillFactory() for _ in range(extra)]
    if skills:
        write_summaries({(world["health"], OCT.replace(month=9)): (40, dict.fromkeys(skills, 20))})
    for _ in range(extra):
        TrackFactory().segments.add(world["finance"], world["health"])
    # the choices, the two segments, the tiers (totals and skills' counts), the skills' names, the tracks and
    # their segments; once cached, the tiers cost nothing
    with django_assert_num_queries(8):
        page(client, "/segments/compare/?a=finance&b=health")
    with django_assert_num_queries(6):
        page(client, "/segments/compare/?a=finance&b=health")


def test_the_segment_page_makes_a_fixed_number_of_queries_with_its_tiers(client, world, django_assert_num_queries):
    page(client, world["finance"].get_absolute_url())  # figures cached
    # the segment, the tracks and their segments, the skills' names, the coverage rows of its best path
    with django_assert_num_queries(5):
        page(client, world["finance"].get_absolute_url())
