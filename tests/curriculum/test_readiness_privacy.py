"""Pasted text is never stored, logged, cached or put in a URL.

A unique marker is pasted through every way in (the page, the job-ad page, both API answers), accepted,
refused (too long, NUL, binary, broken JSON), limited (429) and failing (a server error); then every log
record (captured at DEBUG, SQL included), every entry of the cache backend, every text column of every
table and every URL the answers hold or point to is searched for it. Nothing is written to the database.
"""

import logging
import re
import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.world import build_readiness_world

pytestmark = pytest.mark.django_db

LOGGERS = ("", "django", "django.request", "django.server", "django.security", "django.db.backends", "careerhub",
           "curriculum", "postings", "segments", "rest_framework")  # fmt: skip
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP)\b", re.IGNORECASE)


def cache_entries() -> list[bytes]:
    """Every key and value of the default cache backend, as bytes (local memory, or every key of Redis)."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return [key.encode() + b" " + value for key, value in backend._cache.items()]
    client = backend._cache.get_client()  # Redis: this test database's whole keyspace
    entries = []
    for key in client.scan_iter(count=1000):
        value = client.get(key) if client.type(key) == b"string" else repr(client.dump(key)).encode()
        entries.append(key + b" " + (value or b""))
    return entries


def tables_holding(marker: str) -> list[str]:
    """``table.column`` of every column of every table whose text holds ``marker``."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT 1 FROM {quote(table)} WHERE CAST({quote(column.name)} AS TEXT) LIKE %s LIMIT 1",
                    [f"%{marker}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column.name}")
    return found


def urls_of(response) -> list[str]:
    """The URLs an answer holds or sends the browser to: its Location, and every href, src and action."""
    urls = [response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        urls += re.findall(r'(?:href|src|action)="([^"]*)"', response.content.decode())
    return urls


def test_a_pasted_marker_is_nowhere_after_every_kind_of_request(client, settings, caplog, monkeypatch):
    # given a world, a marker no row holds, and logs captured at DEBUG (SQL included)
    build_readiness_world()
    marker = f"pasted-{uuid.uuid4().hex}"
    text = f"I ran k8s clusters and wrote Python. {marker} Reference number {marker}."
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    api = APIClient()
    client.raise_request_exception = False
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None, "readiness": "100/minute"}
    responses = []

    # when the marker is sent every way, accepted and refused
    with CaptureQueriesContext(connection) as queries:
        responses += [
            client.post("/readiness/", {"text": text, "skills": ["sox"], "segment": "finance"}),
            client.post("/readiness/", {"text": text + "x" * 60_000}),
            client.post("/readiness/", {"text": text + "\x00"}),
            client.post("/readiness/", {"text": text + "\ufffd\x01" * 100}),
            client.post("/readiness/job-ad/", {"text": text, "skills": "python"}),
            client.post("/readiness/job-ad/", {"text": text + "x" * 60_000}),
            api.post("/api/v1/readiness/", {"text": text, "skills": ["python"]}, format="json"),
            api.post("/api/v1/readiness/", {"text": text + "\x00"}, format="json"),
            api.post("/api/v1/readiness/", {"text": text * 4000}, format="json"),
            api.post("/api/v1/postings/analyze/", {"text": text}, format="json"),
            api.post("/api/v1/postings/analyze/", f'{{"text": "{marker}'.encode(), content_type="application/json"),
            api.post("/api/v1/readiness/", f'{{"text": "{marker} \xff"}}'.encode("latin-1"),
                     content_type="application/json"),
        ]
        # limited (429; addresses of this run only, as the counters live in the shared cache) ...
        settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None, "readiness": "1/minute"}
        page_address, api_address = (f"2001:db8::{uuid.uuid4().hex[:4]}:{n}" for n in (1, 2))
        for _ in range(2):
            responses.append(client.post("/readiness/", {"text": text}, REMOTE_ADDR=page_address))
            responses.append(api.post("/api/v1/postings/analyze/", {"text": text}, format="json",
                                      REMOTE_ADDR=api_address))
        settings.CAREERHUB_API_THROTTLE_RATES = {"anon": None, "user": None, "readiness": None}
        # ... and failing on the server
        monkeypatch.setattr("curriculum.readiness.views.readiness_answer", _fail)
        monkeypatch.setattr("curriculum.readiness.api.job_ad_analysis", _fail)
        responses.append(client.post("/readiness/", {"text": text}))
        api.raise_request_exception = False
        responses.append(api.post("/api/v1/postings/analyze/", {"text": text}, format="json"))

    # then the requests were answered as intended: accepted, refused, limited and failed
    assert [r.status_code for r in responses] == [200, 400, 400, 400, 200, 400, 200, 400, 413, 200, 400, 400,
                                                  200, 200, 429, 429, 500, 500]  # fmt: skip
    assert "k8s" in responses[0].content.decode()  # the words that matched are shown to the learner, not stored
    # and the marker is in no log record ...
    assert caplog.records, "nothing was captured: the check below would prove nothing"
    assert any(record.name == "django.db.backends" for record in caplog.records)
    assert any(record.levelno >= logging.ERROR for record in caplog.records)  # the failures were logged
    for record in caplog.records:
        assert marker not in record.getMessage() and marker not in repr(record.args), record.name
    assert marker not in caplog.text
    # ... in no cache entry ...
    entries = cache_entries()
    assert entries, "the cache holds nothing: the check below would prove nothing"
    assert not [entry[:80] for entry in entries if marker.encode() in entry]
    # ... in no table, and nothing was written to one ...
    assert tables_holding(marker) == []
    assert tables_holding("k8s clusters") == []
    assert not [query["sql"][:80] for query in queries.captured_queries if WRITES.match(query["sql"])]
    # ... and in no URL or header
    for response in responses:
        assert not [url for url in urls_of(response) if marker in url]
        assert not [value for _, value in response.items() if marker in value]
    # the answers to text are kept by no cache, and the failures do not show it either
    assert all("no-store" in r["Cache-Control"] for r in responses
               if r.wsgi_request.path.startswith("/readiness/") and r.status_code != 500)
    assert all(marker not in r.content.decode(errors="replace") for r in responses)


def _fail(**kwargs):
    raise RuntimeError("The answer could not be computed.")


def test_the_scan_finds_a_marker_where_one_is(db, caplog):
    # the checks above can fail: a marker written to a table, a log and the cache is found in each
    from django.core.cache import cache

    from tests.factories import SegmentFactory

    marker = f"planted-{uuid.uuid4().hex}"
    SegmentFactory(summary=f"Planted {marker}")
    cache.set("planted", {"text": marker})
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("curriculum").debug("planted %s", marker)
    assert "segments_segment.summary" in tables_holding(marker)
    assert [entry for entry in cache_entries() if marker.encode() in entry]
    assert marker in caplog.text
