"""The operator's view: /healthz, /readyz and /metrics, TRACE refused, gunicorn's answers and logs."""

import datetime
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connections
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from careerhub.celery import app as celery_app
from careerhub.settings.base import database_config
from curriculum.coverage.models import CoverageMark
from postings.demand.models import DemandMark
from tests.careerhub.test_degrade import DEAD_REDIS, closed_port, database_at
from tests.careerhub.test_settings import run_manage
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, TrackFactory

PROJECT = Path(settings.BASE_DIR)


# --- /healthz and /readyz ----------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    with database_at(closed_port(), connect_timeout=5):
        assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_readyz_checks_database_cache_and_broker():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
        "failing": [],
    }


@pytest.mark.django_db(transaction=True)
def test_readyz_names_a_refused_database(monkeypatch):
    # given: new connections (the check opens its own) go to a closed port
    unreachable = database_config(f"postgres://careerhub@127.0.0.1:{closed_port()}/x", connect_timeout=2,
                                  statement_timeout=10)  # fmt: skip
    monkeypatch.setitem(connections.settings, "default", {**connections.settings["default"], **unreachable})
    response = Client().get("/readyz")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert response.json()["failing"] == ["database"]
    assert "OperationalError" in response.json()["checks"]["database"]


@pytest.mark.django_db
def test_readyz_names_a_cache_and_a_broker_that_do_not_answer(settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", DEAD_REDIS)
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_REDIS)  # Celery reads the variable before its settings
    started = time.monotonic()
    response = Client().get("/readyz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker", "cache"]


# --- /metrics ----------------------------------------------------------------------------------


def test_metrics_are_off_unless_a_token_or_an_address_is_configured(settings):
    settings.CAREERHUB_METRICS_TOKEN = ""
    settings.CAREERHUB_METRICS_ALLOWED_ADDRESSES = []
    assert Client().get("/metrics").status_code == 404
    settings.CAREERHUB_METRICS_TOKEN = "s3cret-token"
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    settings.CAREERHUB_METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8"]
    assert Client(REMOTE_ADDR="192.0.2.1").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_show_latency_by_view_database_time_backlogs_and_task_failures(settings):
    # given: a token, a request answered by a view, marks waiting, a drain noted, a failed task
    settings.CAREERHUB_METRICS_TOKEN = "s3cret-token"
    Client().get("/api/v1/segments/")
    segment, skill = SegmentFactory(), SkillFactory()
    DemandMark.objects.create(segment=segment, month="2026-10-01", skill=skill)
    CoverageMark.objects.create(track=TrackFactory())
    CoverageMark.objects.all().update(created_at="2020-01-01T00:00:00Z")
    from celery import signals

    from careerhub.core import outbox
    from postings.ingest.tasks import find_near_duplicates

    outbox._record_drain(DemandMark)
    before = REGISTRY.get_sample_value(
        "careerhub_http_request_duration_seconds_count", {"view": "api:segment-list", "method": "GET"}
    )
    signals.task_failure.send(sender=find_near_duplicates, task_id="t1", exception=RuntimeError("x"))

    # when
    response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")

    # then
    assert response.status_code == 200
    text = response.content.decode()
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line and not line.startswith("#")}  # fmt: skip
    assert before >= 1
    assert samples['careerhub_http_request_duration_seconds_count{method="GET",view="api:segment-list"}'] >= 1
    assert samples['careerhub_http_request_database_seconds_count{view="api:segment-list"}'] >= 1
    assert samples['careerhub_outbox_marks_waiting{engine="demand"}'] == 1
    assert samples['careerhub_outbox_marks_waiting{engine="coverage"}'] == 1
    assert samples['careerhub_outbox_oldest_mark_age_seconds{engine="coverage"}'] > 365 * 24 * 3600
    assert samples['careerhub_outbox_last_drain_timestamp_seconds{engine="demand"}'] == pytest.approx(
        time.time(), abs=60
    )
    assert samples['careerhub_task_failures_total{task="postings.ingest.tasks.find_near_duplicates"}'] >= 1


@pytest.mark.django_db
def test_metrics_show_sync_runs_by_source_and_outcome(settings):
    # given: a job-board source that ran twice, once failing
    from postings.sources.models import Source, SourceRun

    settings.CAREERHUB_METRICS_TOKEN = "s3cret-token"
    employer = EmployerFactory(name="Acme Bank")
    source = Source.objects.create(
        name="Acme careers", slug="acme", kind="greenhouse", board="acme", employer=employer,
        segment=SegmentFactory(),
    )  # fmt: skip
    started = timezone.now().replace(microsecond=0)
    for outcome, at in (("applied", started - datetime.timedelta(hours=1)), ("failed", started)):
        SourceRun.objects.create(source=source, outcome=outcome, started_at=at, duration=1.0)

    # when
    text = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()

    # then
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line and not line.startswith("#")}  # fmt: skip
    assert samples['careerhub_sync_runs_total{outcome="applied",source="acme"}'] == 1
    assert samples['careerhub_sync_runs_total{outcome="failed",source="acme"}'] == 1
    assert samples['careerhub_sync_last_run_timestamp_seconds{source="acme"}'] == started.timestamp()


# --- Methods and redirects ---------------------------------------------------------------------


@pytest.mark.django_db
def test_trace_is_refused_everywhere():
    client = Client()
    for path in ("/", "/api/v1/segments/", "/admin/login/", "/healthz", "/no-such-page/"):
        assert client.generic("TRACE", path).status_code == 405, path


def test_probes_are_not_redirected_to_https_in_production():
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='careerhub.example.org'); "
        "print(c.get('/healthz').status_code, c.get('/').status_code)"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code,
        DJANGO_SETTINGS_MODULE="careerhub.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5",
        DJANGO_ALLOWED_HOSTS="careerhub.example.org",
    )  # fmt: skip
    assert result.stdout.split()[-2:] == ["200", "301"], result.stderr


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_gunicorn_hides_its_name_opens_no_control_socket_and_logs_json_with_the_request_id(tmp_path):
    # given: gunicorn with the project's configuration, JSON logs, a home of its own
    port = free_port()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PROMETHEUS_"))},
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DJANGO_LOG_FORMAT": "json",
    }
    out, err = open(tmp_path / "out", "w"), open(tmp_path / "err", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "careerhub.wsgi"],
        cwd=PROJECT, env=environment, stdout=out, stderr=err,
    )  # fmt: skip
    try:
        response = None
        for _ in range(100):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        assert response is not None, (tmp_path / "err").read_text()
        # then: no Server header, a request id
        assert response.headers.get("Server") is None
        request_id = response.headers["X-Request-ID"]
        # a Django log line (a 404 under the API) in the same format, with its request's id
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/no-such-thing/", timeout=5)
        except urllib.error.HTTPError as refused:
            assert refused.code == 404
            missing_id = refused.headers["X-Request-ID"]
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        out.close()
        err.close()
    lines = [json.loads(line) for path in ("out", "err") for line in (tmp_path / path).read_text().splitlines()]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert {"method": "GET", "path": "/healthz", "status": "200", "request_id": request_id}.items() <= access[0].items()
    assert any(line["logger"] == "django.request" and line.get("request_id") == missing_id for line in lines)
    # no control socket anywhere gunicorn would put one
    assert not list(tmp_path.rglob("*.ctl"))


# --- import_postings -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_postings_reports_a_lost_connection_in_one_line(tmp_path, monkeypatch):
    # given: the database terminates the import's connection part-way
    def terminated(*args, **kwargs):
        raise OperationalError(
            "terminating connection due to administrator command\nserver closed the connection unexpectedly"
        )

    monkeypatch.setattr("postings.management.commands.import_postings.postings_import", terminated)
    file = tmp_path / "postings.csv"
    file.write_text("external_id,title,employer,segment,posted_on,description\n1,x,Acme,finance,2026-10-01,An ad\n")

    # when / then: one clear line, no traceback
    with pytest.raises(CommandError) as refused:
        call_command("import_postings", str(file), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    message = str(refused.value)
    assert "\n" not in message
    assert "database connection was lost (terminating connection due to administrator command)" in message
    assert "Nothing was imported" in message


@pytest.mark.django_db(transaction=True)
def test_import_postings_says_one_line_when_the_database_terminates_its_connection():
    from django.db import connection

    from tests.conftest import skip_or_fail
    from tests.factories import EmployerFactory

    if connection.vendor != "postgresql":
        skip_or_fail("terminating a backend is PostgreSQL's: set DATABASE_URL")
    # given: an import reading from a pipe, its first batch written inside its transaction
    SegmentFactory(slug="finance")
    EmployerFactory(name="Acme Bank")
    db = connection.settings_dict
    name = "careerhub-import-terminated"
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}?application_name={name}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment["DATABASE_URL"] = url
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_postings", "-", "--format", "csv", "--no-progress"],
        cwd=PROJECT, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    rows = [f"t{n},Engineer {n},Acme Bank,finance,2026-10-01,Kubernetes ad {n}\n" for n in range(1500)]
    command.stdin.write("external_id,title,employer,segment,posted_on,description\n" + "".join(rows[:1000]))
    command.stdin.flush()
    pid = None
    for _ in range(300):  # the first batch is written while the command waits for more rows
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND state = 'idle in transaction'", [name]
            )
            found = cursor.fetchone()
        if found:
            pid = found[0]
            break
        time.sleep(0.1)
    assert pid, command.stderr.read() if command.poll() is not None else "the import never wrote its first batch"

    # when: the database terminates the connection (an administrator, a failover) and the import goes on
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    _, stderr = command.communicate("".join(rows[1000:]), timeout=120)

    # then: one clear line, no traceback, and nothing imported
    assert command.returncode == 1
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("CommandError: -: the database connection was lost (")
    assert "Nothing was imported" in lines[0]
    from postings.models import Posting

    assert not Posting.objects.filter(source="import").exists()
