"""gunicorn's settings for CareerHub, read from the working directory (``gunicorn careerhub.wsgi``).

Threaded workers keep a client's connection open between requests (HTTP keep-alive); sync workers
close it after every answer, and on the API's cached answers reconnecting cost more than answering:
bench/api.py measured 292 requests a second with 4 sync workers against 838 with 4 workers of 4
threads, same cached answers, same machine, same run (see docs/benchmarks.md).
"""

import multiprocessing
import os

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
keepalive = 5
