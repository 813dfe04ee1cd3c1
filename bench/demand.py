"""Benchmark: the demand engine on PostgreSQL, full and incremental, against bare SQL in the same run.

    .venv/bin/python bench/demand.py [--postings 1000000] [--skills-per-posting 8] [--reuse]

1. Full recompute: N postings with about 8 skills each are generated in SQL; the nightly full
   recompute (``recompute_all``) is timed against a bare ``GROUP BY`` of the same rows.
2. Incremental: the drain's time to apply one new posting (median of many). Informative only: the
   one-posting target is retired (docs/decisions/0004-demand-drain-one-path.md).
3. Freshness with a live Celery worker: a trickle of 20 postings a second (commit to summary
   updated, p50 and p95), then a burst of 10,000 postings (last commit to summaries settled
   and verified clean).

Uses its own database (``careerhub_bench_demand``, or BENCH_DATABASE_URL) and Redis database 14.
The last line printed is one JSON object of the figures.
"""

import argparse
import datetime
import gc
import os
import statistics
import subprocess
import sys
import threading
import time

from common import (
    ROOT,
    bench_database_url,
    generate_postings,
    generated_postings,
    print_figures,
    recreate_database,
    setup_django,
)

DATABASE_URL = bench_database_url("careerhub_bench_demand")
BROKER_URL = "redis://127.0.0.1:6379/14"
QUEUE = "bench-demand"
# The tables the drain churns: marks inserted and deleted by every write and drain, summary rows
# rewritten. Autovacuum keeps their dead rows in check; it is off on this machine's PostgreSQL, so
# without this a run would inherit every earlier run's dead rows (the claim scanned 80,000 of them).
CHURNED_TABLES = (
    "postings_demandmark", "postings_skilldemand", "postings_segmentmonthtotal", "postings_segmentdaycount",
    "curriculum_coveragemark",
)


def drop_incremental_postings() -> int:
    """Remove what an earlier run's incremental steps added, leaving the generated postings."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM postings_demandmark")
        cursor.execute("DELETE FROM postings_nearduplicate")
        cursor.execute(
            "DELETE FROM postings_historicalpostingskill WHERE posting_id IN "
            "(SELECT id FROM postings_posting WHERE source <> 'bench')"
        )
        cursor.execute(
            "DELETE FROM postings_postingskill WHERE posting_id IN "
            "(SELECT id FROM postings_posting WHERE source <> 'bench')"
        )
        cursor.execute("DELETE FROM postings_historicalposting WHERE source <> 'bench'")
        cursor.execute("DELETE FROM postings_posting WHERE source <> 'bench'")
        cursor.execute("VACUUM ANALYZE postings_posting")
        cursor.execute("VACUUM ANALYZE postings_postingskill")
        _vacuum_churned_tables(cursor)
        cursor.execute("SELECT count(*) FROM postings_postingskill")
        return cursor.fetchone()[0]


def settle_database() -> None:
    """Vacuum the churned tables and flush what the earlier steps wrote, so that no step pays for another.

    The full recompute and its baseline leave the buffers full of dirty pages; written out during the
    next step, they would be counted as its time.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        _vacuum_churned_tables(cursor)
        cursor.execute("CHECKPOINT")


def _vacuum_churned_tables(cursor) -> None:
    for table in CHURNED_TABLES:
        cursor.execute(f"VACUUM ANALYZE {table}")


def bare_group_by() -> float:
    """The same counts as the full recompute, as plain SQL with the rows fetched: the floor."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.segment_id, date_trunc('month', p.posted_on), ps.skill_id, count(*)
            FROM postings_postingskill ps JOIN postings_posting p ON p.id = ps.posting_id
            WHERE p.status = 'published' AND p.duplicate_of_id IS NULL AND ps.state <> 'rejected'
            GROUP BY 1, 2, 3
            """
        )
        cursor.fetchall()
        # Per segment and day, as the recompute counts them (the month totals are their sums).
        cursor.execute(
            """
            SELECT segment_id, posted_on, count(*) FROM postings_posting
            WHERE status = 'published' AND duplicate_of_id IS NULL GROUP BY 1, 2
            """
        )
        cursor.fetchall()
    return time.perf_counter() - started


def timed_full_recompute() -> tuple[float, int]:
    from postings.demand import engine

    started = time.perf_counter()
    _, written = engine.recompute_all(apply=True)
    return time.perf_counter() - started, written


def write_posting(n: int, segment, employer, skills_text: str) -> None:
    """One new posting through the one write path (a batch of one), as the API writes it."""
    from postings.ingest.services import postings_import

    row = {
        "employer": employer.name,
        "segment": segment.slug,
        "title": f"Bench posting {n}",
        "description": f"We use {skills_text}.",
        "posted_on": (datetime.date.today() - datetime.timedelta(days=n % 300)).isoformat(),
        "external_id": str(n),
    }
    report = postings_import([(1, row)], source="trickle")
    assert report.applied, report.summary()


def incremental_apply(samples: int, *, connections: int = 4) -> tuple[float, list[float]]:
    """Median seconds for the drain to apply one new posting (its ~8 cells and the totals), and per connection.

    The samples are taken on ``connections`` database connections in turn: where the scheduler places
    a connection's server process against this one shifts every round trip on a shared machine, and
    one placement should not decide the figure.
    """
    from django.db import connection

    from postings.demand import engine
    from postings.models import Employer
    from segments.models import Segment

    segment, employer = Segment.objects.first(), Employer.objects.first()
    engine.recompute_marked()
    # The full recompute before this step left the process with garbage to collect; collected now, not
    # in the middle of a timed drain (as timeit and pyperf do).
    gc.collect()
    times, medians = [], []
    for block in range(connections):
        connection.close()
        block_times = []
        for n in range(block * samples, (block + 1) * samples):
            write_posting(n, segment, employer, "Kubernetes, Terraform, MLflow, Kafka and Python")
            started = time.perf_counter()
            engine.recompute_marked()
            block_times.append(time.perf_counter() - started)
        medians.append(statistics.median(block_times))
        times += block_times
    return statistics.median(times), medians


def start_worker() -> subprocess.Popen:
    environment = os.environ | {"DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": BROKER_URL}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "careerhub", "worker", "--pool=solo", "--queues", QUEUE,
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def oldest_mark_age() -> float | None:
    from postings.demand.models import DemandMark

    oldest = DemandMark.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return oldest.timestamp() if oldest else None


def trickle(rate: float, seconds: float) -> list[float]:
    """Commit ``rate`` postings a second; return each one's delay from commit to its marks drained."""
    from django.db import connections

    from postings.models import Employer
    from segments.models import Segment

    segment, employer = Segment.objects.first(), Employer.objects.first()
    committed: list[float] = []
    fresh_at: dict[int, float] = {}
    stop = threading.Event()

    def watch() -> None:
        # A posting is fresh once no mark as old as its commit is left.
        try:
            while not stop.is_set() or len(fresh_at) < len(committed):
                oldest, now = oldest_mark_age(), time.time()
                for index, at in enumerate(committed):
                    if index not in fresh_at and (oldest is None or oldest > at):
                        fresh_at[index] = now
                time.sleep(0.01)
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    began = time.time()
    for n in range(int(rate * seconds)):
        time.sleep(max(0.0, began + n / rate - time.time()))
        write_posting(10_000 + n, segment, employer, "Kubernetes, Feast and Kafka")
        committed.append(time.time())
    stop.set()
    watcher.join(timeout=120)
    return [fresh_at[i] - at for i, at in enumerate(committed) if i in fresh_at]


def burst(count: int) -> tuple[float, int]:
    """Import ``count`` postings in commits of 1,000; seconds from the last commit to settled, and drift."""
    from postings.demand import engine
    from postings.demand.models import DemandMark
    from postings.ingest.services import postings_import
    from segments.models import Segment

    slugs = list(Segment.objects.values_list("slug", flat=True))
    rows = [
        {
            "external_id": f"burst-{n}",
            "title": f"Burst posting {n}",
            "employer": "Bench employer",
            "segment": slugs[n % len(slugs)],
            "posted_on": (datetime.date.today() - datetime.timedelta(days=n % 700)).isoformat(),
            "description": "Platform work with Kubernetes, Terraform, Airflow, MLflow, Prometheus and Spark.",
        }
        for n in range(count)
    ]
    for start in range(0, count, 1000):
        report = postings_import(enumerate(rows[start : start + 1000], start=1), source="burst")
        assert report.applied, report.summary()
    last_commit = time.perf_counter()
    while DemandMark.objects.exists():
        time.sleep(0.02)
    settled = time.perf_counter() - last_commit
    comparison = engine.compare(engine.stored_summaries(), engine.recount_everything())
    return settled, comparison.drift + comparison.pending


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1_000_000, help="postings for the full recompute")
    parser.add_argument("--skills-per-posting", type=int, default=8)
    parser.add_argument("--trickle-seconds", type=float, default=15.0)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the generated postings of an earlier run with the same --postings (drops what the "
             "incremental steps added); saves the generation's minutes",
    )
    args = parser.parse_args()

    reuse = args.reuse and generated_postings(DATABASE_URL) == args.postings
    if not reuse:
        recreate_database(DATABASE_URL)
    setup_django(DATABASE_URL, BROKER_URL)
    from careerhub.celery import app as celery_app

    celery_app.conf.task_default_queue = QUEUE
    with celery_app.connection_for_write() as broker:
        broker.default_channel.queue_purge(QUEUE)

    started = time.perf_counter()
    if reuse:
        links = drop_incremental_postings()
        print(f"Reusing {args.postings:,} generated postings and {links:,} skill links.")
    else:
        links = generate_postings(args.postings, args.skills_per_posting)
        seconds = time.perf_counter() - started
        print(f"Generated {args.postings:,} postings and {links:,} skill links in {seconds:.0f} s.")
    first, cells = timed_full_recompute()
    print(f"First full recompute (writes {cells:,} summary rows): {first:.1f} s.")
    bare = bare_group_by()
    full, _ = timed_full_recompute()
    bare_again = bare_group_by()
    bare = min(bare, bare_again)
    print(f"Full recompute: {full:.2f} s; bare GROUP BY of the same rows: {bare:.2f} s ({full / bare:.2f}x).")

    settle_database()
    load_before = os.getloadavg()[0]
    one, per_connection = incremental_apply(50)
    load = max(load_before, os.getloadavg()[0])
    medians = ", ".join(f"{m * 1000:.1f}" for m in per_connection)
    print(f"Applying one new posting: {one * 1000:.1f} ms (median of 200 on 4 connections: {medians} ms; "
          f"load average {load:.1f} on {os.cpu_count()} CPUs).")

    worker = start_worker()
    try:
        time.sleep(5)  # the worker connects before the trickle starts
        delays = sorted(trickle(20, args.trickle_seconds))
        p50, p95 = statistics.median(delays), delays[int(0.95 * (len(delays) - 1))]
        print(f"Trickle of 20/s: {len(delays)} postings, freshness p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms.")
        settled, drift = burst(args.burst)
        print(f"Burst of {args.burst:,}: settled {settled:.2f} s after the last commit; drift {drift}.")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still busy with a task queued by the burst
            worker.kill()
            worker.wait()

    print_figures(
        {
            "postings": args.postings,
            "skill_links": links,
            "full_recompute_seconds": round(full, 2),
            "bare_group_by_seconds": round(bare, 2),
            "full_to_bare_ratio": round(full / bare, 2),
            "first_full_recompute_seconds": round(first, 2),
            "incremental_one_posting_ms": round(one * 1000, 2),
            "incremental_per_connection_ms": [round(m * 1000, 2) for m in per_connection],
            "incremental_load_average": round(load, 2),
            "trickle_p50_ms": round(p50 * 1000),
            "trickle_p95_ms": round(p95 * 1000),
            "burst_postings": args.burst,
            "burst_settled_seconds": round(settled, 2),
            "burst_drift": drift,
            "meets_full_ratio": full / bare <= 1.5,
            "meets_full_under_10s": full < 10,
            "meets_trickle_p95_1s": p95 < 1.0,
            "meets_burst_5s": settled < 5 and drift == 0,
        }
    )


if __name__ == "__main__":
    main()
