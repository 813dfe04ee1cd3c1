"""Server time of every public page type with 1,000,000 postings on PostgreSQL, against the bare cost of its SQL.

    .venv/bin/python bench/pages.py [--postings 1000000] [--reuse] [--requests 60]

1. Data (database ``careerhub_bench_pages``, or BENCH_DATABASE_URL; recreated unless ``--reuse`` finds
   it complete): the seed content, ``--employers`` employers, and ``--postings`` published postings
   with 8 skills each generated set-based in SQL by the demand benchmark's generator
   (``common.generate_postings``: the seed segments, the taxonomy's skills, 24 months of dates), with
   titles, descriptions naming their skills and evidence spans; then the demand summaries and the
   curriculum coverage computed by the project's own commands (``recompute_demand --full``,
   ``recompute_coverage --full``) and ``VACUUM ANALYZE``. About 6 minutes for a million postings.
2. Pages: every URL pattern of the site outside the admin and the API (bench/api.py measures it),
   read from the URL conf. ``PAGES`` gives the URLs of each page type (several objects, cycled, so no
   single one flatters the figures) and the extra page types of a pattern (a filtered list); a
   pattern without a line there is measured at its bare path, or reported as not measured when it
   needs arguments: a new page type is one line in ``PAGES``.
3. For each page type, through Django's test client in this process (anonymous, demand fragments
   and the search's compiled SQL warm as in steady state): p50/p95 of ``--requests`` requests after a
   warm-up, the p95 of a few requests right after the demand cache was invalidated and the search's
   SQL dropped (cold: a query searched for the first time), the largest response, the query
   count, and the bare cost of the page's SQL: the queries captured from a warm request of each of
   its URLs, re-run alone with a cursor the same number of times (p95).

Targets: p95 server time under 50 ms (warm) and responses under 150 KB for every HTML page type.
The robots.txt and sitemaps are measured too, as files for crawlers: the time target applies to
them, the size target does not (a sitemap page holds up to 10,000 URLs, as the protocol allows
50,000). Prints a table and, last, one JSON object of the figures.
"""

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from common import (
    GENERATED_SOURCE,
    bench_database_url,
    generate_postings,
    print_figures,
    recreate_database,
    setup_django,
)

os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
DATABASE_URL = bench_database_url("careerhub_bench_pages")
TARGET_P95_MS = 50.0
TARGET_KB = 150.0
SKILLS_PER_POSTING = 8
NO_SUCH_WORD = "zyzzyva"  # a word in no posting: what a search for a rare word costs
# URL conf prefixes that are not public pages: the admin is for editors, the API has bench/api.py, the
# health and metrics endpoints are for the operators' probes (/metrics answers 404 to anyone else).
NOT_PAGES = ("admin", "api/", "healthz", "readyz", "metrics")
# Words employers' names are made of: 40 x 50 distinct names.
NAME_FIRST = str.split(
    "Northwind Harbor Meridian Cedar Granite Bluewater Skyline Helix Quanta Ledgerline Cobalt Aster Lumen Willow "
    "Orbit Paragon Summit Beacon Crescent Evergreen Falcon Glacier Horizon Ironwood Juniper Keystone Lakeside "
    "Maple Nimbus Oakridge Pinnacle Redwood Sterling Tidewater Union Vantage Westfield Yellowstone Zenith Atlas"
)
NAME_SECOND = str.split(
    "Cloud Bank Health Retail Logistics Insurance Payments Capital Biotech Diagnostics Media Manufacturing "
    "Energy Telecom Analytics Software Systems Labs Robotics Security Markets Foods Motors Airlines Pharma "
    "Clinics Foundry Networks Games Mobility Data Devices Semiconductors Travel Education Realty Utilities "
    "Chemicals Aerospace Shipping Textiles Agritech Finance Genomics Studios Instruments Water Materials Fintech "
    "Streaming"
)


def employer_names(count: int) -> list[str]:
    names = [f"{first} {second}" for second in NAME_SECOND for first in NAME_FIRST]
    return [names[n % len(names)] + (f" {n // len(names) + 1}" if n >= len(names) else "") for n in range(count)]


def database_ready(postings: int) -> bool:
    """The database holds ``postings`` generated postings and the summaries computed from them."""
    import psycopg

    try:
        with psycopg.connect(DATABASE_URL) as conn:
            generated, summarised = conn.execute(
                """
                SELECT (SELECT count(*) FROM postings_posting WHERE source = %s),
                       EXISTS (SELECT 1 FROM postings_demandrun WHERE kind = 'full' AND finished_at IS NOT NULL
                               AND error = '' AND started_at > (SELECT max(created_at) FROM postings_posting))
                       AND EXISTS (SELECT 1 FROM curriculum_trackcoverage)
                """,
                [GENERATED_SOURCE],
            ).fetchone()
    except psycopg.Error:
        return False
    return generated == postings and summarised


def load_data(postings: int, employers: int) -> None:
    """Postings and their skill links in SQL, then the summaries through the project's own commands."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils.text import slugify

    from postings.models import Employer

    started = time.perf_counter()
    created = Employer.objects.bulk_create(Employer(name=n, slug=slugify(n)) for n in employer_names(employers))
    links = generate_postings(
        postings, SKILLS_PER_POSTING, employers=[(e.pk, e.name) for e in created], texts=True
    )
    print(f"Generated {postings:,} postings and {links:,} skill links in {time.perf_counter() - started:.0f} s.",
          flush=True)
    for command in ("recompute_demand", "recompute_coverage"):
        step = time.perf_counter()
        call_command(command, "--full", stdout=sys.stdout)
        print(f"  {command} --full: {time.perf_counter() - step:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Data ready in {time.perf_counter() - started:.0f} s.", flush=True)


@dataclass(frozen=True)
class Samples:
    """Published objects the pages are read for, spread over each kind (first, middle, last)."""

    segments: list[str]
    tracks: list[str]
    modules: list[tuple[str, str]]
    skills: list[str]
    postings: list[int]
    employers: list[str]
    published_postings: int

    @classmethod
    def read(cls, per_kind: int = 8) -> "Samples":
        from curriculum.models import Module, Track
        from postings.models import Employer, Posting, Skill
        from segments.models import Segment

        def spread(values: list) -> list:
            step = max(1, len(values) // per_kind)
            return values[::step][:per_kind]

        published = Posting.objects.published()
        newest = list(published.order_by("-posted_on", "-id").values_list("pk", flat=True)[:per_kind // 2])
        oldest = list(published.order_by("posted_on", "id").values_list("pk", flat=True)[:per_kind // 2])
        return cls(
            segments=list(Segment.objects.published().values_list("slug", flat=True)),
            tracks=list(Track.objects.published().values_list("slug", flat=True)),
            modules=spread(list(Module.objects.published().filter(track__status="published")
                                .order_by("track__slug", "slug").values_list("track__slug", "slug"))),
            skills=spread(list(Skill.objects.published().order_by("slug").values_list("slug", flat=True))),
            postings=newest + oldest,
            employers=spread(list(Employer.objects.order_by("slug").values_list("slug", flat=True))),
            published_postings=published.count(),
        )


def url(name: str, *args, **query) -> str:
    from django.urls import reverse

    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


def _posting_filters(s: Samples) -> list[str]:
    name = "postings:posting-list"
    return [
        url(name, segment=s.segments[0], skill=s.skills[0]),
        url(name, employer=s.employers[0]),
        url(name, employer_name=s.employers[-1].split("-")[0]),
        url(name, segment=s.segments[-1], posted_from="2026-01-01", posted_to="2026-03-31"),
        url(name, skill=s.skills[-1], posted_from="2025-06-01"),
    ]


# (URL name, page type, its URLs from the samples): one line per page type. A URL name not in the URL
# conf is skipped (a page type announced before its view lands); a URL pattern without a line here is
# measured at its bare path.
PAGES: list[tuple[str, str, Callable[[Samples], list[str]]]] = [
    ("home", "home", lambda s: [url("home")]),
    ("segments:list", "segment list", lambda s: [url("segments:list")]),
    ("segments:detail", "segment", lambda s: [url("segments:detail", slug) for slug in s.segments]),
    ("segments:compare", "segment compare", lambda s: [
        url("segments:compare", a=a, b=b) for a, b in zip(s.segments, s.segments[1:], strict=False)
    ]),
    ("curriculum:track-list", "track list", lambda s: [
        url("curriculum:track-list"), url("curriculum:track-list", level="senior"),
        url("curriculum:track-list", segment=s.segments[0]),
    ]),
    ("curriculum:track-detail", "track", lambda s: [url("curriculum:track-detail", slug) for slug in s.tracks]),
    ("curriculum:track-coverage", "track coverage", lambda s: [
        url("curriculum:track-coverage", slug) for slug in s.tracks
    ]),
    ("curriculum:module-detail", "module", lambda s: [url("curriculum:module-detail", *m) for m in s.modules]),
    ("postings:skill-list", "skill list", lambda s: [
        url("postings:skill-list"), url("postings:skill-list", q="data"),
        url("postings:skill-list", category="containers-orchestration"),
    ]),
    ("postings:skill-detail", "skill", lambda s: [url("postings:skill-detail", slug) for slug in s.skills]),
    ("postings:posting-list", "posting list", lambda s: [url("postings:posting-list")]),
    ("postings:posting-list", "posting list, page 50", lambda s: [url("postings:posting-list", page=50)]),
    ("postings:posting-list", "posting list, filtered", _posting_filters),
    ("postings:posting-list", "posting list, words", lambda s: [
        url("postings:posting-list", q=q) for q in ("kubernetes", "platform engineer", "genomics")
    ]),
    ("postings:posting-list", "posting list, no match", lambda s: [url("postings:posting-list", q=NO_SUCH_WORD)]),
    ("postings:posting-detail", "posting", lambda s: [url("postings:posting-detail", pk) for pk in s.postings]),
    ("search", "search", lambda s: [
        url("search", q="kubernetes"), url("search", q="model risk"), url("search", q="feature store"),
        url("search", q="terraform aws"),
    ]),
    ("search", "search, no match", lambda s: [url("search", q=NO_SUCH_WORD)]),
    ("sitemap-section", "sitemap section", lambda s: [
        url("sitemap-section", section) for section in ("pages", "segments", "tracks", "modules", "skills")
    ]),
    ("sitemap-section", "sitemap of postings", lambda s: [  # its first page and its last
        url("sitemap-section", "postings"), url("sitemap-section", "postings", p=math.ceil(s.published_postings / 1e4)),
    ]),
]


def url_patterns() -> list[tuple[str, str, bool]]:
    """(URL name, route, takes arguments) of every named public pattern of the URL conf."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(NOT_PAGES):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append((namespace + pattern.name, route, bool(pattern.pattern.regex.groupindex)))

    walk(get_resolver().url_patterns, "", "")
    return found


def page_types(samples: Samples) -> tuple[dict[str, list[str]], list[str]]:
    """The URLs of each page type, and the patterns that could not be measured (arguments, no line in PAGES)."""
    patterns = url_patterns()
    names = {name for name, _, _ in patterns}
    pages = {label: urls(samples) for name, label, urls in PAGES if name in names}
    listed = {name for name, _, _ in PAGES}
    unmeasured = []
    for name, route, takes_arguments in patterns:
        if name in listed:
            continue
        if takes_arguments:
            unmeasured.append(f"{name} (/{route})")
        else:
            pages[name] = [url(name)]
    return pages, unmeasured


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Requests:
    """Timed requests of one page type: wall and CPU milliseconds of each, the largest response, HTML or not."""

    times: list[float]
    cpu: list[float]
    size: int = 0
    html: bool = True


def measure(client, urls: list[str], requests: int) -> Requests:
    """``requests`` requests of the URLs in turn.

    The CPU time is this process's alone (Django, templates, the driver), not the database server's:
    set against the wall time it shows how much of a page's time was spent waiting for a core that
    other work on the machine held.
    """
    timed = Requests([], [])
    for n in range(requests):
        address = urls[n % len(urls)]
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(address)
        timed.times.append((time.perf_counter() - start) * 1000)
        timed.cpu.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (address, response.status_code)
        timed.size = max(timed.size, len(response.content))
        timed.html = timed.html and response["Content-Type"].startswith("text/html")
    return timed


def bare_queries(client, urls: list[str], requests: int) -> tuple[list[float], int]:
    """The page's own SQL, captured once per URL (warm) and run alone through the same connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    captured = []
    for address in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(address)
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


def page_figures(client, urls: list[str], requests: int, cold_requests: int) -> dict:
    from careerhub.search import _search_sql
    from postings.demand.cache import demand_generation_bump

    measure(client, urls, len(urls) * 2)  # warm the demand fragments, the search's SQL and the connection
    warm = measure(client, urls, requests)
    cold = []
    for n in range(cold_requests):
        # What the pages keep, dropped: the demand fragments, and the SQL of the searches (a query searched
        # for the first time in this process).
        demand_generation_bump()
        _search_sql.cache_clear()
        cold += measure(client, [urls[n % len(urls)]], 1).times
    measure(client, urls, len(urls))  # warm again: the bare queries are those of a warm page
    sql, queries = bare_queries(client, urls, requests)
    kb, html = warm.size / 1024, warm.html
    return {
        "kind": "html" if html else "file",
        "urls": len(urls),
        "p50_ms": round(statistics.median(warm.times), 1),
        "p95_ms": round(p95(warm.times), 1),
        "cpu_p50_ms": round(statistics.median(warm.cpu), 1),
        "cold_p95_ms": round(p95(cold), 1),
        "sql_p95_ms": round(p95(sql), 1),
        "ratio": round(p95(warm.times) / max(p95(sql), 0.01), 1),
        "queries": queries,
        "kb": round(kb, 1),
        "meets_p95": p95(warm.times) < TARGET_P95_MS,
        "meets_kb": kb < TARGET_KB if html else None,
    }


def print_row(name: str, row: dict) -> None:
    met = "yes" if row["meets_p95"] and row["meets_kb"] is not False else "NO"
    print(
        f"{name:24} {row['p50_ms']:7} {row['p95_ms']:7} {row['cpu_p50_ms']:7} {row['cold_p95_ms']:9} "
        f"{row['sql_p95_ms']:8} {row['ratio']:6} {row['queries']:7} {row['kb']:7} {met:>4}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1_000_000, help="Generated postings the database holds.")
    parser.add_argument("--employers", type=int, default=2_000, help="Employers the postings are spread over.")
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per page type (warm).")
    parser.add_argument("--cold", type=int, default=8, help="Timed requests per page type with a cold cache.")
    parser.add_argument("--only", nargs="+", metavar="PAGE_TYPE", help="Measure only these page types (as printed).")
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the database of an earlier run with the same --postings when it is complete (skips the "
             "generation and the recomputes)",
    )  # fmt: skip
    args = parser.parse_args()

    reuse = args.reuse and database_ready(args.postings)
    if not reuse:
        recreate_database(DATABASE_URL)
    setup_django(DATABASE_URL)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from postings.models import Posting

    if reuse:
        print(f"Reusing {args.postings:,} generated postings and their summaries.")
    else:
        load_data(args.postings, args.employers)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import careerhub.wsgi  # noqa: F401  what a web process sets up (its database sessions), as gunicorn loads it

    connection.close()  # the next session is a web process's
    pages, unmeasured = page_types(Samples.read())
    if args.only:
        pages = {name: urls for name, urls in pages.items() if name in args.only}
    client = Client()
    load_before = os.getloadavg()[0]
    print(f"{Posting.objects.published().count():,} published postings; {args.requests} requests per page type; "
          f"load average {load_before:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page type':24} {'p50 ms':>7} {'p95 ms':>7} {'CPU p50':>7} {'cold p95':>9} {'SQL p95':>8} {'ratio':>6} "
          f"{'queries':>7} {'KB':>7} {'met':>4}")
    figures = {}
    for name, urls in pages.items():
        figures[name] = page_figures(client, urls, args.requests, args.cold)
        print_row(name, figures[name])
    for pattern in unmeasured:
        print(f"not measured: {pattern}: it takes arguments; add its line to PAGES in bench/pages.py")
    html = [row for row in figures.values() if row["kind"] == "html"]
    missed = [name for name, row in figures.items() if not row["meets_p95"] or row["meets_kb"] is False]
    print_figures(
        {
            "postings": Posting.objects.published().count(),
            # Other work on the machine inflates every figure alike; the ratio to the bare SQL moves less.
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "cpus": os.cpu_count(),
            "requests": args.requests,
            "worst_p95_ms": max(row["p95_ms"] for row in figures.values()),
            "largest_html_kb": max(row["kb"] for row in html),
            "p95_under_50ms": all(row["meets_p95"] for row in figures.values()),
            "html_under_150kb": all(row["meets_kb"] for row in html),
            "targets_met": not missed and not unmeasured,
            "missed": missed,
            "not_measured": unmeasured,
            "pages": figures,
        }
    )


if __name__ == "__main__":
    main()
