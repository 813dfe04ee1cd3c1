"""gunicorn settings for CareerHub (read by ``gunicorn careerhub.wsgi`` from the project root).

Sync workers, one per core unless ``WEB_CONCURRENCY`` says otherwise: a request is CPU work (Django,
DRF, templates) with short database and cache round trips, so more processes than cores only queue
on the CPUs and lengthen the slowest answers (docs/benchmarks.md, API: p99 27 ms with 2 workers on
2 cores against 52 ms with 4).

Timeouts line up: a web request gives up on an unanswering database after
``CAREERHUB_DB_CONNECT_TIMEOUT`` (5 s) and on a statement after ``CAREERHUB_DB_STATEMENT_TIMEOUT``
(10 s), and answers 503 with ``Retry-After``; gunicorn's ``timeout`` (30 s) only ends a worker stuck
beyond both. See docs/deploy.md.
"""

import os
import shutil
import tempfile

import gunicorn.http.wsgi

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30

# No control socket: workers are managed with signals (HUP to reload, TERM to stop) by the service manager,
# and a socket in the home directory would let any process of the same user resize or stop the server.
control_socket_disable = True

# One JSON object per line for the access log and gunicorn's own messages, in the app's format
# (careerhub/core/logs.py): method, path, status, duration and the request id the app answered with.
# GUNICORN_ACCESS_LOG=0 leaves the access log out (the benchmarks, a proxy that logs requests already).
ACCESS_LOG = os.environ.get("GUNICORN_ACCESS_LOG", "1").strip().lower() not in {"0", "false", "no", "off"}
accesslog = "-" if ACCESS_LOG else None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "careerhub.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO" if ACCESS_LOG else "WARNING", "handlers": ["console"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": []},
}

# The web processes run with the web statement timeout (careerhub/settings/base.py).
os.environ.setdefault("CAREERHUB_PROCESS", "web")

# Prometheus' multiprocess mode: every worker writes its figures to files in this folder, and a scrape
# of /metrics by any worker adds them up. A new folder for each start of the server.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="careerhub-metrics-")


def child_exit(server, worker):
    """A worker's figures stay counted after it exits; its gauges go (prometheus-client's documented hook)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


# No "Server: gunicorn" on answers: which server runs here is no client's business. gunicorn has no setting
# for it, so the line is dropped from the headers its responses start with.
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [header for header in _default_headers(self) if not header.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _default_headers_without_server
