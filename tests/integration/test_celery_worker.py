import pytest

from careerhub.tasks import published_content_counts
from tests.factories import SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_task_against_the_database(celery_worker):
    # given: content committed to the test database, which the worker process opens on its own
    SegmentFactory.create_batch(2)
    TrackFactory()
    SkillFactory.create_batch(3)

    # when: the task travels through the broker to the worker and its result comes back
    result = published_content_counts.apply_async(queue=celery_worker.queue)

    # then
    assert result.get(timeout=60) == {"segments": 2, "tracks": 1, "skills": 3}
