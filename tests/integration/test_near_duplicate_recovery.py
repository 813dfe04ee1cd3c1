"""A near-duplicate scan survives its worker being SIGKILLed mid-scan: the beat sweep runs it on a fresh worker.

The killed task's message stays unacknowledged in the broker until the visibility timeout (tens of
minutes), so it is not what re-runs the scan: the scan is kept as a ``NearDuplicateScan`` row, and the
beat entry ``near-duplicate-sweep`` finds it.
"""

import re

import pytest
from django.conf import settings
from django.db import connection

from careerhub.celery import app as celery_app
from postings.ingest.models import NearDuplicate, NearDuplicateScan
from postings.ingest.services import postings_import
from postings.ingest.tasks import find_near_duplicates
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory
from tests.integration.conftest import global_lock_held, wait_for
from tests.postings.test_ingest_admin import AD, OTHER, REPOST, row

pytestmark = pytest.mark.integration

SCAN = "postings.ingest.tasks.find_near_duplicates"


@pytest.fixture
def waiting_scan(transactional_db, celery_worker):
    """An import of an ad, another ad and the first one's repost, committed while the worker was away; the
    messages it queued are dropped, so only the scan's row says a scan is owed."""
    SegmentFactory(name="Finance", slug="finance")
    EmployerFactory(name="Acme Bank")
    celery_worker.stop()
    postings_import([(1, row(1, AD)), (2, row(2, OTHER)), (3, row(3, REPOST))], source="test")
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(celery_worker.queue)
    assert NearDuplicateScan.objects.count() == 1
    assert not NearDuplicate.objects.exists()
    celery_worker.start()


def scanning_backend() -> int | None:
    """The database backend of a scan that holds its claimed scan rows and waits at the held lock, if any.

    Read from ``pg_locks``: the claim (``SELECT ... FOR UPDATE``) holds ``RowShareLock`` on the scans'
    table, and the wait is an advisory lock not granted.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT waiting.pid FROM pg_locks AS waiting JOIN pg_locks AS claim ON claim.pid = waiting.pid "
            "JOIN pg_database ON pg_database.oid = waiting.database "
            "WHERE datname = current_database() AND waiting.locktype = 'advisory' AND NOT waiting.granted "
            "AND claim.locktype = 'relation' AND claim.relation = %s::regclass "
            "AND claim.mode = 'RowShareLock' AND claim.granted",
            [NearDuplicateScan._meta.db_table],
        )
        found = cursor.fetchone()
    return found[0] if found else None


def backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid])
        return cursor.fetchone()[0]


def sweep(worker) -> int:
    """What beat sends every few minutes: the sweep entry's task by name, with its arguments, to the worker."""
    entry = settings.CELERY_BEAT_SCHEDULE["near-duplicate-sweep"]
    result = celery_app.tasks[entry["task"]].apply_async(kwargs=entry.get("kwargs", {}), queue=worker.queue)
    return result.get(timeout=120)


def test_a_scan_whose_worker_was_killed_mid_scan_is_run_by_the_beat_sweep_once(waiting_scan, celery_worker):
    # given: the scan the import queued, running on the worker, which has claimed the scan's row
    with global_lock_held():
        find_near_duplicates.apply_async(queue=celery_worker.queue)
        pid = wait_for(scanning_backend, timeout=120, interval=0.05, message="a scan claimed its row")

        # when: the worker is SIGKILLed mid-scan
        celery_worker.kill()

    # then: its transaction ends with its connection, and the scan is still owed: nothing was flagged
    wait_for(lambda: backend_gone(pid), timeout=120, interval=0.1, message="the killed worker's connection closed")
    assert NearDuplicateScan.objects.count() == 1
    assert not NearDuplicate.objects.exists()

    # when: a fresh worker starts and beat's sweep reaches it
    celery_worker.start()
    found = sweep(celery_worker)

    # then: the repost is flagged against its ad, once, and the scan is done
    assert found == 1
    [near] = NearDuplicate.objects.all()
    posting, similar_to = Posting.objects.get(pk=near.posting_id), Posting.objects.get(pk=near.similar_to_id)
    assert (posting.external_id, similar_to.external_id) == ("r3", "r1")
    assert not NearDuplicateScan.objects.exists()
    # and: the next sweep finds nothing left and flags nothing twice
    assert sweep(celery_worker) == 0
    assert NearDuplicate.objects.count() == 1
    # and: the killed scan's message was not delivered again (it waits out the visibility timeout)
    assert len(re.findall(rf"Task {re.escape(SCAN)}\[[^\]]+\] received", celery_worker.log())) == 3
