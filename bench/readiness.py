"""Benchmark of readiness answers: 5 KB CVs and 3 KB job ads posted to the API at 16 connections, served by
gunicorn as production runs it (as ``bench/api.py`` starts it), on PostgreSQL with the seed content and demo postings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/careerhub_bench_readiness .venv/bin/python bench/readiness.py

1. Makes sure the database holds the seed content and ``--postings`` demo postings with their demand computed
   (20,000 take a few minutes the first time; later runs reuse them).
2. Writes ``--bodies`` CVs of 5 KB and job ads of 3 KB (seeded: the same every run), made of the taxonomy's
   names and aliases in everyday CV and job-ad sentences, each with a few skill slugs ticked.
3. In this process, for information: the median time of an answer (the service and its JSON) and of the bare
   work (the extraction alone plus the demand reads an answer needs) over the same bodies.
4. Load: gunicorn (``--workers`` sync workers, one per core by default, as ``gunicorn.conf.py`` serves) runs the
   site and ``bench/readiness_site.py``'s bare view, writing every request's server time to its access log
   (``%(D)s``). wrk (Debian package) posts the bodies round robin with 16 connections, in ``--rounds``
   rounds (2 s each) alternating CV -> ``/api/v1/readiness/``, CV -> bare, job ad -> ``/api/v1/postings/analyze/``,
   job ad -> bare, so each answer and its baseline see the same machine.

Figures per answer: p50 and p95 server time (pooled over the rounds), requests a second, and the ratio of its p95
to the bare p95 (the median of the rounds' ratios). Targets: p95 < 50 ms; ratio <= 2. Request limits are off for the
server (one address sends everything). The last line printed is one JSON object with every figure.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from common import print_figures  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_RATIO = 2.0
CV_BYTES, AD_BYTES = 5 * 1024, 3 * 1024
ANSWERS = {"readiness": "/api/v1/readiness/", "analyze": "/api/v1/postings/analyze/"}
BARE = "/bare/readiness/"

CV_SENTENCES = [
    "Built {a} pipelines with {b} and {c} for a team of twelve data scientists.",
    "Operated {a} in production and wired {b} into our on-call alerts.",
    "Migrated the training platform from {a} to {b}, halving the time to retrain.",
    "Hands-on with {a}, {b} and {c}; comfortable reading their source when the docs run out.",
    "Wrote the internal guide to {a} that new joiners still use.",
    "Mentored two junior engineers and ran the team's design reviews.",
    "Reduced cloud spend by about 30% by right-sizing instances and scheduling batch work at night.",
    "Worked closely with product managers to turn vague requests into measurable goals.",
    "Gave a talk at a local meetup about lessons learned from two years of on-call.",
    "Led the post-incident reviews and turned their findings into roadmap items.",
]
AD_SENTENCES = [
    "You will own our {a} platform end to end, from design to on-call.",
    "Strong experience with {a} and {b}; {c} is a plus.",
    "You will work with researchers to bring models to production using {a}.",
    "Requirements: 3+ years with {a}, solid {b}, and a habit of writing things down.",
    "We are a remote-first team of 40 people across Europe and North America.",
    "We offer a learning budget, flexible hours and a calm on-call rotation.",
    "Nice to have: {a}, {b} or similar tools.",
    "Our stack: {a}, {b}, {c} and a lot of boring, reliable glue.",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=20_000, help="Demo postings the database must hold.")
    parser.add_argument("--bodies", type=int, default=50, help="Distinct CVs and job ads (default 50 of each).")
    # Short runs, many rounds: the machine is shared, and a burst of someone else's load then spoils a round or
    # two of the median, not a whole answer's figures.
    parser.add_argument("--duration", type=int, default=2, help="Seconds of load per endpoint and round (default 2).")
    parser.add_argument("--rounds", type=int, default=7, help="Rounds alternating answers and bare views (default 7).")
    parser.add_argument("--connections", type=int, default=16, help="Concurrent connections (default 16).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn sync workers.")
    parser.add_argument("--port", type=int, default=8941, help="Loopback port for gunicorn.")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9",
                        help="CACHE_URL for the server (production's shared cache; '' for each worker's memory).")
    parser.add_argument("--repeats", type=int, default=100, help="In-process timings of each kind (default 100).")
    return parser.parse_args()


def ensure_data(count: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from postings.demand.engine import recompute_all
    from postings.models import Posting
    from segments.models import Segment

    call_command("migrate", verbosity=0)
    if not Segment.objects.exists():
        print("Loading the seed content...", flush=True)
        call_command("load_seed_content", verbosity=0)
    have = Posting.objects.count()
    if have < count:
        print(f"Loading demo postings up to {count:,} (have {have:,}); this takes a few minutes...", flush=True)
        call_command("load_demo_postings", count=count, verbosity=0)
        recompute_all()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return Posting.objects.count()


def write_texts(kind: str, count: int, size: int, seed: int) -> list[dict]:
    """``count`` bodies of about ``size`` bytes of text each, and a few ticked slugs (the same every run)."""
    from postings.models import Skill, SkillAlias

    names = list(Skill.objects.published().order_by("id").values_list("name", flat=True))
    names += list(SkillAlias.objects.filter(skill__status="published").order_by("id").values_list("text", flat=True))
    slugs = list(Skill.objects.published().order_by("id").values_list("slug", flat=True))
    sentences = CV_SENTENCES if kind == "cv" else AD_SENTENCES
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(part.encode()) + 1 for part in parts) < size:
            a, b, c = rng.sample(names, 3)
            parts.append(rng.choice(sentences).format(a=a, b=b, c=c))
        text = " ".join(parts)
        while len(text.encode()) > size:  # trim to the size, on a character boundary
            text = text[: -max(1, len(text.encode()) - size)]
        bodies.append({"text": text, "skills": rng.sample(slugs, 3 if kind == "cv" else 5)})
    return bodies


def in_process(cvs: list[dict], ads: list[dict], repeats: int) -> dict:
    """Median milliseconds of each answer and of its bare work, in this process (no HTTP), for information."""
    from curriculum.readiness.api import answer_data, job_ad_data
    from curriculum.readiness.selectors import segment_refs
    from curriculum.readiness.services import job_ad_analysis, readiness_answer
    from postings.demand.fragments import demand_tiers
    from postings.extraction import get_matcher

    def bare(body):
        get_matcher().find_all(body["text"])
        demand_tiers(segment_ids=[segment.id for segment in segment_refs()])

    def timed(function, bodies) -> float:
        function(bodies[0])  # warm: the matcher, the connection, the demand cache
        samples = []
        for n in range(repeats):
            start = time.perf_counter()
            function(bodies[n % len(bodies)])
            samples.append(time.perf_counter() - start)
        return round(statistics.median(samples) * 1000, 3)

    figures = {
        "readiness_ms": timed(lambda body: json.dumps(answer_data(readiness_answer(**body))), cvs),
        "analyze_ms": timed(lambda body: json.dumps(job_ad_data(job_ad_analysis(**body))), ads),
        "bare_cv_ms": timed(bare, cvs),
        "bare_ad_ms": timed(bare, ads),
    }
    print(f"In process (median of {repeats}): {figures}")
    return figures


def lua_script(folder: Path, bodies: list[dict], name: str) -> Path:
    """A wrk script posting ``bodies`` (written as files) round robin, each thread from its own start."""
    for n, body in enumerate(bodies):
        (folder / f"{name}-{n}.json").write_text(json.dumps(body), encoding="utf-8")
    script = folder / f"{name}.lua"
    script.write_text(
        f"""
local bodies = {{}}
for i = 0, {len(bodies) - 1} do
  local file = assert(io.open("{folder}/{name}-" .. i .. ".json", "rb"))
  bodies[#bodies + 1] = file:read("*a")
  file:close()
end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function setup(thread) thread:set("start", math.random(#bodies)) end
function init(args) n = start or 0 end
function request()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
"""
    )
    return script


def start_server(args: argparse.Namespace, access_log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "CAREERHUB_API_ANON_RATE": "",
        "CAREERHUB_API_USER_RATE": "",
        "CAREERHUB_READINESS_RATE": "",
        "DJANGO_DEBUG": "0",
        "CACHE_URL": args.cache_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")), "--pythonpath", str(ROOT / "bench"),
            "readiness_site:application", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
            "--worker-class", "sync", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        # gunicorn.conf.py writes the access log to stdout as JSON lines (method, path, status, duration_ms)
        stdout=access_log.open("ab"),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/v1/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def wrk(url: str, script: Path, *, connections: int, duration: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", "--timeout", "5s",
         "-s", str(script), url],
        capture_output=True, text=True, timeout=duration + 60, check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "non_2xx": int(errors[1]) if errors else 0}


def server_times(log: Path, offset: int, path: str) -> tuple[list[float], int, int]:
    """Server times (ms) of the requests to ``path`` logged after ``offset``, the failures, and the new offset."""
    time.sleep(0.2)  # the last lines of the run reach the file
    with log.open("rb") as file:
        file.seek(offset)
        data = file.read()
    times, failures = [], 0
    for line in data.decode().splitlines():
        entry = json.loads(line) if line.startswith("{") else {}
        if entry.get("logger") == "gunicorn.access" and entry["path"] == path:
            times.append(float(entry["duration_ms"]))
            failures += not str(entry["status"]).startswith("2")
    return times, failures, offset + len(data)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(args, log: Path, scripts: dict[str, Path]) -> dict:
    """Each answer and the bare view on the same bodies, alternated over the rounds."""
    runs = {"readiness": ("cv", ANSWERS["readiness"]), "readiness-bare": ("cv", BARE),
            "analyze": ("ad", ANSWERS["analyze"]), "analyze-bare": ("ad", BARE)}
    base = f"http://127.0.0.1:{args.port}"
    offset = log.stat().st_size
    for kind, path in runs.values():  # warm every worker: the matcher, connections, the demand cache
        wrk(base + path, scripts[kind], connections=args.connections, duration=2)
    _, _, offset = server_times(log, offset, "")
    samples: dict[str, list[list[float]]] = {label: [] for label in runs}
    rates: dict[str, list[float]] = {label: [] for label in runs}
    failures = dict.fromkeys(runs, 0)
    for _ in range(args.rounds):
        for label, (kind, path) in runs.items():
            result = wrk(base + path, scripts[kind], connections=args.connections, duration=args.duration)
            times, failed, offset = server_times(log, offset, path)
            samples[label].append(times)
            rates[label].append(result["rps"])
            failures[label] += failed + result["non_2xx"]
    figures = {}
    for answer in ANSWERS:
        own, bare = samples[answer], samples[f"{answer}-bare"]
        pooled, pooled_bare = [t for run in own for t in run], [t for run in bare for t in run]
        ratios = [percentile(a, 0.95) / percentile(b, 0.95) for a, b in zip(own, bare, strict=True)]
        figures[answer] = {
            "requests": len(pooled),
            "p50_ms": round(percentile(pooled, 0.5), 2),
            "p95_ms": round(percentile(pooled, 0.95), 2),
            "rps": statistics.median(rates[answer]),
            "bare_p50_ms": round(percentile(pooled_bare, 0.5), 2),
            "bare_p95_ms": round(percentile(pooled_bare, 0.95), 2),
            "bare_rps": statistics.median(rates[f"{answer}-bare"]),
            "ratio": round(statistics.median(ratios), 2),
            "round_ratios": [round(ratio, 2) for ratio in ratios],
            "failures": failures[answer] + failures[f"{answer}-bare"],
        }
        row = figures[answer]
        print(f"{ANSWERS[answer]}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['rps']:.0f} req/s; bare "
              f"p95 {row['bare_p95_ms']} ms ({row['bare_rps']:.0f} req/s): {row['ratio']}x (rounds "
              f"{row['round_ratios']}), failures {row['failures']}")
    return figures


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is filled with demo postings).")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load: apt-get install -y wrk")
    import django

    django.setup()
    postings = ensure_data(args.postings)
    from postings.demand.cache import demand_generation_bump

    demand_generation_bump()  # figures cached by an earlier run (or earlier code) are not this run's
    cvs = write_texts("cv", args.bodies, CV_BYTES, seed=5)
    ads = write_texts("ad", args.bodies, AD_BYTES, seed=3)
    print(f"Database: {postings:,} postings; {len(cvs)} CVs of {CV_BYTES:,} bytes and {len(ads)} job ads of "
          f"{AD_BYTES:,} bytes")
    local = in_process(cvs, ads, args.repeats)

    from django.db import connections

    connections.close_all()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="readiness-bench-") as folder:
        folder = Path(folder)
        scripts = {"cv": lua_script(folder, cvs, "cv"), "ad": lua_script(folder, ads, "ad")}
        log = folder / "access.log"
        log.touch()
        server = start_server(args, log)
        try:
            figures = measure(args, log, scripts)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    worst_p95 = max(row["p95_ms"] for row in figures.values())
    worst_ratio = max(row["ratio"] for row in figures.values())
    print_figures({
        "date": datetime.date.today().isoformat(),
        "postings": postings,
        "bodies": args.bodies,
        "connections": args.connections,
        "workers": args.workers,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cache": "redis" if args.cache_url else "per-process memory",
        "load_average_1min_before": round(load_before, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "in_process": local,
        "answers": figures,
        "worst_p95_ms": worst_p95,
        "worst_ratio": worst_ratio,
        "targets_met": {
            "p95_under_50ms": worst_p95 < TARGET_P95_MS,
            "within_2x_of_bare": worst_ratio <= TARGET_RATIO,
            "no_failures": not any(row["failures"] for row in figures.values()),
        },
    })


if __name__ == "__main__":
    main()
