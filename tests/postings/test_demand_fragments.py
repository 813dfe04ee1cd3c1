"""Demand figures on the pages are cached, and a committed recompute makes them fresh."""

import pytest

from postings.demand import cache as demand_cache
from postings.demand.engine import recompute_all, recompute_marked
from postings.demand.fragments import segment_demand
from postings.services import posting_set_status
from tests.world import NOW, add_postings, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    return build_world(django_capture_on_commit_callbacks)


def kubernetes_share(client, world) -> str:
    page = client.get(world.segment.get_absolute_url()).content.decode()
    line = next(item for item in page.split("<li>") if item.startswith('<a href="/skills/kubernetes/">'))
    return line.split(": ", 1)[1].split("</li>")[0]


def test_figures_are_cached_until_a_recompute_commits(client, world, django_capture_on_commit_callbacks):
    assert kubernetes_share(client, world) == "asked for in 50% of Financial services postings, rising"
    # given: 40 more postings now, all asking for Kubernetes (80 of 120), summaries not yet recomputed
    add_postings(
        segment=world.segment, employer=world.employer, day=NOW, count=40, skills={world.kubernetes: 40}, prefix="more"
    )
    # when the rebuild has not committed yet, the cached figures stand
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        recompute_all()
    assert kubernetes_share(client, world) == "asked for in 50% of Financial services postings, rising"
    # then once it commits, the page shows the new figures
    for callback in after_commit:
        callback()
    assert kubernetes_share(client, world) == "asked for in 67% of Financial services postings, rising"


def test_the_incremental_drain_bumps_the_generation_after_commit(world, django_capture_on_commit_callbacks):
    before = demand_cache.demand_generation()
    # given: unpublishing postings marks their cells dirty (the 30 of October asking for Kubernetes)
    with django_capture_on_commit_callbacks(execute=False):
        posting_set_status(postings=world.postings[:30], status="draft")
    assert demand_cache.demand_generation() == before
    # when: the drain recomputes them and commits
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = recompute_marked()
    assert result.items > 0 and callbacks
    # then: the generation moved on, and fresh figures are computed
    assert demand_cache.demand_generation() != before
    top = {e.skill_id: e for e in segment_demand(segment_id=world.segment.pk)["top"]}
    assert (top[world.kubernetes.pk].postings, top[world.kubernetes.pk].total) == (10, 50)  # July's only
    assert (top[world.python.pk].postings, top[world.python.pk].total) == (50, 50)


def test_a_rebuild_that_changes_nothing_keeps_the_cache(world, django_capture_on_commit_callbacks):
    before = demand_cache.demand_generation()
    with django_capture_on_commit_callbacks(execute=True):
        recompute_all()
    assert demand_cache.demand_generation() == before


def test_a_cache_outage_never_breaks_a_page(client, world, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(demand_cache.cache, "get", down)
    monkeypatch.setattr(demand_cache.cache, "incr", down)
    page = client.get(world.segment.get_absolute_url())
    assert page.status_code == 200 and "50%" in page.content.decode()
    demand_cache.demand_generation_bump()  # logged, not raised
