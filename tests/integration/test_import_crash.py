"""A posting import killed in the middle of a file leaves nothing behind, and can simply be run again."""

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from postings.demand.models import DemandMark
from postings.demo import demo_rows
from postings.models import Employer, Posting, PostingSkill
from tests.factories import SegmentFactory, SkillFactory
from tests.integration.conftest import database_url_for_worker, wait_for

pytestmark = pytest.mark.integration

# The progress bar redraws at most every half second, so the file must take several seconds to
# import: on a fast host a small one is done before its first redraw, and there is nothing to kill.
ROWS = 10_000
BATCH = 1000  # postings_import writes a batch at a time; the kill comes after one was written


APPLICATION = "careerhub-import-crash-test"


def import_backends() -> int:
    """The import's own connections (named through libpq's PGAPPNAME), whatever else is connected."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [APPLICATION],
        )
        return cursor.fetchone()[0]


def write_file(path) -> None:
    with path.open("w") as file:
        for row in demo_rows(ROWS, seed=99):
            file.write(json.dumps(row | {"source": "crash"}) + "\n")


def run_import(path, environment) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_postings", str(path), "--create-employers"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def rows_reported(stream) -> int:
    """Read the progress bar until it reports a written batch; return the count it showed."""
    buffer = b""
    while chunk := stream.read1(4096):
        buffer += chunk
        counts = [int(n) for n in re.findall(rb"(\d+) rows", buffer)]
        if counts and max(counts) >= BATCH:
            return max(counts)
    raise AssertionError(f"the import ended before a batch was written: {buffer[-2000:]!r}")


def test_an_import_killed_mid_file_leaves_nothing_and_runs_again(transactional_db, tmp_path):
    # given: the segments and skills the file names, committed where another process sees them
    for segment in ("big-tech", "financial-services", "healthcare", "enterprise"):
        SegmentFactory(slug=segment, name=segment.replace("-", " ").title())
    for name in ("Kubernetes", "Terraform", "Python", "MLflow", "Kafka"):
        SkillFactory(name=name)
    path = tmp_path / "postings.jsonl"
    write_file(path)
    environment = {**os.environ, "DATABASE_URL": database_url_for_worker(), "PGAPPNAME": APPLICATION}
    environment.pop("CELERY_BROKER_URL", None)  # tasks would run after commit, which never comes

    # when: the import is killed once it has written a batch inside its transaction
    process = run_import(path, environment)
    try:
        assert rows_reported(process.stderr) < ROWS
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    # then: the server rolls the transaction back and nothing it wrote is left
    # (a backend busy with a batch notices its client has gone only when it next talks to it)
    wait_for(lambda: import_backends() == 0, timeout=120, message="the killed import's connection closed")
    assert Posting.objects.count() == 0
    assert Posting.history.count() == 0
    assert PostingSkill.objects.count() == 0
    assert DemandMark.objects.count() == 0
    assert not Employer.objects.exists()

    # and: the same file imports whole on the next run
    rerun = run_import(path, environment)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()[-3000:]
    assert f"{ROWS:,} created".encode() in out
    assert Posting.objects.filter(source="crash").count() == ROWS
