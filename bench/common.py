"""What the benchmarks share: a database of their own, Django set up on it, and the JSON last line."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def bench_database_url(name: str) -> str:
    """BENCH_DATABASE_URL, or a database called ``name`` on the local PostgreSQL."""
    return os.environ.get("BENCH_DATABASE_URL") or f"{POSTGRES}/{name}"


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's database: every run starts from the same empty state."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str, broker_url: str = "") -> None:
    """Point Django at the benchmark's database (and broker), migrate, and load the seed content."""
    os.environ["DATABASE_URL"] = database_url
    if broker_url:
        os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed_content", verbosity=0)


def print_figures(figures: dict) -> None:
    """The last line of every benchmark: one JSON object of its figures."""
    print(json.dumps(figures), flush=True)
