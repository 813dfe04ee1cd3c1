"""Postings upserted by many clients at the same moment: never a 500, one row per posting, every answer
200, 201 or 409 (PostgreSQL with real threads and connections); a lost race told from a failed database."""

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, connections

from careerhub.core.write_conflicts import WriteConflict, lost_race, retry_lost_races
from postings.models import Posting
from tests.conftest import skip_or_fail
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.world import token_client

ONE = "/api/v1/postings/"
BULK = "/api/v1/postings/bulk/"


def body(n, **overrides):
    return {
        "external_id": f"same-{n}",
        "title": f"ML Platform Engineer {n}",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-03",
        "description": f"Posting {n}: operate Kubernetes for model serving.",
    } | overrides


def world():
    SegmentFactory(name="Financial services", slug="finance")
    SkillFactory(name="Kubernetes")
    EmployerFactory(name="Acme Bank", slug="acme-bank")


def at_once(requests: list) -> list[int]:
    """Send ``(client, url, body)`` requests from one thread each, released together; their statuses, in order."""
    start, statuses = threading.Barrier(len(requests)), [None] * len(requests)

    def send(index, client, url, payload):
        client.raise_request_exception = False  # a 500 is an answer to count, not an exception in the thread
        try:
            start.wait(30)
            statuses[index] = client.post(url, payload, format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert None not in statuses, "a request did not finish"
    return statuses


def needs_postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("concurrent upserts need PostgreSQL: set DATABASE_URL")


@pytest.mark.django_db(transaction=True)
def test_six_clients_sending_the_same_new_posting_get_no_500_and_store_one_row():
    needs_postgresql()
    world()
    clients = [token_client("add_posting", "change_posting") for _ in range(6)]
    statuses = []
    for round_number in range(8):
        # when: six clients send the same new posting at the same moment
        statuses += at_once([(client, ONE, body(round_number)) for client in clients])
        # then: exactly one row holds it
        assert Posting.objects.filter(source="api", external_id=f"same-{round_number}").count() == 1
    assert set(statuses) <= {200, 201, 409}, statuses
    assert statuses.count(201) == 8  # one creation per posting; the others found it (200) or lost (409)


@pytest.mark.django_db(transaction=True)
def test_overlapping_batches_get_no_500_and_store_each_posting_once():
    needs_postgresql()
    world()
    clients = [token_client("add_posting", "change_posting") for _ in range(4)]
    statuses = []
    for round_number in range(5):
        base = round_number * 100
        # four batches over overlapping postings, in different orders (the order that deadlocked the COPY)
        batches = [
            [body(base + n) for n in range(0, 30)],
            [body(base + n) for n in reversed(range(10, 40))],
            [body(base + n) for n in range(20, 50)],
            [body(base + n) for n in reversed(range(0, 50, 2))],
        ]
        answers = at_once([(client, BULK, batch) for client, batch in zip(clients, batches, strict=True)])
        statuses += answers
        stored = list(Posting.objects.filter(external_id__startswith="same-").values_list("external_id", flat=True))
        # then: each posting at most once (the unique key holds), and every posting of an accepted batch is there
        assert len(stored) == len(set(stored))
        accepted = {row["external_id"] for batch, status in zip(batches, answers, strict=True) if status == 200
                    for row in batch}  # fmt: skip
        assert accepted <= set(stored) and accepted
    assert set(statuses) <= {200, 409}, statuses


# --- Telling a lost race from a failed database ---------------------------------------------------------------


class Cause(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def database_error(kind, sqlstate, message="failed"):
    error = kind(message)
    error.__cause__ = Cause(sqlstate)
    return error


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (database_error(IntegrityError, "23505"), "a unique key was taken"),
        (database_error(OperationalError, "40P01"), "a deadlock"),
        (database_error(OperationalError, "40001"), "a serialization failure"),
        (database_error(OperationalError, "57P01", "terminating connection due to administrator command"), None),
        (database_error(OperationalError, None, "server closed the connection unexpectedly"), None),
        (database_error(IntegrityError, "23503"), None),
        (ValueError("not a database error"), None),
    ],
    ids=["unique", "deadlock", "serialization", "killed", "closed", "foreign-key", "other"],
)
def test_only_lost_races_are_retried(error, reason):
    assert lost_race(error) == reason


def test_a_lost_race_is_run_again_then_reported():
    attempts = []

    def write():
        attempts.append(1)
        raise database_error(IntegrityError, "23505")

    with pytest.raises(WriteConflict) as conflict:
        retry_lost_races(write, attempts=3)
    assert len(attempts) == 3 and "a unique key was taken" in str(conflict.value)

    wins = iter([database_error(OperationalError, "40P01"), None])

    def second_time_lucky():
        error = next(wins)
        if error:
            raise error
        return "written"

    assert retry_lost_races(second_time_lucky, attempts=3) == "written"


def test_a_failed_database_is_not_retried():
    attempts = []

    def write():
        attempts.append(1)
        raise database_error(OperationalError, "57P01", "terminating connection")

    with pytest.raises(OperationalError):
        retry_lost_races(write, attempts=3)
    assert len(attempts) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (database_error(OperationalError, "57P01", "terminating connection"), 503, "database failed"),
        (WriteConflict("a deadlock", 4), 409, "a deadlock"),
    ],
    ids=["killed-connection", "lost-race"],
)
@pytest.mark.parametrize("url", [ONE, BULK])
def test_the_api_answers_a_failed_database_503_and_a_lost_race_409(monkeypatch, error, status, words, url):
    world()

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr("postings.api.views.postings_import", failing)
    response = token_client("add_posting").post(url, body(1) if url == ONE else [body(1)], format="json")
    assert response.status_code == status
    assert words in response.json()["detail"] and set(response.json()) == {"detail", "errors"}
    if status == 503:
        assert "concurrent" not in response.json()["detail"]
