"""Stepping aside: what a request does when a dependency it can do without is unavailable.

The cache (Redis in production) holds request counters, the API's answer cache and generation
counters; none of them is needed to answer from the database. When it is down, each of those
parts calls ``step_aside``, which counts the event (``careerhub_stepped_aside_total``) and logs it
once per ``LOG_INTERVAL`` per part and process, not once per request, so an outage does not bury
the logs, and the request goes on without it.
"""

import logging
import threading
import time

from .metrics import STEPPED_ASIDE

logger = logging.getLogger(__name__)

LOG_INTERVAL = 60.0  # seconds between two log lines about the same part in one process

_last_logged: dict[str, float] = {}
_lock = threading.Lock()


def step_aside(part: str, error: BaseException, doing: str) -> None:
    """Count that ``part`` went on without a dependency (``error``), doing ``doing``; log it once per interval."""
    STEPPED_ASIDE.labels(part=part).inc()
    now = time.monotonic()
    with _lock:
        last = _last_logged.get(part)
        if last is not None and now - last < LOG_INTERVAL:
            return
        _last_logged[part] = now
    logger.warning(
        "%s: dependency unavailable (%s: %s); %s. Logged once per %d s while it lasts.",
        part,
        type(error).__name__,
        error,
        doing,
        LOG_INTERVAL,
    )


def forget() -> None:
    """Log the next event of every part at once (tests; a new process starts this way)."""
    with _lock:
        _last_logged.clear()
