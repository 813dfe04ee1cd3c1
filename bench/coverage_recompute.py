"""Benchmark: recomputing curriculum coverage set-based, against one track at a time.

Builds a throwaway test database (SQLite by default; PostgreSQL with DATABASE_URL), loads the seed
content and the demo postings, adds TRACKS tracks of MODULES modules each, then times:

- baseline: ``compute_tracks([id])`` for every track in turn (what a per-track recompute costs);
- batched: ``compute_tracks(all ids)`` once (what the coverage drain and the full recompute do);
- a full ``recompute_all`` (compute, compare, store), and one module edit with its after-commit recompute.

Usage: ``.venv/bin/python bench/coverage_recompute.py [--tracks 300] [--modules 5]``.
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=300, help="extra tracks to create (default 300)")
    parser.add_argument("--modules", type=int, default=5, help="modules per extra track (default 5)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.CELERY_TASK_ALWAYS_EAGER = True
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tqdm import tqdm

        from careerhub.core.editorial import Status
        from curriculum.coverage import compute, engine
        from curriculum.coverage.models import CoverageMark
        from curriculum.models import Level, Module, Track
        from curriculum.services import module_set_skills
        from postings.models import Skill
        from segments.models import Segment

        call_command("load_seed_content", verbosity=0)
        call_command("load_demo_postings", verbosity=0)
        segments = list(Segment.objects.all())
        skills = list(Skill.objects.published().order_by("id"))
        levels = Level.values
        for n in tqdm(range(args.tracks), desc="tracks", unit="track"):
            track = Track.objects.create(
                title=f"Bench {n}",
                slug=f"bench-{n}",
                level=levels[n % len(levels)],
                summary="x",
                status=Status.PUBLISHED,
                published_at="2026-01-01T00:00Z",
            )
            track.segments.add(segments[n % len(segments)], segments[(n + 1) % len(segments)])
            for m in range(args.modules):
                module = Module.objects.create(
                    track=track,
                    order=m + 1,
                    title=f"M{m}",
                    slug=f"m{m}",
                    status=Status.PUBLISHED,
                    published_at="2026-01-01T00:00Z",
                )
                module.skills.add(*[skills[(n * 7 + m * 3 + k) % len(skills)] for k in range(4)])
        track_ids = list(Track.objects.order_by("id").values_list("id", flat=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # a live database has statistics; a freshly filled one has none yet

        start = time.perf_counter()
        with CaptureQueriesContext(connection) as baseline_queries:
            one_by_one = {}
            for track_id in track_ids:
                one_by_one.update(compute.compute_tracks([track_id]))
        baseline = time.perf_counter() - start

        start = time.perf_counter()
        with CaptureQueriesContext(connection) as batched_queries:
            batched_result = compute.compute_tracks(track_ids)
        batched = time.perf_counter() - start
        assert batched_result == one_by_one, "batched and per-track results differ"

        start = time.perf_counter()
        engine.recompute_all()
        full = time.perf_counter() - start

        # One editor's edit, committed: its marks (the track and its level's peers), then the after-commit
        # task (eager here) drains demand and coverage.
        module = Module.objects.filter(track__slug="bench-0").first()
        start = time.perf_counter()
        with transaction.atomic():
            module_set_skills(module=module, skills=skills[:3])
            marks = CoverageMark.objects.count()
        drain = time.perf_counter() - start
        assert not CoverageMark.objects.exists(), "the edit's marks were not drained after commit"

        figures = {
            "database": connection.vendor,
            "tracks": len(track_ids),
            "modules": Module.objects.count(),
            "baseline_per_track_s": round(baseline, 3),
            "baseline_queries": len(baseline_queries),
            "batched_s": round(batched, 3),
            "batched_queries": len(batched_queries),
            "speedup": round(baseline / batched, 1),
            "full_recompute_s": round(full, 3),
            "edit_marked_tracks": marks,
            "edit_commit_and_recompute_s": round(drain, 3),
        }
        for name, value in figures.items():
            print(f"{name:>28}: {value}")
        print(json.dumps(figures))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
