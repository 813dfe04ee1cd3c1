"""Every list endpoint makes a fixed number of SQL queries whatever the page size: pinned in
``api_query_counts.json`` (update it deliberately when a change adds or removes a query)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from postings.models import PostingSkill
from tests.conftest import shared_by_module
from tests.factories import ModuleFactory, PostingFactory, SkillAliasFactory, SkillFactory, TrackFactory
from tests.world import build_api_world

pytestmark = pytest.mark.django_db

PINNED = json.loads((Path(__file__).parent / "api_query_counts.json").read_text())


@pytest.fixture(scope="module")
def many(django_db_setup, django_db_blocker):
    """Built once for the module (the tests only read)."""
    yield from shared_by_module(django_db_blocker, build_many)


def build_many():
    """Enough of everything that a page of 1 and a page of 30 differ in every nested list."""
    world = build_api_world()
    skills = [SkillFactory(category=world["category"]) for _ in range(30)]
    for skill in skills:
        SkillAliasFactory(skill=skill)
    for n in range(30):
        track = TrackFactory()
        track.segments.add(world["segment"])
        ModuleFactory(track=track).skills.add(*skills[:3])
        posting = PostingFactory(segment=world["segment"], employer=world["acme"])
        PostingSkill.objects.bulk_create([PostingSkill(posting=posting, skill=s) for s in skills[n % 5 : n % 5 + 4]])
    world["track"].modules.first().skills.add(*skills)
    call_command("recompute_demand", "--full", stdout=io.StringIO())
    call_command("recompute_coverage", stdout=io.StringIO())  # coverage rows for every track and segment
    return world


def queries(url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


@pytest.mark.parametrize("url", sorted(PINNED))
def test_list_endpoints_make_a_fixed_number_of_queries(many, db, url, django_assert_num_queries):
    separator = "&" if "?" in url else "?"
    small = queries(f"{url}{separator}page_size=1")
    with django_assert_num_queries(PINNED[url]):
        response = APIClient().get(f"{url}{separator}page_size=30")
    assert response.status_code == 200
    assert small == PINNED[url], f"{url}: {small} queries for a page of 1"


def test_every_list_endpoint_is_pinned():
    from careerhub.api.urls import router

    lists = {f"/api/v1/{prefix}/" for prefix, _, _ in router.registry}
    assert lists <= set(PINNED)
