import json
import re

import pytest

from careerhub.tasks import published_content_counts
from tests.factories import SegmentFactory, SkillFactory, TrackFactory
from tests.integration.conftest import Worker

pytestmark = pytest.mark.integration

# A log line not in JSON: ``careerhub.core.logs``'s plain format ("2026-12-07 19:05:39,426 INFO celery.apps.worker
# [-]: ...") or Celery's own ("[2026-12-07 19:05:39,426: INFO/MainProcess] ...").
PLAIN_LINE = re.compile(r"^\[?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+")


def test_a_real_worker_runs_a_task_against_the_database(celery_worker):
    # given: content committed to the test database, which the worker process opens on its own
    SegmentFactory.create_batch(2)
    TrackFactory()
    SkillFactory.create_batch(3)

    # when: the task travels through the broker to the worker and its result comes back
    result = published_content_counts.apply_async(queue=celery_worker.queue)

    # then
    assert result.get(timeout=60) == {"segments": 2, "tracks": 1, "skills": 3}


def test_a_worker_writes_celerys_own_log_lines_as_the_apps_json(celery_worker, tmp_path):
    # given: a worker started as production starts it, with the JSON log format
    celery_worker.stop()
    worker = Worker(
        celery_worker.queue, {**celery_worker.environment, "DJANGO_LOG_FORMAT": "json"}, tmp_path / "json.log"
    ).start()
    try:
        # when: it connects and runs a task
        result = published_content_counts.apply_async(queue=worker.queue)
        task_id = result.id
        result.get(timeout=120)
    finally:
        worker.stop()
        print(worker.log()[-6000:])

    # then: Celery's own lines (connection, ready, received, succeeded) are JSON objects in the app's format
    lines = worker.log().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    loggers = {record["logger"] for record in records}
    assert {"celery.worker.consumer.connection", "celery.apps.worker", "celery.worker.strategy",
            "celery.app.trace"} <= loggers  # fmt: skip
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    [succeeded] = [record for record in records if record["logger"] == "celery.app.trace"]
    assert task_id in succeeded["message"] and "succeeded" in succeeded["message"]
    assert succeeded["level"] == "INFO"
    # and: the task's own line names the task that wrote it
    [counted] = [record for record in records if record["message"].startswith("Published content")]
    assert (counted["task_id"], counted["task"]) == (task_id, "careerhub.tasks.published_content_counts")
    # and: no line in the plain format (what the worker writes unless told otherwise) is left
    assert not [line for line in lines if PLAIN_LINE.match(line)]
