"""The operator's view: ``/healthz`` (alive), ``/readyz`` (dependencies reachable) and ``/metrics`` (Prometheus).

- ``/healthz`` answers 200 whenever the process can answer at all: it touches nothing else, so a
  database outage never makes an orchestrator restart healthy web processes.
- ``/readyz`` checks the database, the cache and the broker, each in its own thread with a short
  deadline (``READY_TIMEOUT``), and answers 503 naming the failing parts, so a load balancer stops
  sending requests to a process that cannot answer them.
- ``/metrics`` is off unless ``CAREERHUB_METRICS_TOKEN`` (a bearer token) or
  ``CAREERHUB_METRICS_ALLOWED_ADDRESSES`` (addresses or networks, by ``client_address``) is set;
  without either, or for any other client, it is a 404. Besides the process's own figures
  (``careerhub.core.metrics``) it reads, when scraped, the marks waiting in each outbox and the
  oldest one's age, when each outbox was last drained, and the Celery task failures counted in
  the shared cache.

All three are exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``): probes speak plain HTTP.
"""

import hmac
import ipaddress
import os
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from careerhub.core import outbox
from careerhub.core.http import client_address

READY_TIMEOUT = 2.0  # seconds for each dependency; a probe every few seconds must not pile up
FAILURE_KEY = "tasks:failures:{task}"


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering; no dependency is checked."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the broker all answer within ``READY_TIMEOUT``; else 503 naming them."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    results = _run_with_deadline(checks, READY_TIMEOUT)
    failing = sorted(name for name, result in results.items() if result != "ok")
    body = {"status": "ok" if not failing else "unavailable", "checks": results, "failing": failing}
    response = JsonResponse(body, status=200 if not failing else 503)
    if failing:
        response["Retry-After"] = "10"
    return response


def _run_with_deadline(checks: dict[str, Callable[[], None]], timeout: float) -> dict[str, str]:
    """Run every check in a thread of its own; one that has not finished by the deadline is reported as timed out."""
    results: dict[str, str] = {}

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
            results[name] = "ok"
        except Exception as error:
            results[name] = f"{type(error).__name__}: {error}"[:200]
        finally:
            connections.close_all()  # this thread's own connection, opened for the check

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in checks.items()]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, f"no answer within {timeout:g} s") for name in checks}


def _check_database() -> None:
    # A connection of this thread's own, opened with the configured connect timeout.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"readyz:{threading.get_ident()}"
    cache.set(key, 1, timeout=10)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not keep a value")


def _check_broker() -> None:
    from careerhub.celery import app

    if app.conf.task_always_eager:
        return  # the embedded mode: no broker, tasks run in-process
    with app.connection_for_write(connect_timeout=READY_TIMEOUT) as connection:
        connection.ensure_connection(max_retries=0, timeout=READY_TIMEOUT)  # one try, no retry


# --- /metrics ---------------------------------------------------------------------------------------


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, for an allowed client only (see the module docstring)."""
    if not _metrics_allowed(request):
        return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
    deployment = CollectorRegistry()
    deployment.register(DeploymentCollector())
    body = generate_latest(_process_registry()) + generate_latest(deployment)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.CAREERHUB_METRICS_TOKEN
    if token:
        offered = request.headers.get("Authorization", "")
        if hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
            return True
    networks = settings.CAREERHUB_METRICS_ALLOWED_ADDRESSES
    if networks:
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
    return False


def _process_registry() -> CollectorRegistry:
    """Under gunicorn (``PROMETHEUS_MULTIPROC_DIR``), every worker's figures added up; else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def outbox_models() -> dict[str, type]:
    """The mark tables of the outboxes, by engine."""
    from curriculum.coverage.models import CoverageMark
    from postings.demand.models import DemandMark
    from postings.ingest.models import NearDuplicateScan

    return {"demand": DemandMark, "coverage": CoverageMark, "near_duplicates": NearDuplicateScan}


class DeploymentCollector(Collector):
    """Figures of the whole deployment, read when scraped: outbox backlogs, last drains, task failures."""

    def collect(self):
        waiting = GaugeMetricFamily("careerhub_outbox_marks_waiting", "Marks waiting to be drained.", labels=["engine"])
        oldest = GaugeMetricFamily(
            "careerhub_outbox_oldest_mark_age_seconds", "Age of the oldest mark waiting (0: none).", labels=["engine"]
        )
        drained = GaugeMetricFamily(
            "careerhub_outbox_last_drain_timestamp_seconds",
            "When a drain of the outbox last finished (Unix time; absent: not since the cache was emptied).",
            labels=["engine"],
        )
        now = timezone.now()
        models = outbox_models()
        for engine, model in models.items():
            found = model.objects.aggregate(n=Count("id"), oldest=Min("created_at"))
            waiting.add_metric([engine], found["n"])
            oldest.add_metric([engine], (now - found["oldest"]).total_seconds() if found["oldest"] else 0.0)
        last = outbox.last_drains(list(models.values()))
        for engine, model in models.items():
            if last.get(model) is not None:
                drained.add_metric([engine], last[model])
        yield waiting
        yield oldest
        yield drained
        yield self._task_failures()
        yield from self._sync_runs()

    @staticmethod
    def _sync_runs():
        """Job-board syncs: runs recorded by source and outcome, and when each source last ran."""
        from postings.sources.models import SourceRun

        runs = CounterMetricFamily(
            "careerhub_sync_runs", "Job-board sync runs recorded, by source and outcome.", labels=["source", "outcome"]
        )
        last = GaugeMetricFamily(
            "careerhub_sync_last_run_timestamp_seconds", "When a source's last sync run started (Unix time).",
            labels=["source"],
        )
        latest: dict[str, float] = {}
        rows = SourceRun.objects.values_list("source__slug", "outcome").annotate(n=Count("id"), last=Max("started_at"))
        for source, outcome, n, started in rows.order_by():
            runs.add_metric([source, outcome], n)
            latest[source] = max(latest.get(source, 0.0), started.timestamp())
        for source, started in sorted(latest.items()):
            last.add_metric([source], started)
        yield runs
        yield last

    @staticmethod
    def _task_failures() -> CounterMetricFamily:
        from careerhub.celery import app

        failures = CounterMetricFamily(
            "careerhub_task_failures", "Celery tasks that ended in an error, by task (counted in the shared cache).",
            labels=["task"],
        )
        names = sorted(name for name in app.tasks if not name.startswith("celery."))
        try:
            counts = cache.get_many([FAILURE_KEY.format(task=name) for name in names])
        except Exception:
            counts = {}
        for name in names:
            failures.add_metric([name], counts.get(FAILURE_KEY.format(task=name), 0))
        return failures


def count_task_failure(sender=None, **kwargs) -> None:
    """Celery's ``task_failure`` signal: one more failure of this task in the shared cache (best effort)."""
    key = FAILURE_KEY.format(task=getattr(sender, "name", "unknown"))
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the cache is down: the failure is in the worker's log all the same
        return
