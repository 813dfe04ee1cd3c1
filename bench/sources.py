"""Benchmark: sync 5,000 postings from a local HTTP server in each provider's format, against ``import_postings``
of the same postings as JSON Lines, in the same run.

    .venv/bin/python bench/sources.py [--count 5000] [--rounds 2]

Generates N postings (~2 KB of text each, as ``bench/ingest.py`` does) and serves them from an HTTP server in
this process as a Greenhouse board, a Lever site, an Ashby board, a careers page with schema.org JobPosting
JSON-LD, and a JSON Lines feed. Each sync runs ``manage.py sync_sources --source ...`` in a child process, end
to end (fetch, parse, validate, extract, write, close, record the run); the baseline runs ``manage.py
import_postings`` in a child process on the same postings as a JSON Lines file. Each run writes new postings
(an employer of its own, so no posting is an exact duplicate of another run's). Each sync is paired with an
import run next to it (in turn before and after), and the figure of each kind is the median of its rounds'
ratios: the machine is shared, and its load moves both runs of a pair alike. The pause between two requests to
one host is off (one local server); everything else is as in production.

Uses its own database (``careerhub_bench_sources`` on the local PostgreSQL, or BENCH_DATABASE_URL), recreated
at each run. Tasks are queued on Redis database 15 and discarded, so the figures are the writes' own. The last
line printed is one JSON object of the figures.
"""

import argparse
import html
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from datetime import time as clock
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from common import ROOT, bench_database_url, print_figures, recreate_database, setup_django

DATABASE_URL = bench_database_url("careerhub_bench_sources")
BROKER_URL = "redis://127.0.0.1:6379/15"
TARGET_RATIO = 1.5  # sync time / import_postings time
KINDS = ("greenhouse", "lever", "ashby", "jsonld", "feed")
BOILERPLATE = [
    "We offer a competitive salary, equity, a generous learning budget and flexible working hours.",
    "Our teams work in small groups with a lot of ownership, and we value clear writing and kind reviews.",
    "You will work closely with data scientists, product managers and the security team.",
    "Benefits include health cover, a pension plan, parental leave and a yearly wellbeing allowance.",
    "We ship often, measure what we ship, and write post-incident reviews without blame.",
]


def postings(count: int, seed: int = 7) -> list[dict]:
    from postings.demo import demo_rows

    rng = random.Random(seed)
    rows = []
    for n, row in enumerate(demo_rows(count, seed=seed)):
        parts = [row["description"]]
        while sum(map(len, parts)) < 2000:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(BOILERPLATE))
        rows.append(row | {"description": " ".join(parts), "external_id": f"job-{n}"})
    return rows


def _ms(day: str) -> int:
    return int(datetime.combine(datetime.fromisoformat(day).date(), clock(12), tzinfo=UTC).timestamp() * 1000)


def bodies(rows: list[dict], base: str) -> dict[str, tuple[bytes, str]]:
    """Each provider's answer for the same postings: (body, content type) by path."""
    greenhouse = {"jobs": [
        {"id": n, "title": r["title"], "updated_at": f"{r['posted_on']}T12:00:00Z",
         "first_published": f"{r['posted_on']}T12:00:00Z", "location": {"name": "Remote"},
         "absolute_url": f"{base}/gh/{n}", "content": html.escape(f"<p>{r['description']}</p>"),
         "departments": [{"id": 1, "name": "Engineering"}], "offices": []}
        for n, r in enumerate(rows)
    ]}  # fmt: skip
    lever = [
        {"id": f"lv-{n}", "text": r["title"], "createdAt": _ms(r["posted_on"]), "hostedUrl": f"{base}/lv/{n}",
         "categories": {"location": "London", "team": "Platform", "commitment": "Full-time"},
         "description": f"<div>{r['description']}</div>", "descriptionPlain": r["description"], "lists": [],
         "workplaceType": "hybrid", "salaryRange": {"min": 90000, "max": 120000, "currency": "GBP",
                                                     "interval": "per-year-salary"}}
        for n, r in enumerate(rows)
    ]  # fmt: skip
    ashby = {"apiVersion": "1", "jobs": [
        {"id": f"ab-{n}", "title": r["title"], "location": "Berlin", "department": "Engineering", "isListed": True,
         "isRemote": False, "workplaceType": "OnSite", "employmentType": "FullTime",
         "publishedAt": f"{r['posted_on']}T12:00:00.000+00:00", "jobUrl": f"{base}/ab/{n}",
         "descriptionHtml": f"<p>{r['description']}</p>", "descriptionPlain": r["description"]}
        for n, r in enumerate(rows)
    ]}  # fmt: skip
    graph = [
        {"@type": "JobPosting", "identifier": {"@type": "PropertyValue", "value": f"ld-{n}"}, "title": r["title"],
         "description": f"<p>{r['description']}</p>", "datePosted": r["posted_on"], "employmentType": "FULL_TIME",
         "hiringOrganization": {"@type": "Organization", "name": "Bench"}, "url": f"{base}/ld/{n}"}
        for n, r in enumerate(rows)
    ]  # fmt: skip
    page = ('<!doctype html><html><head><script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@graph": graph}).replace("</", "<\\/")
            + "</script></head><body>Jobs</body></html>")  # fmt: skip
    feed = "".join(
        json.dumps({k: v for k, v in r.items() if k not in ("employer", "segment", "source")}) + "\n" for r in rows
    )
    return {
        "/v1/boards/bench/jobs": (json.dumps(greenhouse).encode(), "application/json"),
        "/v0/postings/bench": (json.dumps(lever).encode(), "application/json"),
        "/posting-api/job-board/bench": (json.dumps(ashby).encode(), "application/json"),
        "/careers": (page.encode(), "text/html; charset=utf-8"),
        "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
        "/feed.jsonl": (feed.encode(), "application/x-ndjson"),
    }


def serve(answers: dict[str, tuple[bytes, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body, content_type = answers.get(self.path.split("?")[0], (b"not found", "text/plain"))
            self.send_response(200 if self.path.split("?")[0] in answers else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def child(command: list[str]) -> float:
    env = os.environ | {"DATABASE_URL": DATABASE_URL, "CELERY_BROKER_URL": BROKER_URL,
                        "CAREERHUB_SOURCES_HOST_INTERVAL": "0"}  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return seconds


def add_sources(base: str, segment: str, round_number: int) -> dict[str, str]:
    from postings.services import employer_get_or_create
    from postings.sources.services import source_create
    from segments.models import Segment

    boards = {"greenhouse": "bench", "lever": "bench", "ashby": "bench", "jsonld": f"{base}/careers",
              "feed": f"{base}/feed.jsonl"}  # fmt: skip
    slugs = {}
    for kind in KINDS:
        employer, _ = employer_get_or_create(name=f"Bench {kind} {round_number}")
        source = source_create(kind=kind, board=boards[kind], employer=employer,
                               segment=Segment.objects.get(slug=segment), name=f"bench {kind} {round_number}",
                               base_url="" if kind in ("jsonld", "feed") else base)  # fmt: skip
        slugs[kind] = source.slug
    return slugs


def import_file(rows: list[dict], folder: str, segment: str, round_number) -> Path:
    path = Path(folder, f"import-{round_number}.jsonl")
    with path.open("w", encoding="utf-8") as file:
        for r in rows:
            file.write(json.dumps(r | {"employer": f"Bench import {round_number}", "segment": segment,
                                       "source": f"bench-import-{round_number}"}) + "\n")  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="postings per board (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, alternating the order (default %(default)s)")
    args = parser.parse_args()

    recreate_database(DATABASE_URL)
    setup_django(DATABASE_URL, BROKER_URL)
    from postings.sources.models import SourceRun
    from segments.models import Segment

    segment = Segment.objects.order_by("slug").values_list("slug", flat=True).first()
    rows = postings(args.count)
    answers: dict[str, tuple[bytes, str]] = {}
    server = serve(answers)  # the answers name the server's address: filled once it has one
    base = f"http://127.0.0.1:{server.server_address[1]}"
    answers.update(bodies(rows, base))
    sizes = {path: len(body) for path, (body, _) in answers.items()}
    print(f"{args.count:,} postings; answers of {max(sizes.values()) / 2**20:.1f} MB at most.")

    ratios_by_kind: dict[str, list[float]] = {kind: [] for kind in KINDS}
    seconds: dict[str, list[float]] = {name: [] for name in ("import", *KINDS)}
    with tempfile.TemporaryDirectory() as folder:
        for number in range(1, args.rounds + 1):
            slugs = add_sources(base, segment, number)
            for kind in KINDS:
                # Each sync is paired with an import of the same postings run next to it (in turn before and
                # after it), so a change of the shared machine's load moves both sides of the ratio alike.
                path = import_file(rows, folder, segment, f"{number}-{kind}")
                runs = {
                    "import": ["import_postings", str(path), "--create-employers", "--no-progress"],
                    kind: ["sync_sources", "--source", slugs[kind]],
                }
                order = ["import", kind] if (number + KINDS.index(kind)) % 2 else [kind, "import"]
                taken = {name: child(runs[name]) for name in order}
                seconds["import"].append(taken["import"])
                seconds[kind].append(taken[kind])
                ratios_by_kind[kind].append(taken[kind] / taken["import"])
                print(f"round {number}: {kind} {taken[kind]:.2f} s, import {taken['import']:.2f} s: "
                      f"{ratios_by_kind[kind][-1]:.2f}x", flush=True)  # fmt: skip
    server.shutdown()
    created = dict(SourceRun.objects.values_list("source__kind", "created").order_by("started_at"))
    ratios = {kind: round(statistics.median(values), 2) for kind, values in ratios_by_kind.items()}
    for kind in KINDS:
        print(f"{kind}: median {ratios[kind]:.2f}x import_postings (sync {statistics.median(seconds[kind]):.2f} s)")
    figures = {
        "postings": args.count,
        "rounds": args.rounds,
        "import_seconds_median": round(statistics.median(seconds["import"]), 2),
        **{f"{kind}_seconds_median": round(statistics.median(seconds[kind]), 2) for kind in KINDS},
        **{f"{kind}_ratio": ratios[kind] for kind in KINDS},
        "created_per_sync": created,
        "worst_ratio": max(ratios.values()),
        "meets_ratio_target": max(ratios.values()) <= TARGET_RATIO,
    }
    print_figures(figures)


if __name__ == "__main__":
    main()
