"""The demand engine under load and faults, with a real Celery worker on Redis and PostgreSQL.

Each test writes postings, breaks something (a burst, a killed worker, a restarted broker, a
killed database connection), waits for the summaries to settle and checks them against a
fresh full recount, the way ``recompute_demand --verify`` does.
"""

import datetime
import re
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careerhub.celery import app as celery_app
from postings.demand import engine
from postings.demand.marks import drain_request_flag
from postings.demand.models import DemandMark, DemandRun, SkillDemand
from postings.demand.tasks import recompute_marked_demand
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, UserFactory
from tests.integration.conftest import global_lock_held, wait_for

pytestmark = pytest.mark.integration

BULK = "/api/v1/postings/bulk/"
SEGMENTS = ("big-tech", "finance", "healthcare")
SKILLS = ("Kubernetes", "Terraform", "MLflow", "Kafka", "Python", "Airflow", "Feast", "Prometheus", "Spark SQL")
DRAIN = "postings.demand.tasks.recompute_marked_demand"


@pytest.fixture
def world(transactional_db):
    for slug in SEGMENTS:
        SegmentFactory(slug=slug, name=slug.title())
    for name in SKILLS:
        SkillFactory(name=name)
    EmployerFactory(name="Acme", slug="acme")
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_posting", "change_posting"]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def rows(start: int, count: int) -> list[dict]:
    """Postings spread over segments and months, each asking for a different mix of skills."""
    today = datetime.date.today()
    return [
        {
            "external_id": f"fault-{n}",
            "title": f"ML platform engineer {n}",
            "employer": "Acme",
            "segment": SEGMENTS[n % len(SEGMENTS)],
            "posted_on": (today - datetime.timedelta(days=(n * 7) % 700)).isoformat(),
            "description": "We run " + ", ".join(SKILLS[i] for i in range(len(SKILLS)) if (n >> i) % 3 == 0) + ".",
        }
        for n in range(start, start + count)
    ]


def send(client, start: int, count: int, batch: int = 1000) -> None:
    for offset in range(start, start + count, batch):
        response = client.post(BULK, rows(offset, min(batch, start + count - offset)), format="json")
        assert response.status_code == 200, response.content[:2000]


def settled() -> bool:
    """No marks left and no recompute queued."""
    from django.core.cache import cache

    return not DemandMark.objects.exists() and not cache.get(drain_request_flag())


def assert_summaries_exact() -> None:
    comparison = engine.compare(engine.stored_summaries(), engine.recount_everything())
    assert comparison.pending == 0
    assert comparison.drift == 0, comparison.sample(10)
    call_command("recompute_demand", "--verify")  # raises CommandError on any difference
    assert SkillDemand.objects.exists()


def drain_now(worker) -> None:
    """What the beat schedule does every minute: drain whatever marks are left."""
    recompute_marked_demand.apply_async(kwargs={"trigger": "beat"}, queue=worker.queue)


def send_while_away(worker, client, count: int) -> None:
    """Write postings with the worker stopped, and drop the drains they queued: only marks remain."""
    worker.stop()
    send(client, 0, count)
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(worker.queue)
    assert DemandMark.objects.exists()
    worker.start()


def running_drain() -> bool:
    """A drain has claimed its marks and waits at the global lock ``global_lock_held`` holds.

    Read from ``pg_locks``, not by locking marks: a probe that locked them could make the drain skip them.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks JOIN pg_database ON pg_database.oid = pg_locks.database "
            "WHERE datname = current_database() AND locktype = 'advisory' AND NOT granted"
        )
        return cursor.fetchone()[0] > 0


def test_a_burst_of_5000_postings_through_the_api_converges_in_a_few_recomputes(world, celery_worker):
    # when: 5,000 postings arrive in five bulk requests while the worker runs
    send(world, 0, 5000)

    # then: the summaries converge and equal a fresh recount
    wait_for(settled, timeout=240, interval=0.5, message="demand marks drained")
    assert Posting.objects.count() == 5000
    assert_summaries_exact()
    # and: five commits asked for at most five recomputes, not one per posting
    received = len(re.findall(rf"Task {re.escape(DRAIN)}\[[^\]]+\] received", celery_worker.log()))
    assert 1 <= received <= 5


def test_a_worker_killed_mid_recompute_loses_nothing_and_counts_nothing_twice(world, celery_worker):
    # given: marks for 3,000 postings written while the worker was away
    send_while_away(celery_worker, world, 3000)

    # when: the worker is killed while a drain is running
    with global_lock_held():
        drain_now(celery_worker)
        wait_for(running_drain, timeout=60, interval=0.05, message="a drain started")
        celery_worker.kill()

    # then: after a restart and the next scheduled drain, everything is counted exactly once
    celery_worker.start()
    drain_now(celery_worker)
    wait_for(settled, timeout=180, interval=0.5, message="demand marks drained after the restart")
    assert_summaries_exact()


def test_a_redis_restart_during_a_burst_converges(world, celery_worker, redis_restarter):
    # given: the first part of a burst
    send(world, 0, 1000)

    # when: Redis (broker and cache) restarts, losing its queue, while the burst goes on
    restart = threading.Thread(target=redis_restarter, kwargs={"down_for": 2.0})
    restart.start()
    restart.join()
    send(world, 1000, 1000)

    # then: the worker reconnects; with the next scheduled drain the summaries converge
    drain_now(celery_worker)
    wait_for(settled, timeout=180, interval=0.5, message="demand marks drained after the Redis restart")
    assert Posting.objects.count() == 2000
    assert_summaries_exact()


def test_a_database_connection_killed_under_a_running_task_is_retried(world, celery_worker):
    # given: marks for 3,000 postings and a drain running on the worker
    send_while_away(celery_worker, world, 3000)
    with global_lock_held():
        drain_now(celery_worker)
        wait_for(running_drain, timeout=60, interval=0.05, message="a drain started")

        # when: the worker's database connections are terminated under it (and the lock holder's)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 2

    # then: the task fails, is retried with backoff, and the summaries converge
    wait_for(settled, timeout=180, interval=0.5, message="demand marks drained after the retry")
    assert DemandRun.objects.exclude(error="").exists()
    assert re.search(rf"Task {re.escape(DRAIN)}\[[^\]]+\] retry", celery_worker.log())
    assert_summaries_exact()
