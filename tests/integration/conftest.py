"""Real services for integration tests: a Celery worker process on the configured broker,
sharing the test database, and helpers to break things (kill the worker, restart Redis)."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction

from careerhub.celery import app as celery_app
from careerhub.core import outbox
from tests.conftest import skip_or_fail

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]


def database_url_for_worker() -> str:
    """The test database (pytest-django's ``test_*``) as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    skip_or_fail("a worker process needs a database it can share: set DATABASE_URL to PostgreSQL")
    return ""


def redis_ping(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def broker_url() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        skip_or_fail("CELERY_BROKER_URL is not set")
    if url.startswith("redis") and not redis_ping(url):
        skip_or_fail(f"the broker at {url} is unreachable")
    return url


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} not met within {timeout} s")


@contextmanager
def global_lock_held():
    """Hold the outbox's global lock (as a full recompute does) in a thread of the test: a drain or a scan claims
    its rows, then waits at that lock, so the test can act mid-run every time instead of racing a short task."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                outbox.lock_everything()
                locked.set()
                release.wait(timeout=180)
        except DatabaseError:
            pass  # its connection was terminated by the test, which releases the lock too
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        holder.join()


class Worker:
    """A ``celery worker`` process on a queue of its own, which the test process sends its tasks to."""

    def __init__(self, queue: str, environment: dict[str, str], log_path: Path):
        self.queue, self.environment, self.log_path = queue, environment, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        log = open(self.log_path, "a")  # noqa: SIM115 - the child process owns it
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "careerhub", "worker", "--pool=solo", "--queues", self.queue,
             "--hostname", f"{self.queue}-{uuid.uuid4().hex[:4]}@%h", "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A started worker; tasks the test process sends go to its queue. Stopped (and its log shown) at the end."""
    url = broker_url()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    # Tasks the worker itself queues (a beat job's syncs, say) go to its own queue too.
    environment = {**os.environ, "DATABASE_URL": database_url_for_worker(), "CELERY_BROKER_URL": url,
                   "CELERY_TASK_DEFAULT_QUEUE": queue}  # fmt: skip
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    worker = Worker(queue, environment, tmp_path / "worker.log").start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_default_queue = previous_queue
        print(worker.log()[-6000:])  # shown by pytest when the test fails


@pytest.fixture
def redis_restarter():
    """Stop and start the machine's Redis (the broker) with its own start command."""
    url = broker_url()
    if not url.startswith("redis"):
        skip_or_fail("the broker is not Redis")

    def restart(down_for: float = 1.0) -> None:
        subprocess.run(["redis-cli", "-u", url, "shutdown", "nosave"], capture_output=True, timeout=30)
        wait_for(lambda: not redis_ping(url), timeout=10, message="Redis stopped")
        time.sleep(down_for)
        subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        wait_for(lambda: redis_ping(url), timeout=20, message="Redis back")

    yield restart
    if not redis_ping(url):
        subprocess.run(REDIS_START, check=False, capture_output=True, timeout=30)
