"""The one way a write queues a Celery task: after its transaction commits, never inside it.

A task queued inside a transaction can run before the commit (and find nothing) or after a
rollback (and act on nothing). ``send_after_commit`` queues it once the transaction commits, at
once outside one. It is Celery's ``delay_on_commit`` with one difference that matters here: a broker
outage is logged, never raised into a write that has already committed. What the task would have
done is caught up by the beat schedule (drains of the outbox) or shown to the editor (an import
job left waiting).
"""

import functools
import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def send_after_commit(task: Any, /, **kwargs: Any) -> None:
    """Queue ``task.delay(**kwargs)`` when the current transaction commits (a broker outage is only logged)."""
    transaction.on_commit(functools.partial(_send, task, kwargs))


def _send(task: Any, kwargs: dict[str, Any]) -> None:
    try:
        task.delay(**kwargs)
    except Exception:  # the write has committed and stands; see the module's notes
        logger.exception("Could not queue %s after commit; the beat schedule or a retry catches it up.", task.name)
