"""The skills index (``/skills/``): each skill's share and direction in a segment or overall, its tiers,
sorting by demand or name, filtering by tier, segment, category and name."""

import re

import pytest

from tests.conftest import fresh_copy, shared_by_module
from tests.factories import SegmentFactory, SkillFactory
from tests.world import OCT, build_tiers_world, write_summaries

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    yield from shared_by_module(django_db_blocker, build_tiers_world)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def rows(client, query: str = "") -> dict[str, str]:
    """The index's rows in order: skill name -> the rest of its row (as HTML)."""
    response = client.get(f"/skills/{query}")
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return {m[0]: m[1] for m in re.findall(r'<a href="/skills/[^"]+/">([^<]+)</a></th>(.*?)</tr>', body, re.S)}


def test_overall_figures_most_asked_for_first(client, world):
    # given: all segments over the 12 months to October 2026: 220 postings, Kubernetes in 55, SOX in 15
    found = rows(client)
    # then
    assert list(found) == ["Kubernetes", "SOX", "Terraform"]
    assert "25% (55 of 220)" in found["Kubernetes"] and "7% (15 of 220)" in found["SOX"]
    assert "mentioned in none of 220 postings" in found["Terraform"]  # only in the running month
    assert "distinguishing in Finance" in found["SOX"] and "core in Finance, Health" in found["Kubernetes"]
    assert "Secret skill" not in found


def test_figures_in_one_segment_with_its_tiers(client, world):
    found = rows(client, "?segment=finance")
    assert "25% (15 of 60)" in found["SOX"] and "rising (+30.0 points)" in found["SOX"]
    badges = re.findall(r'<span class="badge">(\w+)</span>', found["SOX"])
    assert badges == ["core", "distinguishing", "rising"]
    assert re.findall(r'<span class="badge">(\w+)</span>', found["Kubernetes"]) == ["core"]
    assert "mentioned in none of 60 postings" in found["Terraform"]


def test_sorted_by_name(client, world):
    SkillFactory(name="Airflow", slug="airflow")
    assert list(rows(client, "?sort=name")) == ["Airflow", "Kubernetes", "SOX", "Terraform"]
    assert list(rows(client, "?sort=demand"))[:2] == ["Kubernetes", "SOX"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?segment=finance&tier=distinguishing", ["SOX"]),
        ("?segment=finance&tier=core", ["Kubernetes", "SOX"]),
        ("?segment=health&tier=rising", []),
        ("?tier=rising", ["SOX"]),  # in any segment
        ("?tier=core&q=sox", ["SOX"]),
    ],
)
def test_filtered_by_tier_and_segment(client, world, query, expected):
    response = client.get(f"/skills/{query}").content.decode()
    found = list(rows(client, query)) if "<tbody>" in response else []
    assert found == expected
    if not expected:
        assert "No published skills match." in response


def test_a_bad_filter_is_named_and_the_others_still_apply(client, world):
    body = client.get("/skills/?segment=hidden-segment&tier=famous&q=sox").content.decode()
    assert "Some filters were ignored" in body
    assert "Segment (slug): Select a valid choice" in body and "Tier: Select a valid choice" in body
    assert "Hidden segment" not in body
    assert re.findall(r'<a href="/skills/([^"]+)/">', body.split("<tbody>")[1]) == ["sox"]


def test_the_page_states_its_window_and_rules(client, world):
    body = client.get("/skills/?segment=health").content.decode()
    assert "Share of Health postings over the 12 months to October 2026 (160 postings, complete months only)" in body
    assert "How the tiers are decided" in body and "Asked for in at least 25%" in body


@pytest.mark.parametrize("extra", [0, 8])
def test_the_index_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries, extra):
    # more skills and more segments must not mean more queries
    skills = [SkillFactory() for _ in range(extra)]
    for _ in range(extra // 4):
        write_summaries({(SegmentFactory(), OCT): (40, dict.fromkeys(skills, 12))})
    url = "/skills/?segment=finance&tier=core&sort=name"
    # the skills, the segments (the one named found among them), the categories; the demand figures (totals
    # and counts) cold
    with django_assert_num_queries(5):
        client.get(url)
    with django_assert_num_queries(3):
        client.get(url)


def test_a_long_index_is_shown_a_page_at_a_time_keeping_its_filters(client, world):
    # given: 60 more skills, so 63 in all, sorted by name ("Extra 00" .. "Extra 59", Kubernetes, SOX, Terraform)
    for n in range(60):
        SkillFactory(name=f"Extra {n:02}", slug=f"extra-{n:02}")
    # when
    first, second = rows(client, "?sort=name"), rows(client, "?sort=name&page=2")
    body = client.get("/skills/?sort=name").content.decode()
    # then: 50 rows, then the other 13, none twice
    assert len(first) == 50 and next(iter(first)) == "Extra 00"
    assert list(second) == [f"Extra {n}" for n in range(50, 60)] + ["Kubernetes", "SOX", "Terraform"]
    assert "Skills 1 to 50 of 63." in body and "Page 1 of 2" in body
    assert 'href="?sort=name&amp;page=2" rel="next"' in body
    # a page past the end shows the last one
    assert list(rows(client, "?sort=name&page=9")) == list(second)
