"""Writes that lost a race with another transaction, told apart from a database that failed.

Two requests upserting the same new posting both find it missing and both insert it: the second
waits for the first on the unique index, then fails with a unique violation. Overlapping batches can
each wait for a row the other holds: PostgreSQL breaks the deadlock by failing one of them. Both
are lost races: running the whole transaction again sees the winner's rows and succeeds. A
connection that was killed, or a database that stopped, is not a race (an ``OperationalError`` of
another kind): running again at once does not help, and the API answers 503.
"""

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")

UNIQUE_VIOLATION = "23505"
# SQLSTATE class 40, "transaction rollback": serialization failure (40001) and deadlock detected (40P01).
TRANSACTION_ROLLBACK = "40"
ATTEMPTS = 4  # a race lost three times in a row is reported, not retried for ever
BACKOFF_SECONDS = 0.02  # times 1, 2, 4, with jitter: the winner's transaction is short


class WriteConflict(Exception):
    """A write that lost its race with other transactions ``attempts`` times; nothing of it was kept."""

    def __init__(self, reason: str, attempts: int):
        self.reason = reason
        self.attempts = attempts
        super().__init__(
            f"Other requests wrote the same rows at the same moment ({reason}) on each of {attempts} attempts; "
            "nothing of this request was written. Send it again."
        )


def lost_race(error: BaseException) -> str | None:
    """Why ``error`` is a lost race ("unique key taken", "deadlock", ...), or None when it is another failure."""
    if not isinstance(error, DatabaseError):
        return None
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate == UNIQUE_VIOLATION:
        return "a unique key was taken"
    if sqlstate is not None and sqlstate.startswith(TRANSACTION_ROLLBACK):
        return "a deadlock" if sqlstate == "40P01" else "a serialization failure"
    if sqlstate is None and isinstance(error, IntegrityError) and "UNIQUE" in str(error):
        return "a unique key was taken"  # SQLite says so only in its message
    if sqlstate is None and isinstance(error, OperationalError) and "locked" in str(error):
        return "the database was locked"  # SQLite: another writer held the lock too long
    return None


def retry_lost_races(write: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run ``write`` (one whole transaction) again when it loses a race, up to ``attempts`` times.

    ``write`` must open and close its own transaction (or savepoint), so each attempt starts afresh.
    Other failures are raised as they are; the last lost race raises ``WriteConflict``.
    """
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except DatabaseError as error:
            reason = lost_race(error)
            if reason is None:
                raise
            if attempt == attempts:
                raise WriteConflict(reason, attempts) from error
            logger.info("Write lost a race (%s); attempt %d of %d.", reason, attempt + 1, attempts)
            time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1) * (1 + random.random()))  # jitter, not a secret
    raise AssertionError("unreachable")
