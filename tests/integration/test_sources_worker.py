"""The beat schedule's source job on a real worker: it claims the due source, queues its sync, and the worker
fetches the board from a real HTTP server and writes its postings through the one write path."""

import pytest
from django.conf import settings
from pytest_httpserver import HTTPServer

from careerhub.celery import app as celery_app
from postings.models import Posting
from postings.sources.models import Source, SourceRun
from postings.sources.services import source_create
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.integration.conftest import wait_for
from tests.postings.boards import PATHS, board_json

pytestmark = pytest.mark.integration


@pytest.fixture
def board():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request(PATHS["greenhouse"]).respond_with_json(board_json("greenhouse.json"))
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def test_the_beat_job_syncs_due_sources_on_a_real_worker(celery_worker, board):
    # given a due source reading a board on this machine, and one not due yet
    SkillFactory(name="Kubernetes")
    employer, segment = EmployerFactory(name="Northwind Analytics"), SegmentFactory(slug="finance")
    due = source_create(kind="greenhouse", board="northwind", employer=employer, segment=segment,
                        base_url=board.url_for(""))  # fmt: skip
    entry = settings.CELERY_BEAT_SCHEDULE["sources-sync-due"]

    # when beat sends its job (by name, as beat does) to the worker
    claimed = celery_app.send_task(entry["task"], kwargs=entry["kwargs"], queue=celery_worker.queue)

    # then the worker claimed the source, synced it in a task of its own, and recorded the run
    assert claimed.get(timeout=60) == [due.pk]
    run = wait_for(lambda: SourceRun.objects.filter(source=due).first(), timeout=60, message="the sync's run")
    assert (run.trigger, run.outcome, run.created, run.error) == ("beat", "applied", 3, "")
    assert Posting.objects.filter(source=due.slug, closed_on__isnull=True).count() == 3
    assert "CareerHub" in board.log[0][0].headers["User-Agent"]
    # and the next beat tick finds nothing due
    assert celery_app.send_task(entry["task"], kwargs=entry["kwargs"], queue=celery_worker.queue).get(timeout=60) == []
    assert Source.objects.get(pk=due.pk).next_sync_at is not None
