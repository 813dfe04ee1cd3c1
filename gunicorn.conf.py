"""gunicorn settings for CareerHub (read by ``gunicorn careerhub.wsgi`` from the project root).

Sync workers, one per core unless ``WEB_CONCURRENCY`` says otherwise: a request is CPU work (Django,
DRF, templates) with short database and cache round trips, so more processes than cores only queue
on the CPUs and lengthen the slowest answers (docs/benchmarks.md, API: p99 27 ms with 2 workers on
2 cores against 52 ms with 4).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "sync"
timeout = 30
