"""Request limits that hold: one address is one client whatever it writes in X-Forwarded-For, counters that
concurrent requests cannot overrun, and answers from the answer cache counted like any other."""

import threading
import time
import uuid
from collections import Counter

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

import careerhub.core.api.cache
import careerhub.core.cache
from careerhub.core.api.throttles import CountingThrottle
from tests.careerhub.api_world import build_world

LIMIT = 120


class SlowCache(LocMemCache):
    """The local-memory cache with a network's round trip on every call, as Redis has: races get room to show."""

    def _pause(self):
        time.sleep(0.002)

    def get(self, *args, **kwargs):
        self._pause()
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        self._pause()
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        self._pause()
        return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self._pause()
        return super().incr(*args, **kwargs)


@pytest.fixture
def limits(settings, monkeypatch):
    """Production's anonymous limit, on a cache of the test's own, in a window that cannot end mid-test."""
    own = SlowCache(f"throttle-{uuid.uuid4()}", {})
    monkeypatch.setattr(CountingThrottle, "cache", own)
    now = time.time()
    start_of_window = now - now % 60 + 1
    monkeypatch.setattr(CountingThrottle, "timer", staticmethod(lambda: start_of_window))
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": f"{LIMIT}/minute", "user": "1200/minute"}
    settings.CAREERHUB_TRUSTED_PROXIES = 0
    return settings


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_limit(limits):
    # given: one client that claims a new address in X-Forwarded-For with every request
    build_world()
    client = APIClient(REMOTE_ADDR="203.0.113.5")

    # when: it sends 200 requests
    statuses = Counter(
        client.get("/api/v1/segments/", HTTP_X_FORWARDED_FOR=f"10.1.{n // 250}.{n % 250}").status_code
        for n in range(200)
    )

    # then: it is one client (its connecting address), served up to the limit and refused after
    assert statuses == {200: LIMIT, 429: 200 - LIMIT}


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_proxys_entry_is_the_client(limits):
    # given: one proxy of ours, which appends the address it saw; the client writes its own entries before it
    limits.CAREERHUB_TRUSTED_PROXIES = 1
    limits.CAREERHUB_API_THROTTLE_RATES = {"anon": "3/minute", "user": None}
    build_world()
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")

    def ask(forwarded: str) -> int:
        return proxy.get("/api/v1/segments/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    # when / then: the forged entries change nothing; another client behind the same proxy has its own count
    assert [ask(f"1.2.3.{n}, 198.51.100.1") for n in range(4)] == [200, 200, 200, 429]
    assert ask("198.51.100.2") == 200


@pytest.mark.django_db
def test_answers_from_the_answer_cache_are_counted(limits, monkeypatch, django_assert_max_num_queries):
    # given: the answer cache on (production with Redis), and one anonymous client
    answers = LocMemCache(f"api-{uuid.uuid4()}", {})
    monkeypatch.setattr(careerhub.core.api.cache, "cache", answers)
    monkeypatch.setattr(careerhub.core.cache, "cache", answers)
    limits.CAREERHUB_API_CACHE_SECONDS = 3600
    build_world()
    client = APIClient(REMOTE_ADDR="203.0.113.6")
    assert client.get("/api/v1/tracks/").status_code == 200  # computed, then kept

    # when: it asks again and again; every answer after the first comes from the cache (no query)
    with django_assert_max_num_queries(0):
        statuses = Counter(client.get("/api/v1/tracks/").status_code for _ in range(LIMIT + 30))

    # then: the cached answers count against its limit too
    assert statuses == {200: LIMIT - 1, 429: 31}
    refused = client.get("/api/v1/tracks/")
    assert refused.json()["errors"] == [] and int(refused["Retry-After"]) > 0


def test_concurrent_requests_cannot_pass_the_limit_together(limits):
    # given: eight threads sending 200 requests from one address at once, to a DRF view that needs no database
    results: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def send(count: int) -> None:
        client = APIClient(REMOTE_ADDR="203.0.113.7")
        start.wait()
        for _ in range(count):
            status = client.get("/api/v1/").status_code
            with lock:
                results.append(status)

    threads = [threading.Thread(target=send, args=(25,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: exactly the limit is served, however the requests interleaved
    assert Counter(results) == {200: LIMIT, 429: 200 - LIMIT}
