"""Benchmark: import N postings from JSON Lines into PostgreSQL, against the bare cost of the same work.

    .venv/bin/python bench/ingest.py [--count 100000] [--small 10000]

Generates N realistic postings (~2 KB of text each, skill mixes of the seed segments) as a JSON
Lines file, and times ``manage.py import_postings`` on it in a child process (end to end:
parsing, validation, extraction, rows, history, skill links, dirty marks, commit). In the same
run it times the bare baseline: the extractor alone over the same texts, and a PostgreSQL
``COPY`` of the same posting and skill-link rows (rolled back). It also imports a small file
(``--small`` rows) to show that peak memory does not grow with N.

Uses its own database (``careerhub_bench_ingest`` on the local PostgreSQL, or BENCH_DATABASE_URL),
recreated at each run. Tasks are queued on Redis database 15 and discarded, so the figures are
the import's own. The last line printed is one JSON object of the figures.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, bench_database_url, print_figures, recreate_database, setup_django

DATABASE_URL = bench_database_url("careerhub_bench_ingest")
BROKER_URL = "redis://127.0.0.1:6379/15"
TARGET_RATE = 10_000  # postings per second, end to end
TARGET_RATIO = 2.0  # import time / (extraction + COPY)

# Text around the requirements, as real postings have: it carries few skills but must be scanned.
BOILERPLATE = [
    "We offer a competitive salary, equity, a generous learning budget and flexible working hours.",
    "Our teams work in small groups with a lot of ownership, and we value clear writing and kind reviews.",
    "You will join a group of engineers who care about reliability, simplicity and helping each other grow.",
    "We are committed to an inclusive workplace and welcome applicants from every background.",
    "The role is hybrid, with two days a week in the office and the rest wherever you work best.",
    "You will work closely with data scientists, product managers and the security team.",
    "Our interview process has three steps: a conversation, a practical exercise and a team meeting.",
    "Benefits include health cover, a pension plan, parental leave and a yearly wellbeing allowance.",
    "We ship often, measure what we ship, and write post-incident reviews without blame.",
    "Tell us about a system you built, what broke, and what you would do differently next time.",
]
TEXT_LENGTH = 2000


def write_postings(path: Path, count: int, *, seed: int) -> list[tuple[str, str]]:
    """Write ``count`` postings as JSON Lines; return their (title, description) for the baselines."""
    from postings.demo import demo_rows

    rng = random.Random(seed)
    texts = []
    with path.open("w", encoding="utf-8") as file:
        for n, row in enumerate(demo_rows(count, seed=seed)):
            parts = [row["description"]]
            while sum(map(len, parts)) < TEXT_LENGTH:
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(BOILERPLATE))
            row |= {"description": " ".join(parts), "external_id": f"bench-{seed}-{n}", "source": "bench"}
            file.write(json.dumps(row) + "\n")
            texts.append((row["title"], row["description"]))
    return texts


def run_import(path: Path) -> dict:
    """Import ``path`` with the management command in a child process: wall time and peak memory."""
    env = os.environ | {"DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": BROKER_URL}
    command = [sys.executable, "manage.py", "import_postings", str(path), "--create-employers", "--no-progress"]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.stdout.read().decode(), child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"import_postings failed:\n{out}\n{err[-3000:]}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "summary": out.strip().splitlines()[-1]}


def time_baselines(texts: list[tuple[str, str]]) -> dict:
    """Extraction alone, then a COPY of the same posting and link rows (rolled back)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from careerhub.core.bulk import insert_rows
    from postings.extraction import get_matcher
    from postings.ingest.services import LINK_FIELDS, POSTING_FIELDS
    from postings.models import Employer, Posting, PostingSkill
    from segments.models import Segment

    matcher = get_matcher()
    started = time.perf_counter()
    found = [matcher.find(f"{title}\n{description}") for title, description in texts]
    extraction = time.perf_counter() - started

    employer = Employer.objects.order_by("pk").first() or Employer.objects.create(name="Bench employer")
    segment_id = Segment.objects.values_list("pk", flat=True).first()
    now, today = timezone.now(), datetime.date.today()
    posting_rows = [
        (
            "published",
            now,
            now,
            now,
            title,
            description,
            "",
            today,
            "",
            "copy",
            str(n),
            employer.pk,
            segment_id,
            "",
            None,
            *("", "", "", None, None, "", ""),  # remote, department, employment type, salary
            today,  # first seen
            None,  # closed
        )
        for n, (title, description) in enumerate(texts)
    ]
    with transaction.atomic():
        started = time.perf_counter()
        ids = insert_rows(Posting, POSTING_FIELDS, posting_rows, with_ids=True)
        links = [
            (posting_id, m.skill_id, "auto", m.text, m.start, m.end, "x", segment_id, today.replace(day=1))
            for posting_id, matches in zip(ids, found, strict=True)
            for m in matches
        ]
        insert_rows(PostingSkill, LINK_FIELDS, links)
        with connection.cursor() as cursor:  # deferred foreign keys are checked now, as at a commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        copy = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"extraction_seconds": extraction, "copy_seconds": copy, "links": len(links)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="postings in the large file (default %(default)s)")
    parser.add_argument("--small", type=int, default=10_000, help="postings in the small file (default %(default)s)")
    args = parser.parse_args()
    if not 0 < args.small <= args.count:
        parser.error("need 0 < --small <= --count")

    recreate_database(DATABASE_URL)
    setup_django(DATABASE_URL, BROKER_URL)
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder, "small.jsonl"), Path(folder, "large.jsonl")
        write_postings(small, args.small, seed=1)
        texts = write_postings(large, args.count, seed=2)
        print(f"Generated {args.small:,} + {args.count:,} postings, {large.stat().st_size / 2**20:.0f} MB.")
        small_run = run_import(small)
        print(f"Import of {args.small:,}: {small_run['seconds']:.1f} s, peak {small_run['peak_rss_mb']:.0f} MB.")
        large_run = run_import(large)
        print(f"Import of {args.count:,}: {large_run['seconds']:.1f} s, peak {large_run['peak_rss_mb']:.0f} MB.")
        print(large_run["summary"])
    base = time_baselines(texts)
    baseline = base["extraction_seconds"] + base["copy_seconds"]
    print(
        f"Baseline: extraction {base['extraction_seconds']:.1f} s + COPY {base['copy_seconds']:.1f} s "
        f"({base['links']:,} skill links)."
    )
    rate = args.count / large_run["seconds"]
    figures = {
        "postings": args.count,
        "import_seconds": round(large_run["seconds"], 2),
        "postings_per_second": round(rate),
        "extraction_seconds": round(base["extraction_seconds"], 2),
        "copy_seconds": round(base["copy_seconds"], 2),
        "ratio_to_baseline": round(large_run["seconds"] / baseline, 2),
        "peak_rss_mb_small": round(small_run["peak_rss_mb"]),
        "peak_rss_mb_large": round(large_run["peak_rss_mb"]),
        "small_postings": args.small,
        "meets_rate_target": rate >= TARGET_RATE,
        "meets_ratio_target": large_run["seconds"] / baseline <= TARGET_RATIO,
    }
    print_figures(figures)


if __name__ == "__main__":
    main()
