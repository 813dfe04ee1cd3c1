"""The one demand window, the trend rule, the wording of missing figures and the skill tiers per segment.

The tests' demand "today" is 2026-11-15 (``tests/conftest.py``): the window is the 12 months to October
2026, its trend compares Aug-Oct 2026 with May-Jul 2026, and November 2026 is the running month.
"""

import datetime

import pytest
from django.urls import reverse

from careerhub.core.editorial import Status
from postings.demand.figures import ScopeTotals, SkillFigures, to_date_totals, window_figures
from postings.demand.tiers import (
    CORE,
    DISTINGUISHING,
    RISING,
    is_core,
    is_distinguishing,
    segment_tiers,
    tier_table,
)
from postings.demand.window import DemandWindow, demand_today, trend_direction
from tests.conftest import fresh_copy, shared_by_module
from tests.factories import SegmentFactory, SkillFactory
from tests.world import OCT, build_tiers_world, write_summaries

pytestmark = pytest.mark.django_db

WINDOW = DemandWindow.before(datetime.date(2026, 11, 15))


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    yield from shared_by_module(django_db_blocker, build_tiers_world)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


# --- The window -------------------------------------------------------------------------------------------


def test_the_window_is_the_complete_months_before_today():
    window = DemandWindow.before(datetime.date(2026, 12, 7))
    assert (window.first, window.last, window.to_date) == (
        datetime.date(2025, 12, 1), datetime.date(2026, 11, 1), datetime.date(2026, 12, 1),
    )
    assert (window.previous_from, window.trend_from) == (datetime.date(2026, 6, 1), datetime.date(2026, 9, 1))
    assert window.label == "12 months to November 2026"
    assert window.trend_label == "Sep\N{EN DASH}Nov 2026 against Jun\N{EN DASH}Aug 2026"
    # the first day of a month is already that month: the month before is the latest complete one
    assert DemandWindow.before(datetime.date(2027, 1, 1)).last == datetime.date(2026, 12, 1)
    assert DemandWindow.before(datetime.date(2026, 12, 31)).last == datetime.date(2026, 11, 1)


def test_today_is_injectable_and_defaults_to_the_local_date(settings):
    settings.CAREERHUB_DEMAND_TODAY = "2027-03-02"
    assert demand_today() == datetime.date(2027, 3, 2)
    assert DemandWindow.current().last == datetime.date(2027, 2, 1)
    settings.CAREERHUB_DEMAND_TODAY = None
    from django.utils import timezone

    assert demand_today() == timezone.localdate()


def test_the_running_month_and_later_ones_are_left_out_and_counted_apart(world):
    totals, figures = window_figures(window=WINDOW, segment_ids=[world["finance"].pk], skill_ids=[world["sox"].pk])
    sox = figures[(world["finance"].pk, world["sox"].pk)]
    assert (sox.postings, sox.total) == (15, 60)  # not the 2 + 1 of November and December
    assert totals[world["finance"].pk] == ScopeTotals(postings=60, current=30, previous=30)
    assert to_date_totals(window=WINDOW, segment_ids=[world["finance"].pk, None]) == {
        world["finance"].pk: 3, None: 3,
    }


def test_the_segment_page_states_the_window_and_shows_the_running_month_apart(client, world):
    body = client.get(world["finance"].get_absolute_url()).content.decode()
    assert "60 published postings in the 12 months to October 2026 (complete months only)" in body
    assert "November 2026 to date: 3 postings so far, left out of shares and trends" in body
    assert "Terraform" not in body  # asked for in the running month only


def test_a_new_month_moves_the_figures_on_without_a_recompute(client, world, settings):
    # given the page read with October as the latest complete month
    assert "asked for in 25% of Finance postings" in client.get(world["finance"].get_absolute_url()).content.decode()
    # when December begins, November is complete
    settings.CAREERHUB_DEMAND_TODAY = datetime.date(2026, 12, 1)
    body = client.get(world["finance"].get_absolute_url()).content.decode()
    # then: 62 postings over the 12 months to November, SOX in 17 of them; December is the running month
    assert "62 published postings in the 12 months to November 2026" in body
    assert '<th scope="row">SOX</th><td>17</td><td>62</td><td>27%</td>' in body
    assert "December 2026 to date: 1 posting so far" in body


# --- The trend rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "direction"),
    [
        ((12, 100), (10, 100), "rising"),  # +2 points and +20%: both thresholds met exactly
        ((11, 100), (10, 100), "stable"),  # +1 point
        ((52, 100), (50, 100), "stable"),  # +2 points but only +4%
        ((5, 100), (0, 100), "rising"),  # from nothing, 5 postings asking
        ((4, 100), (0, 100), "stable"),  # from nothing, but only 4 postings asking: chance
        ((8, 100), (10, 100), "falling"),  # -2 points and -20%
        ((9, 100), (10, 100), "stable"),  # -1 point
        ((0, 100), (4, 100), "stable"),  # down from 4 postings asking: too few to call
        ((12, 100), (10, 29), "too few postings"),  # the earlier period is below the minimum sample
        ((12, 29), (10, 100), "too few postings"),
    ],
)
def test_the_trend_rule_at_its_boundaries(current, previous, direction):
    assert trend_direction(*current, *previous) == direction


# --- The tiers at their boundaries (figures in hand, no database) ------------------------------------------


def figures(postings: int, total: int, current=(0, 0), previous=(0, 0)) -> SkillFigures:
    return SkillFigures(1, 1, postings, total, *current, *previous)


@pytest.mark.parametrize(
    ("postings", "total", "core"),
    [(25, 100, True), (24, 100, False), (30, 30, True), (29, 29, False), (15, 60, True), (14, 60, False)],
)
def test_core_is_a_quarter_of_the_segment_postings_or_more(postings, total, core):
    assert is_core(figures(postings, total)) is core


@pytest.mark.parametrize(
    ("here", "elsewhere", "distinguishing"),
    [
        ((20, 100), (10, 100), True),  # lift exactly 2.0
        ((20, 100), (11, 100), False),  # lift 1.8
        ((5, 30), (0, 100), True),  # asked for nowhere else, 5 postings here
        ((4, 30), (0, 100), False),  # asked for nowhere else, but 4 postings are too few
        ((20, 100), (0, 29), False),  # too few postings elsewhere to compare with
        ((10, 29), (0, 100), False),  # too few postings here
    ],
)
def test_distinguishing_is_a_lift_of_two_with_five_postings_or_more(here, elsewhere, distinguishing):
    assert is_distinguishing(figures(*here), *elsewhere) is distinguishing


def test_the_docs_worked_example(world):
    # when
    table = tier_table(window=WINDOW, segment_ids=[world["finance"].pk, world["health"].pk])
    finance = {row.skill_id: row for row in table.segments[world["finance"].pk]}
    k8s, sox = finance[world["k8s"].pk], finance[world["sox"].pk]

    # then: Kubernetes is core (15 of 60), no more common here than elsewhere, stable (+3.3 points, +14%)
    assert (k8s.figures.postings, k8s.figures.total, k8s.other_postings, k8s.other_total) == (15, 60, 40, 160)
    assert k8s.lift == pytest.approx(1.0) and k8s.figures.direction == "stable"
    assert k8s.tiers == (CORE,)
    # SOX is core, asked for nowhere else, and rising from 10% to 40%
    assert (sox.figures.postings, sox.other_postings, sox.lift, sox.only_here) == (15, 0, None, True)
    assert sox.figures.change == pytest.approx(30.0)
    assert sox.tiers == (CORE, DISTINGUISHING, RISING)
    # Health: Kubernetes in 40 of 160, against 15 of 60 elsewhere
    [health_k8s] = table.segments[world["health"].pk]
    assert health_k8s.tiers == (CORE,) and health_k8s.lift == pytest.approx(1.0)
    # a draft skill is never in a tier, nor a skill of the running month only
    assert world["secret"].pk not in finance and world["terraform"].pk not in finance


def test_segment_tiers_lists_one_tier_in_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):  # the totals and the skills' counts, grouped
        rising = segment_tiers(segment=world["finance"], window=WINDOW, tier=RISING)
    assert [row.skill_id for row in rising] == [world["sox"].pk]
    assert {row.skill_id for row in segment_tiers(segment=world["finance"], window=WINDOW)} == {
        world["k8s"].pk, world["sox"].pk,
    }


def test_tiers_cost_two_queries_however_many_segments_and_skills(world, django_assert_num_queries):
    more = [SegmentFactory() for _ in range(5)]
    extra = [SkillFactory() for _ in range(10)]
    write_summaries({(segment, OCT): (40, dict.fromkeys(extra, 20)) for segment in more})
    with django_assert_num_queries(2):
        table = tier_table(window=WINDOW, segment_ids=[world["finance"].pk, *(s.pk for s in more)])
    assert all(len(table.segments[segment.pk]) == 10 for segment in more)


# --- The words for missing figures ------------------------------------------------------------------------


def test_mentioned_in_none_differs_from_too_few_postings(client, world):
    small = SegmentFactory(name="Small", slug="small")
    write_summaries({(small, OCT): (10, {world["k8s"]: 4})})
    body = client.get(world["terraform"].get_absolute_url()).content.decode()
    assert "mentioned in none of 60 postings" in body  # Finance: enough postings, none asking
    assert "too few postings (10, fewer than 30)" in body  # Small: too few postings to tell
    assert "0% ·" not in body


def test_the_track_page_says_none_of_and_too_few_in_words(client, world):
    from tests.world import track_with_modules

    small = SegmentFactory(name="Small", slug="small")
    write_summaries({(small, OCT): (10, {world["k8s"]: 4})})
    track, (module,) = track_with_modules(segments=[world["finance"], small], modules=[({}, [world["terraform"]])])
    # the track's coverage page, with each module skill's demand, in full words
    body = client.get(reverse("curriculum:track-coverage", args=[track.slug])).content.decode()
    assert "mentioned in none of the 60 Finance postings" in body
    assert "too few Small postings to show a share (10, fewer than 30)" in body
    # the module page's table, in short
    cells = client.get(module.get_absolute_url()).content.decode().split('id="skills-heading"')[1]
    assert "<td>none of 60</td>" in cells and "<td>too few (10)</td>" in cells


# --- The same figure on every page ------------------------------------------------------------------------


def test_a_skill_reads_the_same_on_the_segment_track_module_skill_and_index_pages(client, world):
    from tests.world import compute_coverage, track_with_modules

    # given two tracks aimed at Finance: one teaches SOX, the other leaves it as a gap
    teaching, (module,) = track_with_modules(segments=[world["finance"]], modules=[({}, [world["sox"]])])
    other, _ = track_with_modules(segments=[world["finance"]], modules=[({}, [world["k8s"]])])
    compute_coverage(teaching, other)  # over the one window too: the running month left out

    # when every page that shows SOX in Finance is read
    pages = {
        url: client.get(url).content.decode()
        for url in [world["finance"].get_absolute_url(), reverse("curriculum:track-coverage", args=[teaching.slug])]
    }
    table = client.get(module.get_absolute_url()).content.decode()
    gap = client.get(other.get_absolute_url()).content.decode()
    skill = client.get(world["sox"].get_absolute_url()).content.decode()
    index = client.get("/skills/?segment=finance").content.decode()

    # then each says 25%, rising, over the same window
    for url, body in pages.items():
        assert "asked for in 25% of Finance postings, rising" in body, url
        assert "12 months to October 2026" in body, url
    assert "<td>25%, rising" in table and "12 months to October 2026" in table
    assert (
        'SOX</a> (25%) <span class="badge">core</span> <span class="badge">distinguishing</span> '
        '<span class="badge">rising</span>'
    ) in gap  # the gap with its tiers: 25% is core, asked for by no other segment, rising
    assert "12 months to October 2026" in gap
    assert '<th scope="row">Finance</th><td>15</td><td>60</td><td>25%</td><td>rising (+30.0 points)</td>' in skill
    row = index.split('href="/skills/sox/"')[1].split("</tr>")[0]
    assert "25% (15 of 60)" in row and "rising (+30.0 points)" in row


# --- The API ----------------------------------------------------------------------------------------------


def test_the_tiers_api_answers_with_figures_rules_and_window(world):
    from rest_framework.test import APIClient

    body = APIClient().get("/api/v1/demand/tiers/?segment=finance").json()
    assert body["segment"] == "finance" and body["total"] == 60
    assert body["window"] == {
        "label": "12 months to October 2026", "first": "2025-11", "last": "2026-10", "months": 12,
        "to_date_from": "2026-11", "trend_current": ["2026-08", "2026-10"], "trend_previous": ["2026-05", "2026-07"],
    }
    assert body["thresholds"]["core_share"] == 0.25 and body["thresholds"]["distinguishing_lift"] == 2.0
    assert [rule["tier"] for rule in body["rules"]] == ["core", "distinguishing", "rising"]
    rows = {row["skill"]["slug"]: row for row in body["results"]}
    assert set(rows) == {"kubernetes", "sox"}  # no draft skill, no skill of the running month
    assert rows["sox"]["tiers"] == ["core", "distinguishing", "rising"]
    assert (rows["sox"]["share"], rows["sox"]["lift"], rows["sox"]["other_postings"]) == (0.25, None, 0)
    assert rows["sox"]["trend"] == {
        "current": 12, "current_total": 30, "previous": 3, "previous_total": 30, "change": 30.0, "direction": "rising",
    }
    assert (rows["kubernetes"]["tiers"], rows["kubernetes"]["lift"]) == (["core"], 1.0)
    rising = APIClient().get("/api/v1/demand/tiers/?segment=finance&tier=rising").json()["results"]
    assert [row["skill"]["slug"] for row in rising] == ["sox"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "segment"),
        ("?segment=", "segment"),
        ("?segment=nope", "segment"),
        ("?segment=hidden-segment", "segment"),  # a draft answers as a missing one
        ("?segment=finance&tier=famous", "tier"),
    ],
)
def test_the_tiers_api_names_the_bad_parameter(world, query, field):
    from rest_framework.test import APIClient

    response = APIClient().get(f"/api/v1/demand/tiers/{query}")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_tiers_api_makes_a_fixed_number_of_queries(world, django_assert_num_queries):
    from rest_framework.test import APIClient

    extra = [SkillFactory() for _ in range(8)]
    write_summaries({(SegmentFactory(), OCT): (100, dict.fromkeys(extra, 5))})
    # the segment, the totals, the skills' counts, the skills' names
    with django_assert_num_queries(4):
        response = APIClient().get("/api/v1/demand/tiers/?segment=finance")
    assert response.status_code == 200


def test_an_unpublished_skill_leaves_the_tiers(world):
    from rest_framework.test import APIClient

    world["sox"].status = Status.DRAFT
    world["sox"].save()
    body = APIClient().get("/api/v1/demand/tiers/?segment=finance").json()
    assert [row["skill"]["slug"] for row in body["results"]] == ["kubernetes"]

