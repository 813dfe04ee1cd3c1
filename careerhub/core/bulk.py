"""Fast inserts of many rows: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

Imports write hundreds of thousands of rows; building a model instance per row and compiling an
``INSERT`` for it costs more than the rest of the import together. ``insert_rows`` takes plain
tuples of database-ready values (ints, strings, dates, datetimes, None) in the order of
``fields`` and streams them to the table. It writes what it is given and nothing more: no
``save()``, no signals, no field defaults, so every non-null column must be in ``fields``.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, models


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys from the table's sequence (PostgreSQL only)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, with_ids: bool = False
) -> list[int]:
    """Insert ``rows`` (tuples ordered like ``fields``, attribute names) into ``model``'s table.

    With ``with_ids`` the new primary keys are returned in the order of ``rows``.
    """
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows, with_ids=with_ids)
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=2000)
    return [obj.pk for obj in objects] if with_ids else []


def _copy(model: type[models.Model], fields: Sequence[str], rows: list[tuple], *, with_ids: bool) -> list[int]:
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    ids: list[int] = []
    if with_ids:
        ids = allocate_ids(model, len(rows))
        columns.insert(0, meta.pk.column)
        rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
    # The driver's own cursor: its errors are turned into Django's, as every other query's are.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    return ids


def insert_with_history(
    model: type[models.Model],
    fields: Sequence[str],
    rows: list[tuple],
    *,
    now: datetime.datetime,
    user_id: int | None,
    reason: str,
) -> list[int]:
    """Insert new rows of a model that keeps django-simple-history, and their creation ("+") history rows.

    The history columns are read from simple-history's own historical model (``model.history.model``),
    so the rows are what its ``post_save`` handler would have written for each object. Returns the new ids.
    """
    ids = insert_rows(model, fields, rows, with_ids=True)
    historical = model.history.model
    extra = ("id", "history_date", "history_change_reason", "history_type", "history_user_id")
    tracked = [field.attname for field in historical._meta.concrete_fields if field.attname not in extra]
    tracked = [name for name in tracked if name != "history_id"]
    missing = sorted(set(tracked) - set(fields))
    if missing:
        raise ValueError(f"History of {model.__name__} needs {', '.join(missing)} in the inserted fields.")
    positions = [list(fields).index(name) for name in tracked]
    history = [
        (*(row[i] for i in positions), pk, now, reason, "+", user_id) for pk, row in zip(ids, rows, strict=True)
    ]
    insert_rows(historical, (*tracked, *extra), history)
    return ids
