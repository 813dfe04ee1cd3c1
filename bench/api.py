"""Benchmark of the public API: gunicorn on loopback against PostgreSQL holding 100,000 postings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careerhub_bench .venv/bin/python bench/api.py

1. Makes sure the database holds the seed content and at least ``--postings`` demo postings (loading
   100,000 the first time takes several minutes; later runs reuse them).
2. Bare cost, in this process: the selectors' two queries for one page (postings, then their skill
   links as plain rows) plus JSON encoding of the same fields with no HTTP and no serializer, against
   the API's path for the same page (the same queries, the serializer and DRF's JSON renderer).
   Ratio = serialized / bare (target: within 2x).
3. CPU per request in this process, through the site's WSGI application as a gunicorn worker calls it:
   each endpoint computing its answer and its bare view (below), called in turn, and the endpoint
   answering from the cache. CPU time moves far less with the machine's load than requests a second:
   on a shared machine the CPU ratio (API / bare) is the steadier comparison.
4. Load: gunicorn serves the site on 127.0.0.1 (``--workers`` sync workers, as gunicorn.conf.py) through
   ``bench/bare_site.py``, which adds a bare view per endpoint (the same rows as plain ``values()`` and
   JSON, no DRF); wrk (Debian package ``wrk``) drives each list endpoint, then its bare view, with 16
   connections. Targets without the answer cache: >= 300 requests a second on every endpoint, and
   each within 1.5x of its bare view (bare req/s / API req/s). With ``--cache-seconds`` the server
   keeps anonymous answers in the exact cache (``careerhub/core/api/cache.py``; ``--cache-url`` a
   Redis database for it, shared by the workers): the first request of each endpoint computes its
   answer, wrk's are then served from it (target >= 600 req/s, p99 < 50 ms).

Request limits are turned off for the server (one client address sends everything). The last line
printed is one JSON object with every figure.
"""

import argparse
import io
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

# Every list endpoint of the API (the bare views of bench/bare_site.py stand for the same first pages).
ENDPOINTS = [
    "/api/v1/postings/",
    "/api/v1/postings/?segment=big-tech&skill=kubernetes",
    "/api/v1/skills/",
    "/api/v1/tracks/",
    "/api/v1/demand/?segment=big-tech",
    "/api/v1/demand/top/?segment=big-tech",
    "/api/v1/segments/",
    "/api/v1/modules/",
    "/api/v1/skill-categories/",
    "/api/v1/employers/",
    "/api/v1/coverage/",
]
TARGET_P99_MS = 50.0
TARGET_RPS = 600.0  # answers from the cache
TARGET_UNCACHED_RPS = 300.0
TARGET_RATIO = 2.0
TARGET_BARE_RATIO = 1.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=100_000, help="Postings the database must hold.")
    parser.add_argument("--duration", type=int, default=5, help="Seconds of load per endpoint and round (default 5).")
    parser.add_argument(
        "--rounds", type=int, default=3, help="Rounds alternating each endpoint with its bare view (default 3)."
    )
    parser.add_argument("--connections", type=int, default=16, help="Concurrent connections (default 16).")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="gunicorn worker processes (default: one per core, as gunicorn.conf.py serves).",
    )
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync).")
    parser.add_argument(
        "--threads", type=int, default=1,
        help="Threads per worker (default 1: gunicorn.conf.py's sync workers; more makes gunicorn use gthread).",
    )
    parser.add_argument("--port", type=int, default=8931, help="Loopback port for gunicorn.")
    parser.add_argument(
        "--cache-seconds",
        type=int,
        default=0,
        help="CAREERHUB_API_CACHE_SECONDS for the server (default 0: every request does the work).",
    )
    parser.add_argument(
        "--cache-url", default="", help="CACHE_URL for the server, e.g. redis://127.0.0.1:6379/13 (default: none)."
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="PATH",
        help="Measure only this endpoint (as listed in ENDPOINTS; repeatable). Default: every endpoint.",
    )
    parser.add_argument("--repeats", type=int, default=200, help="Repeats of the in-process bare/serialized page.")
    return parser.parse_args()


def ensure_data(count: int) -> int:
    from django.core.management import call_command

    from postings.models import Posting
    from segments.models import Segment

    call_command("migrate", verbosity=0)
    if not Segment.objects.exists():
        call_command("load_seed_content")
    have = Posting.objects.count()
    if have < count:
        print(f"Loading demo postings up to {count:,} (have {have:,}); this takes a few minutes...", flush=True)
        call_command("load_demo_postings", count=count)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as a deployment's autovacuum would keep
    return Posting.objects.count()


def bare_page(limit: int = 50) -> bytes:
    """The selectors' queries for one page, and plain JSON of the same fields: no HTTP, no serializer."""
    from postings.selectors import posting_feed, posting_skill_links

    postings = list(posting_feed().order_by("-posted_on", "-id")[:limit])
    links = posting_skill_links([p.id for p in postings])
    rows = [
        {
            "id": p.id,
            "external_id": p.external_id,
            "source": p.source,
            "demo": p.is_demo,
            "title": p.title,
            "employer": p.employer.name,
            "segment": p.segment.slug,
            "posted_on": p.posted_on.isoformat(),
            "location": p.location,
            "url": p.url,
            "description": p.description,
            "skills": links.get(p.id, []),
        }
        for p in postings
    ]
    return json.dumps(
        {"next": None, "previous": None, "results": rows}, ensure_ascii=False, separators=(",", ":")
    ).encode()


def serialized_page(limit: int = 50) -> bytes:
    """The API's own path for the same page: the same queries, the serializer, DRF's JSON renderer."""
    from rest_framework.renderers import JSONRenderer

    from postings.api.serializers import PostingSerializer
    from postings.selectors import posting_feed, posting_skill_links

    postings = list(posting_feed().order_by("-posted_on", "-id")[:limit])
    links = posting_skill_links([p.id for p in postings])
    for posting in postings:
        posting.skill_links = links.get(posting.id, [])
    serializer = PostingSerializer(postings, many=True)
    for name in PostingSerializer.Meta.fields:  # the public's view leaves out the editor-only fields
        if name in ("status", "published_at", "duplicate_of"):
            serializer.child.fields.pop(name)
    return JSONRenderer().render({"next": None, "previous": None, "results": serializer.data})


def cpu_per_request(repeats: int, paths: list[str]) -> dict[str, dict[str, float]]:
    """CPU time of this process per request of each endpoint, called as gunicorn calls the site (its WSGI
    application, every middleware included, no HTTP): the API computing its answer (cache off), its bare
    view, and the API serving the answer from the exact cache (local memory here). API and bare view are
    called in turn, so a load that comes and goes falls on both. CPU time moves far less with the
    machine's load than requests a second do: ``cpu_ratio`` (API / bare) is the figure to compare when
    the machine is shared."""
    from bare_site import application, bare_path
    from django.conf import settings

    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None}
    figures = {}
    for path in paths:
        targets = {"computed_cpu_ms": path, "bare_cpu_ms": bare_path(path)}
        settings.CAREERHUB_API_CACHE_SECONDS = 0
        samples = {label: [] for label in targets}
        for target in targets.values():
            wsgi_get(application, target)  # warm: the first request of a path builds what later ones reuse
        for _ in range(repeats):
            for label, target in targets.items():
                start = time.process_time()
                wsgi_get(application, target)
                samples[label].append(time.process_time() - start)
        settings.CAREERHUB_API_CACHE_SECONDS = 3600
        wsgi_get(application, path)
        samples["cached_cpu_ms"] = []
        for _ in range(repeats):
            start = time.process_time()
            wsgi_get(application, path)
            samples["cached_cpu_ms"].append(time.process_time() - start)
        row = {label: round(statistics.median(values) * 1000, 2) for label, values in samples.items()}
        row["cpu_ratio"] = round(row["computed_cpu_ms"] / row["bare_cpu_ms"], 2)
        figures[path] = row
        print(
            f"{path}: CPU per request {row['computed_cpu_ms']:.2f} ms computed, bare view {row['bare_cpu_ms']:.2f} ms "
            f"({row['cpu_ratio']}x), {row['cached_cpu_ms']:.2f} ms cached"
        )
    settings.CAREERHUB_API_CACHE_SECONDS = 0
    return figures


def wsgi_get(application, target: str) -> bytes:
    """GET ``target`` through the WSGI application, as a gunicorn worker would for wrk; 200 expected."""
    path, _, query = target.partition("?")
    status = []
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    answer = application(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(answer)
    finally:
        answer.close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{target} answered {status[0]}")
    return body


def timed(function, repeats: int) -> tuple[float, int]:
    samples, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(function())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, size


def check_cache_url(url: str) -> None:
    """Refuse a ``--cache-url`` the server could not use: its answer cache would step aside on every request
    (careerhub/core/degrade.py) and the "cached" figures would be the uncached ones."""
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        raise SystemExit(f"--cache-url {url}: {error}") from None


def start_server(args: argparse.Namespace) -> subprocess.Popen:
    port = args.port
    env = {
        **os.environ,
        "CAREERHUB_API_ANON_RATE": "",
        "CAREERHUB_API_USER_RATE": "",
        "DJANGO_DEBUG": "0",
        "CAREERHUB_API_CACHE_SECONDS": str(args.cache_seconds),
        "CACHE_URL": args.cache_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "0",  # a log line per request would be part of what is measured
        "DATABASE_CONN_MAX_AGE": "600",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--pythonpath",
            str(ROOT / "bench"),
            "bare_site:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def wrk(url: str, *, connections: int, duration: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    out = result.stdout

    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)[1])
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(p50, 2),
        "p99_ms": round(p99, 2),
        "non_2xx": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
    }


def measure_endpoint(path: str, args: argparse.Namespace) -> dict:
    """An endpoint and its bare view, alternated over ``--rounds`` rounds so both see the same machine.

    The machine is shared: a load that comes and goes would otherwise fall on one of the two. Figures
    are the medians of the rounds; the ratio is the median of each round's bare / API.
    """
    from bare_site import bare_path

    targets = {"api": path, "bare": bare_path(path)}
    urls = {label: f"http://127.0.0.1:{args.port}{target}" for label, target in targets.items()}
    for url in urls.values():
        urllib.request.urlopen(url, timeout=10).read()  # every worker warms up on its first requests
        wrk(url, connections=args.connections, duration=2)
    rounds = []
    for _ in range(args.rounds):
        rounds.append({label: wrk(url, connections=args.connections, duration=args.duration)
                       for label, url in urls.items()})  # fmt: skip
    ratios = [r["bare"]["rps"] / r["api"]["rps"] if r["api"]["rps"] else float("inf") for r in rounds]
    api = {name: statistics.median(r["api"][name] for r in rounds) for name in ("rps", "p50_ms", "p99_ms")}
    return api | {
        "non_2xx": sum(r["api"]["non_2xx"] for r in rounds),
        "bare_rps": statistics.median(r["bare"]["rps"] for r in rounds),
        "bare_p99_ms": statistics.median(r["bare"]["p99_ms"] for r in rounds),
        "bare_ratio": round(statistics.median(ratios), 2),
        "round_ratios": [round(ratio, 2) for ratio in ratios],
    }


def main() -> None:
    args = parse_args()
    if unknown := set(args.only) - set(ENDPOINTS):
        raise SystemExit(f"--only: not an endpoint of the benchmark: {', '.join(sorted(unknown))}")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is filled with demo postings).")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load: apt-get install -y wrk")
    if args.cache_url:
        check_cache_url(args.cache_url)
    import django

    django.setup()
    postings = ensure_data(args.postings)
    print(f"Database: {postings:,} postings")

    serialized_page(), bare_page()  # warm the connection and the caches
    bare_ms, bare_bytes = timed(bare_page, args.repeats)
    full_ms, full_bytes = timed(serialized_page, args.repeats)
    ratio = full_ms / bare_ms
    print(
        f"Page of 50 postings, median of {args.repeats}: bare {bare_ms:.2f} ms ({bare_bytes:,} bytes), "
        f"serialized {full_ms:.2f} ms ({full_bytes:,} bytes): {ratio:.2f}x (target <= {TARGET_RATIO}x)"
    )

    cpu = cpu_per_request(min(args.repeats, 50), args.only or ENDPOINTS)

    from django.db import connections

    connections.close_all()
    load_before = os.getloadavg()[0]
    print(f"Machine load average (1 min) before the load: {load_before:.2f} on {os.cpu_count()} cores")
    server = start_server(args)
    load = {}
    try:
        for path in args.only or ENDPOINTS:
            load[path] = measure_endpoint(path, args)
            api = load[path]
            print(
                f"{path}: {api['rps']:.0f} req/s, p50 {api['p50_ms']:.1f} ms, p99 {api['p99_ms']:.1f} ms, "
                f"non-2xx {api['non_2xx']}; bare view {api['bare_rps']:.0f} req/s ({api['bare_ratio']}x, "
                f"rounds {api['round_ratios']})"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    print(f"Machine load average (1 min) after the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    worst_p99 = max(f["p99_ms"] for f in load.values())
    lowest_rps = min(f["rps"] for f in load.values())
    worst_bare_ratio = max(f["bare_ratio"] or 0 for f in load.values())
    worst_cpu_ratio = max(figures["cpu_ratio"] for figures in cpu.values())
    summary = {
        "postings": postings,
        "connections": args.connections,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cache_seconds": args.cache_seconds,
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "bare_ms": round(bare_ms, 3),
        "serialized_ms": round(full_ms, 3),
        "serialization_ratio": round(ratio, 2),
        "worst_p99_ms": worst_p99,
        "lowest_rps": lowest_rps,
        "worst_bare_ratio": worst_bare_ratio,
        "worst_cpu_ratio": worst_cpu_ratio,
        "targets_met": (
            {
                "rps_at_least_300": lowest_rps >= TARGET_UNCACHED_RPS,
                "within_1_5x_of_bare": worst_bare_ratio <= TARGET_BARE_RATIO,
                "serialization_within_2x": ratio <= TARGET_RATIO,
            }
            if not args.cache_seconds
            else {
                "p99_under_50ms": worst_p99 < TARGET_P99_MS,
                "rps_at_least_600": lowest_rps >= TARGET_RPS,
                "serialization_within_2x": ratio <= TARGET_RATIO,
            }
        ),
        "endpoints": {path: figures | cpu[path] for path, figures in load.items()},
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
