"""Degrading instead of falling over: the API without Redis, pages and API without the database.

A Redis outage is a cache pointed at a port where nothing listens. A hung database is a local TCP
server that accepts connections and never answers; a refused one is a closed port. The database
is swapped for the request only: the test's own connection is put back afterwards.
"""

import logging
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from careerhub.settings.base import database_config
from tests.careerhub.api_world import build_world, token_client

DEAD_REDIS = "redis://127.0.0.1:6390/0"


def stepped_aside(part: str) -> float:
    return REGISTRY.get_sample_value("careerhub_stepped_aside_total", {"part": part}) or 0.0


# --- Redis down --------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # production's shape: the answer cache on, the request limits on
    settings.CAREERHUB_API_CACHE_SECONDS = 3600
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": "120/minute", "user": "1200/minute"}


@pytest.mark.django_db
def test_without_redis_the_api_answers_from_the_database_logging_each_part_once(redis_down, caplog):
    # given: content, and a cache that refuses every connection (built before the outage: writes bump generations)
    world = build_world()
    before = {part: stepped_aside(part) for part in ("throttle", "answer-cache")}
    caplog.set_level(logging.WARNING, logger="careerhub.core.degrade")

    # when: anonymous clients read lists, details and demand, twice each, and a token user reads too
    urls = ["/api/v1/segments/", f"/api/v1/segments/{world['segment'].slug}/", "/api/v1/skills/",
            "/api/v1/demand/top/", "/api/v1/demand/cooccurrence/"]  # fmt: skip
    answers = [APIClient(REMOTE_ADDR="198.51.100.9").get(url) for url in urls * 2]
    user_answer = token_client().get("/api/v1/tracks/")

    # then: every answer is served, from the database
    assert [answer.status_code for answer in answers] == [200] * len(answers)
    assert world["segment"].name in answers[1].json()["name"]
    assert user_answer.status_code == 200
    # each part stepped aside on every request, counted, and logged once, not once per request
    assert stepped_aside("throttle") - before["throttle"] == len(answers) + 1
    assert stepped_aside("answer-cache") - before["answer-cache"] >= len(answers)
    lines = [record.getMessage() for record in caplog.records if record.name == "careerhub.core.degrade"]
    assert sum(line.startswith("throttle:") for line in lines) == 1
    assert sum(line.startswith("answer-cache:") for line in lines) == 1


@pytest.mark.django_db
def test_without_redis_pages_still_answer(redis_down):
    build_world()
    for url in ("/", "/segments/", "/skills/"):
        assert Client().get(url).status_code == 200, url


# --- The database down -------------------------------------------------------------------------


@contextmanager
def silent_server():
    """A TCP server on a free local port that accepts every connection and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@contextmanager
def database_at(port: int, *, connect_timeout: int):
    """Requests in this block reach a PostgreSQL 'server' at ``port``, configured as production configures it."""
    config = database_config(
        f"postgres://careerhub@127.0.0.1:{port}/careerhub", connect_timeout=connect_timeout, statement_timeout=10
    )
    unreachable = ConnectionHandler({"default": config})["default"]
    original = connections["default"]
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = original


def assert_unavailable(response, *, api: bool) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    if api:
        body = response.json()
        assert set(body) == {"detail", "errors"} and "database" in body["detail"]
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_a_database_that_never_answers_gets_a_503_within_the_connect_timeout():
    client = Client(raise_request_exception=False)
    with silent_server() as port, database_at(port, connect_timeout=2):
        for url, api in (("/", False), ("/api/v1/segments/", True)):
            started = time.monotonic()
            response = client.get(url)
            elapsed = time.monotonic() - started
            assert_unavailable(response, api=api)
            assert elapsed < 2 + 2, f"{url} took {elapsed:.1f} s"


@pytest.mark.django_db
def test_a_refused_database_gets_a_readable_503_on_pages_and_the_api():
    client = Client(raise_request_exception=False)
    with database_at(closed_port(), connect_timeout=5):
        assert_unavailable(client.get("/"), api=False)
        assert_unavailable(client.get("/segments/"), api=False)
        assert_unavailable(client.get("/api/v1/segments/"), api=True)
        assert_unavailable(client.get("/api/v1/demand/top/"), api=True)


@pytest.mark.django_db
def test_a_database_error_before_any_view_also_answers_503():
    # given: a session cookie, so the session is read from the database by middleware, before the view
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32
    with database_at(closed_port(), connect_timeout=5):
        response = client.get("/admin/")
    assert_unavailable(response, api=False)


def test_web_requests_get_short_database_timeouts_inside_gunicorns():
    # given: production's defaults
    from django.conf import settings

    web = database_config("postgres://db/careerhub", connect_timeout=5, statement_timeout=10)
    gunicorn = {}
    exec((settings.BASE_DIR / "gunicorn.conf.py").read_text(), gunicorn)  # our own config file
    # then: both timeouts are set and together end well before gunicorn kills the worker
    assert web["OPTIONS"]["connect_timeout"] == 5
    assert web["OPTIONS"]["options"] == "-c statement_timeout=10000"
    assert gunicorn["timeout"] > settings.CAREERHUB_DB_CONNECT_TIMEOUT + settings.CAREERHUB_DB_STATEMENT_TIMEOUT
    assert settings.CAREERHUB_DB_WORKER_STATEMENT_TIMEOUT <= settings.CELERY_TASK_SOFT_TIME_LIMIT


@pytest.mark.django_db
def test_the_statement_timeout_cuts_a_slow_query_off():
    from django.db import OperationalError, connection

    from tests.conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("the statement timeout is PostgreSQL's: set DATABASE_URL")
    # given: a connection to the test database configured as a web process's, with a 1 s statement timeout
    settings_dict = dict(connection.settings_dict)
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "options": "-c statement_timeout=1000"}
    web = ConnectionHandler({"default": settings_dict})["default"]
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"), web.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 3
    finally:
        web.close()
