"""Numbered pages counted in their own query, and lists that skip the FilterSet when nothing is filtered."""

import pytest
from django.core.paginator import Paginator
from rest_framework.test import APIClient

from careerhub.core.api.views import CountingPaginator
from postings.models import Skill
from tests.careerhub.api_world import build_world
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills():
    world = build_world()
    for n in range(5):
        SkillFactory(slug=f"extra-{n}", name=f"Extra {n}", category=world["category"])
    return Skill.objects.published().order_by("name")


@pytest.mark.parametrize("page_size", [1, 2, 3, 50])
def test_every_page_says_what_djangos_paginator_says(skills, page_size):
    counting, django = CountingPaginator(skills, page_size), Paginator(skills, page_size)
    for number in range(1, django.num_pages + 1):
        ours, theirs = counting.page(number), django.page(number)
        assert list(ours) == list(theirs)
        assert (counting.count, ours.has_next(), ours.has_previous()) == (
            django.count, theirs.has_next(), theirs.has_previous()
        )


def test_the_api_counts_pages_and_refuses_pages_past_the_end(skills):
    client = APIClient()
    last = client.get("/api/v1/skills/?page_size=3&page=3").json()
    assert last["count"] == 7 and last["next"] is None and len(last["results"]) == 1
    past = client.get("/api/v1/skills/?page_size=3&page=4")
    assert past.status_code == 404 and past.json()["detail"] == "Invalid page."
    assert client.get("/api/v1/skills/?page=x").status_code == 404
    empty = client.get("/api/v1/skills/?q=nothing-matches-this").json()
    assert (empty["count"], empty["results"], empty["next"]) == (0, [], None)


def test_a_list_without_filters_is_the_filtered_list_with_empty_filters(skills):
    # given the FilterSet is left out when no parameter names a filter
    plain = APIClient().get("/api/v1/skills/")
    # when empty filters make it run
    filtered = APIClient().get("/api/v1/skills/?q=&category=&type=")
    # then both answers are the same
    assert plain.status_code == filtered.status_code == 200
    assert plain.json()["results"] == filtered.json()["results"] and plain.json()["count"] == 7


def test_demand_rows_still_mean_all_segments_without_a_segment():
    world = build_world()
    rows = APIClient().get("/api/v1/demand/").json()["results"]
    assert rows and all(row["segment"] is None for row in rows)
    finance = APIClient().get(f"/api/v1/demand/?segment={world['segment'].slug}").json()["results"]
    assert finance and all(row["segment"] == "finance" for row in finance)
