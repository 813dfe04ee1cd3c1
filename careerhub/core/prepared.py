"""Server-side prepared statements for the few queries a worker runs many times a second (PostgreSQL).

Django's PostgreSQL backend binds parameters on the client, so every execution is parsed and
planned anew; for the demand drain's set-based statements planning costs as much as running
them. ``execute_prepared`` sends a statement through a server-binding cursor on the same
connection and transaction, prepared once per connection and reused after.

These statements bypass Django's cursor wrappers (query logging).

``pipelined()`` sends the statements executed inside it together (with the transaction's BEGIN when
it is the first): the server answers them in one round trip, when their rows are first asked for or
when the block ends. Each round trip wakes the server's process and then this one, which on a busy
machine costs more than the small statements themselves.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

# psycopg prepares on request only when preparing is enabled on the connection, which Django turns off
# for its own cursors; any threshold enables it, and one this high never prepares anything on its own.
NEVER_ON_ITS_OWN = 2**31 - 1


def execute_prepared(sql: str, parameters: Mapping | None = None, *, rows: bool = True) -> list[tuple]:
    """Run ``sql`` (``%(name)s`` placeholders) as a prepared statement; return the rows it returns.

    With ``rows=False`` nothing is read back: in a ``pipelined()`` block the statement then waits to
    be sent with the next one.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: every access through the proxy costs
    db.ensure_connection()
    raw = db.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = NEVER_ON_ITS_OWN
    with db.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, parameters, prepare=True)
        result = cursor.fetchall() if rows else []
    return result


@contextmanager
def pipelined() -> Iterator[None]:
    """Send the statements executed inside together, in one round trip (see the module's notes).

    Elsewhere than on PostgreSQL the statements run one by one, as always.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        yield
        return
    db.ensure_connection()
    with db.wrap_database_errors, db.connection.pipeline():
        yield
