"""Generation counters: bumped together after commit, per savepoint level, restarted from the clock when lost."""

import time
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction

from careerhub.core import generations

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys():
    """Two counters of this test's own (the shared cache may be Redis, used by other runs)."""
    names = [f"test:generation:{uuid.uuid4()}" for _ in range(2)]
    yield names
    cache.delete_many(names)


def test_the_generations_a_transaction_moves_are_bumped_together_after_it_commits(
    keys, django_capture_on_commit_callbacks, monkeypatch
):
    before = [generations.current(key) for key in keys]
    calls = []
    bump = generations.bump
    monkeypatch.setattr(generations, "bump", lambda *names, what: calls.append(names) or bump(*names, what=what))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for key in keys * 3:
            generations.bump_on_commit(key, what="test entries")
        assert [generations.current(key) for key in keys] == before  # nothing moves before the commit
    assert len(callbacks) == 1 and calls == [tuple(keys)]
    assert all(generations.current(key) > old for key, old in zip(keys, before, strict=True))


def test_a_rolled_back_savepoint_drops_only_the_bumps_it_asked_for(keys, django_capture_on_commit_callbacks):
    kept, dropped = keys
    before = {key: generations.current(key) for key in keys}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        generations.bump_on_commit(kept, what="test entries")
        with pytest.raises(RuntimeError), transaction.atomic():
            generations.bump_on_commit(dropped, what="test entries")
            raise RuntimeError("rolled back")
    assert generations.current(kept) > before[kept]
    assert generations.current(dropped) == before[dropped]


def test_a_lost_counter_restarts_from_the_clock_never_from_an_old_value(keys):
    key = keys[0]
    old = generations.current(key)
    cache.delete(key)  # evicted, or a new cache
    started = time.time_ns() // 1000
    generations.bump(key, what="test entries")
    assert generations.current(key) > max(old, started)


def test_a_cache_outage_is_logged_never_raised(keys, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(generations.cache, "incr", down)
    generations.bump(keys[0], what="test entries")
    assert "test entries could not be invalidated" in caplog.text
