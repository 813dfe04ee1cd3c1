"""Background work that survives lost tasks, and beat drains that cost nothing when there is nothing to do."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache

import careerhub.core.cache
from careerhub.celery import app
from careerhub.core.cache import CONTENT, DEMAND, generation
from postings.demand.models import DemandRun
from postings.ingest.models import NearDuplicate, NearDuplicateScan
from postings.ingest.services import postings_import
from tests.factories import EmployerFactory, SegmentFactory, TrackFactory
from tests.postings.test_ingest_admin import AD, OTHER, REPOST, row


def run_beat_entry(name: str) -> object:
    """Send one entry of the beat schedule as beat does: its task by name, with its arguments."""
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    return app.tasks[entry["task"]].apply(kwargs=entry.get("kwargs", {})).get()


# --- Empty drains ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_empty_beat_drain_records_no_run_and_keeps_every_cached_answer(monkeypatch):
    # given: nothing marked, a track (so coverage has something it could recompute), generations in a cache
    own = LocMemCache(f"generations-{uuid.uuid4()}", {})
    monkeypatch.setattr(careerhub.core.cache, "cache", own)
    TrackFactory()
    before = {name: generation(name) for name in (CONTENT, DEMAND)}

    # when: beat drains, minute after minute
    for _ in range(3):
        run_beat_entry("demand-drain")

    # then: no run recorded, no generation moved: the API's cached answers and the pages' figures stay
    assert not DemandRun.objects.exists()
    assert {name: generation(name) for name in (CONTENT, DEMAND)} == before


@pytest.mark.django_db(transaction=True)
def test_a_beat_drain_that_found_marks_is_still_recorded():
    # given: a posting whose drain task was lost (its marks wait)
    SegmentFactory(slug="finance")
    EmployerFactory(name="Acme Bank")
    from unittest import mock

    with mock.patch("careerhub.core.outbox.request_drain"):
        postings_import([(1, row(1, AD))], source="test")

    # when
    result = run_beat_entry("demand-drain")

    # then
    assert result["marks"] > 0
    run = DemandRun.objects.get()
    assert (run.trigger, run.marks, run.succeeded) == ("beat", result["marks"], True)
    assert run.started_at <= run.finished_at


# --- Near-duplicate scans ----------------------------------------------------------------------


@pytest.fixture
def employers():
    SegmentFactory(name="Finance", slug="finance")
    EmployerFactory(name="Acme Bank")


@pytest.mark.django_db
def test_a_near_duplicate_scan_whose_task_was_lost_is_run_by_the_beat_sweep(
    employers, monkeypatch, django_capture_on_commit_callbacks
):
    # given: an ad, then its repost imported while the scan's task is lost (a worker killed, Redis restarted)
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(1, AD)), (2, row(2, OTHER))], source="test")
    monkeypatch.setattr("postings.ingest.services.send_after_commit", lambda task, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row(3, REPOST))], source="test")
    assert not NearDuplicate.objects.exists()
    assert NearDuplicateScan.objects.count() == 1  # the scan is kept as a row, not only as a queued message

    # when: beat's sweep runs
    found = run_beat_entry("near-duplicate-sweep")

    # then: the repost is flagged and the scan done
    assert found == 1
    [near] = NearDuplicate.objects.all()
    assert (near.posting.external_id, near.similar_to.external_id) == ("r3", "r1")
    assert not NearDuplicateScan.objects.exists()
    assert run_beat_entry("near-duplicate-sweep") == 0  # nothing left: the sweep finds nothing again


@pytest.mark.django_db
def test_an_import_that_rolls_back_leaves_no_scan(employers):
    postings_import([(1, row(1, AD)), (2, {"external_id": "bad"})], source="test")
    assert not NearDuplicateScan.objects.exists()


def test_the_broker_gives_a_lost_message_back_soon_after_the_longest_task_could_end():
    limit = settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert limit < visibility <= limit + 10 * 60
    assert settings.CELERY_BEAT_SCHEDULE["near-duplicate-sweep"]["schedule"] <= datetime.timedelta(minutes=10).seconds
