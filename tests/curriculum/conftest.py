"""Coverage tests share the coverage world of ``tests/world.py`` (its docstring states its figures)."""

import pytest
from django.core.cache import cache

from postings.demand.marks import drain_request_flag
from tests.world import CoverageWorld, build_coverage_world, compute_coverage

World = CoverageWorld  # the name this package's tests knew it by


@pytest.fixture(autouse=True)
def coverage_settings(settings):
    settings.CAREERHUB_COVERAGE_WINDOW_MONTHS = 12
    settings.CAREERHUB_COVERAGE_SURPLUS_SHARE = 0.15
    cache.delete(drain_request_flag())  # no drain flag left over from another test


@pytest.fixture
def world(db):
    return build_coverage_world()


def compute(world, *tracks):
    """Mark and drain the given tracks, as a write would; return their stored coverage."""
    return compute_coverage(*tracks)
