"""Shared fixtures. Real services are used when configured; REQUIRE_SERVICES=1 turns their absence into failures."""

import os

import pytest

from careerhub.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test that needs a missing service, or fail it when the run requires services."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def eager_celery_outside_integration(request):
    """Unit tests run tasks in-process; only integration tests talk to the real broker and worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def editor(db):
    from tests.factories import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def api_throttles_off(settings):
    """No request limits in tests (many requests come from one address); throttle tests set their own rates."""
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None}


@pytest.fixture(autouse=True)
def fresh_demand_fragments():
    """Cached demand figures are keyed by database name, which every test shares: start each test on a new
    generation so no test sees figures cached by another."""
    from postings.demand.cache import demand_generation_bump

    demand_generation_bump()
    yield
