"""Server-side prepared statements for the few queries a worker runs many times a second (PostgreSQL).

Django's PostgreSQL backend binds parameters on the client, so every execution is parsed and
planned anew; for the demand drain's set-based statements planning costs as much as running
them. ``execute_prepared`` sends a statement through a server-binding cursor on the same
connection and transaction, prepared once per connection and reused after.

These statements bypass Django's cursor wrappers (query logging and the write tracking of
``careerhub.api.cache``), so a writing statement reports its write here.
"""

from collections.abc import Mapping

import psycopg
from django.db import connection

from careerhub.api.cache import content_changed, is_write

# psycopg prepares on request only when preparing is enabled on the connection, which Django turns off
# for its own cursors; any threshold enables it, and one this high never prepares anything on its own.
NEVER_ON_ITS_OWN = 2**31 - 1


def execute_prepared(sql: str, parameters: Mapping | None = None) -> list[tuple]:
    """Run ``sql`` (``%(name)s`` placeholders) as a prepared statement; return the rows it returns."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = NEVER_ON_ITS_OWN
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, parameters, prepare=True)
        rows = cursor.fetchall() if cursor.description else []
    if is_write(sql):
        content_changed()
    return rows
