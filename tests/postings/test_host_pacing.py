"""Requests to one job-board host are spaced by ``CAREERHUB_SOURCES_HOST_INTERVAL`` across every worker that
shares the cache (Redis), not only within a process; without the cache, pacing steps aside to each process.

Each test serves a real local HTTP server that records when each request arrived, and sends from clients
of their own (separate sessions): two threads, or two processes started to send at the same moment.
What is checked is a lower bound on the gaps the server saw, which load can only widen.
"""

import logging
import os
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY
from pytest_httpserver import HTTPServer
from werkzeug import Response

from postings.sources.http import Client, HostPacer
from tests.conftest import skip_or_fail

INTERVAL = 0.8
REQUESTS_EACH = 3


def assert_paced(seen: list[float]) -> None:
    """Every request arrived, spread over at least the intervals between them, and no two crowded together.

    On a busy machine (two cores shared by many runs) a server thread may note an arrival a few hundred
    milliseconds late, which shortens one gap and lengthens the next: so each gap is held to half an
    interval, and the whole span (read at its two ends only) to the full count less 0.15 s. Without a
    shared pace two processes released together reach the host a few milliseconds apart, and their six
    requests span two intervals, not five.
    """
    assert len(seen) == 2 * REQUESTS_EACH
    assert min(gaps(seen)) >= INTERVAL / 2, gaps(seen)
    assert max(seen) - min(seen) >= (len(seen) - 1) * INTERVAL - 0.15, gaps(seen)
DEAD_REDIS = "redis://127.0.0.1:6390/0"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def arrivals():
    """A local board that notes when each request arrives."""
    seen: list[float] = []
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)

    def note(request):
        seen.append(time.time())
        return Response('{"jobs": []}', content_type="application/json")

    server.expect_request("/jobs").respond_with_handler(note)
    server.start()
    try:
        yield server, seen
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def paced(settings):
    settings.CAREERHUB_SOURCES_HOST_INTERVAL = INTERVAL
    settings.CAREERHUB_SOURCES_RETRIES = 0


def redis_url() -> str:
    """The Redis the run is configured with (``CACHE_URL``, else a Redis broker), answering; else skip or fail."""
    url = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        skip_or_fail("no Redis configured (CACHE_URL or a redis:// CELERY_BROKER_URL)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    return url


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "careerhub-test-pacing",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def gaps(seen: list[float]) -> list[float]:
    ordered = sorted(seen)
    return [round(later - earlier, 3) for earlier, later in pairwise(ordered)]


def send_from_threads(url: str, threads: int = 2) -> None:
    """``threads`` clients of their own, released together, each sending ``REQUESTS_EACH`` requests."""
    barrier = threading.Barrier(threads)

    def run():
        client = Client()
        barrier.wait()
        for _ in range(REQUESTS_EACH):
            client.get(url)
        client.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)


CHILD = """
import os, sys, time
import django
django.setup()
from postings.sources.http import Client, HostPacer
url, start, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
client = Client()
time.sleep(max(0.0, start - time.time()))
for _ in range(count):
    client.get(url)
"""


def send_from_processes(url: str, cache_url: str, processes: int = 2) -> None:
    """``processes`` Python processes (Django set up as a worker's), sending together from ``start``."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "careerhub.settings.base",
        "CACHE_URL": cache_url,
        "CAREERHUB_SOURCES_HOST_INTERVAL": str(INTERVAL),
        "CAREERHUB_SOURCES_RETRIES": "0",
    }
    start = time.time() + 4  # both are set up by then (Django's start takes about a second here)
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, url, str(start), str(REQUESTS_EACH)], cwd=ROOT, env=env)
        for _ in range(processes)
    ]
    for child in children:
        assert child.wait(timeout=60) == 0


def test_pacers_of_two_processes_sharing_redis_claim_turns_an_interval_apart(settings):
    # given the pacers of two processes (one each) and the Redis cache they share
    settings.CACHES = redis_cache(redis_url())
    first, second = HostPacer(), HostPacer()
    host = f"boards.example.org:{time.time_ns()}"  # a host of this run alone

    # when they claim turns to one host, alternately
    starts = [pacer._claim(host, INTERVAL) for _ in range(4) for pacer in (first, second)]

    # then no two turns coincide, and all are a whole number of intervals apart
    assert len(set(starts)) == len(starts)
    ordered = sorted(starts)
    assert all(round((b - a) / INTERVAL, 6) >= 1 for a, b in pairwise(ordered))


def test_two_threads_with_clients_of_their_own_never_reach_one_host_closer_than_the_interval(arrivals, paced):
    server, seen = arrivals

    send_from_threads(server.url_for("/jobs"))

    assert_paced(seen)


def test_two_worker_processes_sharing_redis_never_reach_one_host_closer_than_the_interval(arrivals, paced):
    # given two processes whose only common ground is the Redis cache
    server, seen = arrivals
    cache_url = redis_url()

    # when both send to one host from the same moment
    send_from_processes(server.url_for("/jobs"), cache_url)

    # then the host saw every request, never two closer than the interval (per process, they were 0 s apart)
    assert_paced(seen)


def test_without_redis_pacing_steps_aside_to_the_process_and_requests_still_go_out(arrivals, paced, settings, caplog):
    # given a cache that refuses every connection
    settings.CACHES = redis_cache(DEAD_REDIS)
    server, seen = arrivals
    before = REGISTRY.get_sample_value("careerhub_stepped_aside_total", {"part": "source-pacing"}) or 0.0
    caplog.set_level(logging.WARNING, logger="careerhub.core.degrade")

    # when two threads send
    send_from_threads(server.url_for("/jobs"))

    # then every request went out, still spaced within this process, and the outage was counted and logged
    assert_paced(seen)
    after = REGISTRY.get_sample_value("careerhub_stepped_aside_total", {"part": "source-pacing"})
    assert after - before >= 2 * REQUESTS_EACH  # one per request (more if a late wake-up took another turn)
    assert "source-pacing: dependency unavailable" in caplog.text
