"""The publishing schedule carried out by a real worker: the beat entry's task publishes a due revision."""

import datetime
import time

import pytest
from django.conf import settings
from django.utils import timezone

from careerhub.celery import app as celery_app
from careerhub.core.editorial import Status
from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.services import revision_save_draft, revision_schedule
from segments.models import Segment
from segments.services import segment_update
from tests.factories import SegmentFactory, make_publisher

from .conftest import wait_for

pytestmark = pytest.mark.integration


def test_the_beat_task_publishes_then_unpublishes_a_scheduled_revision(celery_worker):
    # given: a draft of a live segment, scheduled to publish in a second and to unpublish a second later
    segment = SegmentFactory(summary="Live.")
    publisher = make_publisher()
    revision = revision_save_draft(
        instance=segment, by=publisher, write=lambda: segment_update(segment=segment, data={"summary": "Scheduled."})
    )
    now = timezone.now()
    revision_schedule(
        revision=revision,
        by=publisher,
        publish_at=now + datetime.timedelta(seconds=1),
        unpublish_at=now + datetime.timedelta(seconds=2),
    )
    entry = settings.CELERY_BEAT_SCHEDULE["publishing-schedule"]
    assert entry["schedule"] <= 60  # within a minute of the time

    # when: the time passes and beat sends its task (as it does every minute)
    time.sleep(1.1)
    celery_app.send_task(entry["task"], queue=celery_worker.queue)

    # then: the worker published the revision through the services
    wait_for(lambda: Segment.objects.get(pk=segment.pk).summary == "Scheduled.", timeout=60, message="published")
    revision.refresh_from_db()
    assert revision.state == RevisionState.PUBLISHED

    # when / then: the next run takes it offline
    time.sleep(1.0)
    celery_app.send_task(entry["task"], queue=celery_worker.queue)
    wait_for(lambda: Segment.objects.get(pk=segment.pk).status == Status.DRAFT, timeout=60, message="unpublished")
