"""The process's own Prometheus metrics: request latency and database time by view, and parts that stepped aside.

Figures of the whole deployment (marks waiting, the last drain, task failures) are read when
``/metrics`` is scraped (``careerhub.health``); these are the ones only a process knows. Under
gunicorn, ``PROMETHEUS_MULTIPROC_DIR`` (set by gunicorn.conf.py) makes every worker write its
figures to files that a scrape of any worker adds up (prometheus-client's multiprocess mode).
"""

import time

from django.db import connection
from prometheus_client import Counter, Histogram

# Seconds; the API's p99 is tens of milliseconds (docs/benchmarks.md), the web statement timeout 10 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "careerhub_http_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_SECONDS = Histogram(
    "careerhub_http_request_database_seconds",
    "Time a request spent waiting for the database, by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
STEPPED_ASIDE = Counter(
    "careerhub_stepped_aside_total",
    "Operations answered without a dependency that was unavailable (cache, database), by part.",
    ["part"],
)


class MetricsMiddleware:
    """Time every request and the database queries it makes; label both with the view that answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unresolved"
        REQUEST_SECONDS.labels(view=view, method=request.method).observe(time.perf_counter() - started)
        DATABASE_SECONDS.labels(view=view).observe(timer.seconds)
        return response


class _DatabaseTimer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
