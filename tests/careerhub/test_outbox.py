"""The shared outbox (careerhub/core/outbox.py): claim, drain, coalesced requests, drift, on the coverage marks."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from careerhub.core import outbox
from curriculum.coverage.models import CoverageMark
from tests.conftest import skip_or_fail
from tests.factories import TrackFactory

FIELDS = ("id", "track_id")


def mark(*tracks) -> list[int]:
    return [CoverageMark.objects.create(track=track).pk for track in tracks]


@pytest.mark.django_db
def test_a_drain_recomputes_every_mark_once_in_batches_and_deletes_exactly_what_it_claimed():
    # given: five marks
    tracks = TrackFactory.create_batch(5)
    mark(*tracks)
    seen: list[list[int]] = []

    # when: drained two at a time
    result = outbox.drain(CoverageMark, FIELDS, lambda marks: seen.append([t for _, t in marks]) or len(marks),
                          batch_size=2)  # fmt: skip

    # then: oldest first, every mark once, none left; a second drain finds nothing to do
    assert seen == [[tracks[0].pk, tracks[1].pk], [tracks[2].pk, tracks[3].pk], [tracks[4].pk]]
    assert (result.marks, result.items, result.batches) == (5, 5, 3)
    assert not CoverageMark.objects.exists()
    assert outbox.drain(CoverageMark, FIELDS, lambda marks: 1, batch_size=2) == outbox.DrainResult()


@pytest.mark.django_db
def test_a_recompute_that_fails_leaves_its_marks_for_the_next_drain():
    # given
    track = TrackFactory()
    ids = mark(track, track)

    def crash(marks):
        raise RuntimeError("worker lost mid-batch")

    # when
    with pytest.raises(RuntimeError):
        outbox.drain(CoverageMark, FIELDS, crash, batch_size=10)

    # then: the batch's transaction rolled back, the marks wait; the next drain takes them
    assert sorted(CoverageMark.objects.values_list("id", flat=True)) == ids
    assert outbox.drain(CoverageMark, FIELDS, len, batch_size=10).marks == 2


@pytest.mark.django_db
def test_max_batches_stops_a_partial_drain():
    mark(*TrackFactory.create_batch(3))
    result = outbox.drain(CoverageMark, FIELDS, len, batch_size=1, max_batches=2)
    assert (result.marks, result.batches, CoverageMark.objects.count()) == (2, 2, 1)


@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_marks_another_worker_holds():
    if connection.vendor != "postgresql":
        skip_or_fail("SKIP LOCKED needs PostgreSQL: set DATABASE_URL")
    # given: two marks, the first held by another worker's open transaction
    first, second = mark(*TrackFactory.create_batch(2))
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                outbox.claim(CoverageMark, FIELDS, 1)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    worker = threading.Thread(target=other_worker)
    worker.start()
    assert holding.wait(10)
    try:
        # when
        with transaction.atomic():
            claimed = outbox.claim(CoverageMark, FIELDS, 10)
    finally:
        release.set()
        worker.join()

    # then: the held mark is not claimed twice
    assert [pk for pk, _ in claimed] == [second]
    assert first != second


class Task:
    """A task stand-in that counts how often it was queued (the broker is not what is tested here)."""

    name = "test.drain"

    def __init__(self):
        self.sent = 0

    def delay(self):
        self.sent += 1


def test_drain_requests_coalesce_until_the_drain_starts():
    # given
    flag, task = "outbox-test:drain-requested", Task()
    cache.delete(flag)

    # when: a burst of writes asks three times, then the drain starts and another write asks
    for _ in range(3):
        outbox.request_drain(flag, task)
    queued_in_burst = task.sent
    outbox.forget_drain_request(flag)
    outbox.request_drain(flag, task)

    # then
    assert (queued_in_burst, task.sent) == (1, 2)


def test_a_cache_outage_queues_a_drain_anyway(monkeypatch, caplog):
    task = Task()

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(outbox.cache, "add", down)
    outbox.request_drain("outbox-test:down", task)
    outbox.request_drain("outbox-test:down", task)
    assert task.sent == 2
    assert "a drain is queued without coalescing" in caplog.text


def test_differences_name_each_key_whose_values_differ_missing_rows_counting_zero():
    stored = {("a", 1): 3, ("b", None): 2, ("c", 2): 1}
    fresh = {("a", 1): 3, ("b", None): 5, ("d", 1): 4}
    assert outbox.differences(stored, fresh) == [(("b", None), 2, 5), (("c", 2), 1, 0), (("d", 1), 0, 4)]


class BrokerDown(Task):
    def delay(self, **kwargs):
        raise ConnectionError("broker down")


@pytest.mark.django_db
def test_tasks_are_queued_after_commit_and_a_broker_outage_never_fails_the_committed_write(
    django_capture_on_commit_callbacks, caplog
):
    # given
    from careerhub.core.after_commit import send_after_commit

    task, down = Task(), BrokerDown()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        send_after_commit(task)
        send_after_commit(down)
        queued_before_commit = task.sent

    # then
    assert (queued_before_commit, task.sent) == (0, 1)
    assert "Could not queue test.drain after commit" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_drain_request_the_broker_refuses_never_fails_the_committed_write(caplog):
    # given: a broker that refuses the drain a write asks for
    flag = "outbox-test:refused"
    cache.delete(flag)

    # when: the write's transaction commits (a real commit: Django runs the robust hook and logs its failure)
    with transaction.atomic():
        track = TrackFactory()
        outbox.request_drain_after_commit(flag, BrokerDown())

    # then: the write stands and the refusal is logged with the hook's name
    assert type(track).objects.filter(pk=track.pk).exists()
    assert "request_drain_after_commit.<locals>.request" in caplog.text
