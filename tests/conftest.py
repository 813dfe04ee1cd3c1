"""Shared fixtures. Real services are used when configured; REQUIRE_SERVICES=1 turns their absence into failures."""

import copy
import datetime
import io
import os
import sys
from collections.abc import Callable, Iterator

import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from careerhub.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


# Slow tests in files another branch is rewriting: marked here rather than in the file (``make test-fast``).
SLOW_MODULES = {
    "test_demand_invariant.py": "Hypothesis: 40 sequences of up to 25 demand writes and drains, each checked against "
    "a full recount, 20 to 45 s",
}


def pytest_collection_modifyitems(items):
    for item in items:
        reason = SLOW_MODULES.get(item.path.name)
        if reason and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow(reason=reason))


def skip_or_fail(reason: str) -> None:
    """Skip a test that needs a missing service, or fail it when the run requires services."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Hash test users' passwords with MD5: the production hasher's million rounds cost a second per user on
    a busy machine, and no test measures password strength (the production settings keep their hasher)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def eager_celery_outside_integration(request):
    """Unit tests run tasks in-process; only integration tests talk to the real broker and worker."""
    # Set and restored to the configured value, never to "what was there before": a test that
    # monkeypatches the flag itself can be torn down after this fixture, and would leave its value.
    configured = settings.CELERY_TASK_ALWAYS_EAGER
    celery_app.conf.task_always_eager = configured if request.node.get_closest_marker("integration") else True
    yield
    celery_app.conf.task_always_eager = configured
    # An eager task runs under Celery's process-wide "joining would block" flag, saved and restored
    # around it: two threads running eager tasks at once (the concurrency tests) can leave it set, and
    # every later ``result.get()`` in this process would be refused as if called inside a task.
    _set_task_join_will_block(False)


@pytest.fixture
def editor(db):
    from tests.factories import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, db):
    """A client logged in as an editor who is also a publisher."""
    from tests.factories import make_publisher

    client.force_login(make_publisher())
    return client


@pytest.fixture(autouse=True)
def api_throttles_off(settings):
    """No request limits in tests (many requests come from one address); throttle tests set their own rates."""
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None}


# The demand window's "today" (``postings.demand.window.demand_today``), pinned so that no figure depends on
# the day the suite runs: the latest complete month is October 2026, the worlds' latest month of postings.
DEMAND_TODAY = datetime.date(2026, 11, 15)


@pytest.fixture(autouse=True)
def demand_today(settings) -> datetime.date:
    settings.CAREERHUB_DEMAND_TODAY = DEMAND_TODAY
    return DEMAND_TODAY


@pytest.fixture(autouse=True)
def outages_logged_afresh():
    """A part that steps aside logs once per interval and process: each test sees its own first log line."""
    from careerhub.core import degrade

    degrade.forget()
    yield


@pytest.fixture(autouse=True)
def fresh_demand_fragments():
    """Cached demand figures are keyed by database name, which every test shares: start each test on a new
    generation so no test sees figures cached by another."""
    from careerhub.core.cache import CONTENT, bump
    from postings.demand.cache import demand_generation_bump

    demand_generation_bump()
    bump(CONTENT)  # and what is kept per content generation (readiness's skills and curriculum) likewise
    yield


def shared_by_module(django_db_blocker, build: Callable[[], object]) -> Iterator[object]:
    """For a module-scoped fixture: ``build()`` once, inside a transaction rolled back after the module's tests.

    Each test still runs in a savepoint of its own (pytest-django's ``db``), rolled back after it, so
    what a test writes goes with it and the next test sees the built rows only. Not for a module with
    transactional tests (their flush would take the rows away) or a test that needs an empty database.
    Use ``fresh_copy`` so that no test sees the in-memory changes of another to the built objects.
    """
    with django_db_blocker.unblock():
        kept = transaction.atomic()
        kept.__enter__()
        try:
            built = build()
        except BaseException:
            kept.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)


def fresh_copy(built):
    """The shared objects as a test's own: model instances it may change without changing another test's."""
    return copy.deepcopy(built)


def load_seed() -> None:
    call_command("load_seed_content", stdout=io.StringIO())


@pytest.fixture(scope="module")
def seed_content(django_db_setup, django_db_blocker):
    """The seed content (``load_seed_content``, several seconds), loaded once for the tests of a module."""
    yield from shared_by_module(django_db_blocker, load_seed)
