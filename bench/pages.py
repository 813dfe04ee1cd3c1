"""Server time of every public page type with 100,000 postings on PostgreSQL, against the bare cost of its queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careerhub_bench .venv/bin/python bench/pages.py

Loads the seed content and the demo postings into that database when it has fewer than --postings
(about 5 minutes for 100,000; later runs reuse them), then for each page type: renders it --requests
times through Django's test client (demand fragments warm, as in steady state), renders it again
right after the demand cache was invalidated (cold), and re-runs the page's own SQL alone the same
number of times. Prints a table and, last, one JSON object of the figures.
Targets: p95 server time under 50 ms per page type (warm), pages under 150 KB.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

TARGET_P95_MS = 50.0
TARGET_KB = 150.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ensure_data(postings: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from postings.demand.engine import recompute_all
    from postings.models import Posting
    from segments.models import Segment

    call_command("migrate", verbosity=0)
    if not Segment.objects.exists():
        print("Loading the seed content…", flush=True)
        call_command("load_seed_content", stdout=io.StringIO())
    have = Posting.objects.count()
    if have < postings:
        print(f"Loading {postings:,} demo postings ({have:,} present; about 3 ms each)…", flush=True)
        call_command("load_demo_postings", "--count", str(postings), stdout=sys.stdout, stderr=sys.stderr)
        recompute_all()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def page_types() -> dict[str, list[str]]:
    """A few URLs per page type, cycled through, so no single object flatters the figures."""
    from curriculum.models import Module, Track
    from postings.models import Posting, Skill
    from segments.models import Segment

    segments = [s.get_absolute_url() for s in Segment.objects.published()]
    tracks = [t.get_absolute_url() for t in Track.objects.published()]
    modules = [m.get_absolute_url() for m in Module.objects.published().select_related("track")[:8]]
    skills = [s.get_absolute_url() for s in Skill.objects.published().order_by("?")[:8]]
    top_skills = ["kubernetes", "python", "mlflow", "terraform"]
    postings = [p.get_absolute_url() for p in Posting.objects.published().order_by("?")[:8]]
    seg_slugs = list(Segment.objects.published().values_list("slug", flat=True))
    return {
        "home": ["/"],
        "segment list": ["/segments/"],
        "segment": segments,
        "track list": ["/tracks/", "/tracks/?level=senior", "/tracks/?segment=" + seg_slugs[0]],
        "track": tracks,
        "module": modules,
        "skill list": ["/skills/", "/skills/?q=data", "/skills/?category=" + "containers-orchestration"],
        "skill": skills,
        "posting list": ["/postings/", "/postings/?page=7", "/postings/?posted_from=2026-01-01"],
        "posting list, filtered": [
            f"/postings/?segment={s}&skill={k}" for s, k in zip(seg_slugs, top_skills, strict=False)
        ],
        "posting": postings,
        "search": [
            "/search/?q=kubernetes",
            "/search/?q=model+risk",
            "/search/?q=feature+store",
            "/search/?q=terraform+aws",
        ],
    }


def measure(client, urls: list[str], requests: int) -> tuple[list[float], int]:
    times, size = [], 0
    for n in range(requests):
        url = urls[n % len(urls)]
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = max(size, len(response.content))
    return times, size


def bare_queries(client, urls: list[str], requests: int) -> tuple[list[float], int]:
    """The page's own SQL, captured once per URL (warm) and run alone through the same connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    captured = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        captured.append([q["sql"] for q in queries.captured_queries])
    times = []
    with connection.cursor() as cursor:
        for n in range(requests):
            start = time.perf_counter()
            for sql in captured[n % len(captured)]:
                cursor.execute(sql)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return times, max(len(q) for q in captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=100_000, help="Postings the database must hold.")
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per page type (warm).")
    parser.add_argument("--cold", type=int, default=8, help="Timed requests per page type with a cold cache.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from postings.demand.cache import demand_generation_bump
    from postings.models import Posting

    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ensure_data(args.postings)
    client = Client()
    figures = {}
    print(f"{Posting.objects.published().count():,} published postings; {args.requests} requests per page type; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'page type':24} {'p50 ms':>7} {'p95 ms':>7} {'cold p95':>9} {'SQL p95':>8} {'ratio':>6} {'queries':>7} "
        f"{'KB':>6}"
    )
    for name, urls in page_types().items():
        measure(client, urls, len(urls) * 2)  # warm the demand fragments and the connection
        warm, size = measure(client, urls, args.requests)
        cold = []
        for n in range(args.cold):
            demand_generation_bump()
            cold += measure(client, [urls[n % len(urls)]], 1)[0]
        measure(client, urls, len(urls))  # warm again: the bare queries are those of a warm page
        sql, queries = bare_queries(client, urls, args.requests)
        row = {
            "p50_ms": round(statistics.median(warm), 1),
            "p95_ms": round(p95(warm), 1),
            "cold_p95_ms": round(p95(cold), 1),
            "sql_p95_ms": round(p95(sql), 1),
            "ratio": round(p95(warm) / max(p95(sql), 0.01), 1),
            "queries": queries,
            "kb": round(size / 1024, 1),
        }
        figures[name] = row
        print(
            f"{name:24} {row['p50_ms']:7} {row['p95_ms']:7} {row['cold_p95_ms']:9} {row['sql_p95_ms']:8} "
            f"{row['ratio']:6} {queries:7} {row['kb']:6}",
            flush=True,
        )
    result = {
        "postings": Posting.objects.published().count(),
        # Other work on the machine inflates every figure alike; the ratio to the bare SQL cost does not move as much.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "requests": args.requests,
        "worst_p95_ms": max(row["p95_ms"] for row in figures.values()),
        "largest_kb": max(row["kb"] for row in figures.values()),
        "p95_under_50ms": all(row["p95_ms"] < TARGET_P95_MS for row in figures.values()),
        "pages_under_150kb": all(row["kb"] < TARGET_KB for row in figures.values()),
        "pages": figures,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
