"""The web processes' database sessions: no parallel query plans, no JIT (careerhub/database.py)."""

import importlib

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from careerhub.database import serial_plans


def test_the_web_entry_point_makes_every_new_session_plan_serially():
    import careerhub.wsgi

    importlib.reload(careerhub.wsgi)  # as a web process starts
    # Connected by the web's entry point (and disconnected here, so the other tests keep the defaults).
    assert connection_created.disconnect(serial_plans)


@pytest.mark.django_db
def test_a_web_session_plans_no_parallel_query():
    serial_plans(sender=None, connection=connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("RESET max_parallel_workers_per_gather")
            cursor.execute("RESET jit")
