"""Bad input and faults of job boards: each gets a clear recorded error (nothing written) or a refusal per posting
(the other postings written), against a real local HTTP server."""

import json
import socket
import time

import pytest
from werkzeug import Response

from postings.demand.models import DemandMark
from postings.models import Posting
from postings.sources.models import SourceRun
from postings.sources.services import source_sync
from tests.postings.boards import PATHS, make_source, serve_board

pytestmark = pytest.mark.django_db

GREENHOUSE = PATHS["greenhouse"]


def job(number: int, **fields) -> dict:
    """A Greenhouse job as the Job Board API documents it."""
    return {
        "id": number,
        "title": f"MLOps Engineer {number}",
        "updated_at": "2026-10-20T10:00:00-04:00",
        "first_published": "2026-10-01T10:00:00-04:00",
        "location": {"name": "Boston, MA"},
        "absolute_url": f"https://boards.example.org/northwind/jobs/{number}",
        "content": "&lt;p&gt;Run Kubernetes.&lt;/p&gt;",
        "departments": [],
        "offices": [],
    } | fields


def failed(world, server, **source_fields) -> SourceRun:
    """Sync the Greenhouse source; assert that it failed and wrote nothing; return its run."""
    run = source_sync(source=make_source(world, server, "greenhouse", **source_fields))
    assert run.outcome == SourceRun.Outcome.FAILED
    assert run.error
    assert not Posting.objects.exists() and not DemandMark.objects.exists()
    assert SourceRun.objects.filter(pk=run.pk).exists()  # recorded
    return run


# --- The board as a whole ---------------------------------------------------------------------------------


def test_a_board_that_does_not_answer_in_time_fails_with_the_timeout(boards_world, board_server, settings):
    settings.CAREERHUB_SOURCES_READ_TIMEOUT = 0.3
    settings.CAREERHUB_SOURCES_RETRIES = 1

    def slow(request):
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    board_server.expect_request(GREENHOUSE).respond_with_handler(slow)

    run = failed(boards_world, board_server)

    assert "did not answer within 0.3 s (after retries)" in run.error


def test_a_refused_connection_fails_naming_the_host(boards_world, board_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    run = failed(boards_world, board_server, base_url=f"http://127.0.0.1:{port}")

    assert f"Could not connect to 127.0.0.1:{port}" in run.error
    assert "after retries" in run.error


def test_429_is_retried_honouring_retry_after_then_given_up_with_the_reason(boards_world, board_server):
    board_server.expect_request(GREENHOUSE).respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()

    run = failed(boards_world, board_server)

    assert "answered HTTP 429 after 2 retries (it asked to wait 1 s); given up" in run.error
    assert len(board_server.log) == 3  # the first try and two retries
    assert time.monotonic() - started >= 2  # each retry waited as asked


def test_a_429_then_a_good_answer_syncs(boards_world, board_server):
    board_server.expect_ordered_request(GREENHOUSE).respond_with_data("", status=429, headers={"Retry-After": "0"})
    board_server.expect_ordered_request(GREENHOUSE).respond_with_json({"jobs": [job(1)]})
    source = make_source(boards_world, board_server, "greenhouse")

    run = source_sync(source=source)

    assert (run.outcome, run.created) == ("applied", 1)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried_then_given_up(boards_world, board_server, status):
    board_server.expect_request(GREENHOUSE).respond_with_data("down", status=status)

    run = failed(boards_world, board_server)

    assert f"answered HTTP {status} after 2 retries; given up" in run.error
    assert len(board_server.log) == 3


def test_malformed_json_is_refused(boards_world, board_server):
    serve_board(board_server, "greenhouse", '{"jobs": [{"id": 1, "title": "MLOps"')

    run = failed(boards_world, board_server)

    assert "is not valid JSON" in run.error


@pytest.mark.parametrize(
    "body, found",
    [
        ({"postings": []}, "got an object with keys postings"),
        ([{"id": 1}], "got a list"),
        ({"jobs": "none"}, "got an object with keys jobs"),
        ("null", "got a NoneType"),
    ],
)
def test_valid_json_of_the_wrong_shape_is_refused(boards_world, board_server, body, found):
    serve_board(board_server, "greenhouse", body)

    run = failed(boards_world, board_server)

    assert 'Expected an object with a list of "jobs"' in run.error and found in run.error


def test_html_where_json_was_expected_is_refused(boards_world, board_server):
    board_server.expect_request(GREENHOUSE).respond_with_data(
        "<!doctype html><title>Job board not found</title>", content_type="text/html; charset=utf-8"
    )

    run = failed(boards_world, board_server)

    assert "Expected JSON from" in run.error and "got HTML (text/html)" in run.error


def test_a_50_mb_body_is_refused_without_reading_it_all(boards_world, board_server):
    sent = []

    def huge(request):
        def chunks():
            yield b'{"jobs": ['
            for _ in range(50 * 1024):  # 50 MB in chunks of 1 KB, streamed without a Content-Length
                sent.append(1)
                yield b" " * 1024
            yield b"]}"

        return Response(chunks(), content_type="application/json")

    board_server.expect_request(GREENHOUSE).respond_with_handler(huge)

    run = failed(boards_world, board_server)

    assert "is larger than 1,000,000 bytes; refused" in run.error
    assert len(sent) < 50 * 1024  # the client stopped reading


def test_a_declared_length_over_the_cap_is_refused_at_once(boards_world, board_server):
    serve_board(board_server, "greenhouse", json.dumps({"jobs": [], "pad": "x" * 1_100_000}))

    run = failed(boards_world, board_server)

    assert "larger than 1,000,000 bytes" in run.error


def test_a_redirect_to_another_host_is_not_followed(boards_world, board_server):
    board_server.expect_request(GREENHOUSE).respond_with_data(
        "", status=302, headers={"Location": "http://elsewhere.example.org/jobs.json"}
    )

    run = failed(boards_world, board_server)

    assert "redirects to another host (elsewhere.example.org); not followed" in run.error


def test_a_redirect_within_the_host_is_followed(boards_world, board_server):
    board_server.expect_request(GREENHOUSE).respond_with_data("", status=301, headers={"Location": "/moved.json"})
    board_server.expect_request("/moved.json").respond_with_json({"jobs": [job(1)]})
    source = make_source(boards_world, board_server, "greenhouse")

    run = source_sync(source=source)

    assert (run.outcome, run.created) == ("applied", 1)
    assert run.url.endswith("/moved.json")


def test_text_that_is_not_utf8_is_refused(boards_world, board_server):
    body = json.dumps({"jobs": [job(1, title="Ingénieur MLOps")]}, ensure_ascii=False).encode("latin-1")
    board_server.expect_request(GREENHOUSE).respond_with_data(body, content_type="application/json")

    run = failed(boards_world, board_server)

    assert "is not utf-8 text (byte" in run.error


def test_a_declared_charset_is_honoured(boards_world, board_server):
    body = json.dumps({"jobs": [job(1, title="Ingénieur MLOps")]}, ensure_ascii=False).encode("latin-1")
    board_server.expect_request(GREENHOUSE).respond_with_data(body, content_type="application/json; charset=latin-1")

    run = source_sync(source=make_source(boards_world, board_server, "greenhouse"))

    assert run.created == 1 and Posting.objects.get().title == "Ingénieur MLOps"


def test_a_404_names_the_board(boards_world, board_server):
    board_server.expect_request(GREENHOUSE).respond_with_json({"status": 404, "error": "Job not found"}, status=404)

    run = failed(boards_world, board_server)

    assert "answered 404: no such board (check the board name)" in run.error


# --- Postings refused one by one --------------------------------------------------------------------------


def refused_run(world, server, jobs: list[dict]) -> tuple[SourceRun, dict]:
    serve_board(server, "greenhouse", {"jobs": jobs})
    run = source_sync(source=make_source(world, server, "greenhouse"))
    assert run.outcome == SourceRun.Outcome.APPLIED
    return run, {refusal["external_id"]: refusal for refusal in run.refusals}


def test_duplicate_ids_in_one_answer_keep_the_first_and_refuse_the_repeat(boards_world, board_server):
    run, refusals = refused_run(boards_world, board_server, [job(1), job(1, title="Again"), job(2)])

    assert (run.created, run.refused) == (2, 1)
    assert refusals["1"]["field"] == "external_id" and "already in row 1" in refusals["1"]["message"]
    assert Posting.objects.get(external_id="1").title == "MLOps Engineer 1"


def test_empty_and_oversized_descriptions_are_refused_per_posting(boards_world, board_server):
    jobs = [job(1, content=""), job(2, content="&lt;p&gt;&lt;/p&gt;"), job(3, content="Kubernetes " * 20_000), job(4)]

    run, refusals = refused_run(boards_world, board_server, jobs)

    assert (run.created, run.refused) == (1, 3)
    assert refusals["1"] == {"row": 1, "external_id": "1", "field": "description", "message": "This field is required."}
    assert "nothing is left once HTML is removed" in refusals["2"]["message"]
    assert refusals["3"]["field"] == "description" and "At most 100,000 characters" in refusals["3"]["message"]
    assert list(Posting.objects.values_list("external_id", flat=True)) == ["4"]


def test_a_date_in_the_future_is_refused(boards_world, board_server):
    run, refusals = refused_run(boards_world, board_server, [job(1, first_published="2099-01-01T00:00:00Z"), job(2)])

    assert (run.created, run.refused) == (1, 1)
    assert refusals["1"]["field"] == "posted_on" and "in the future" in refusals["1"]["message"]


def test_unreadable_dates_and_wrong_types_are_refused_naming_the_field(boards_world, board_server):
    jobs = [job(1, first_published="last Tuesday"), job(2, title=42), "not a job", job(3, id=None), job(4)]

    run, refusals = refused_run(boards_world, board_server, jobs)

    assert run.created == 1
    assert refusals["1"]["field"] == "posted_on" and "cannot be read as a date" in refusals["1"]["message"]
    assert refusals["2"]["field"] == "title" and "Expected text" in refusals["2"]["message"]
    messages = {(r["row"], r["field"]) for r in run.refusals}
    assert (3, "-") in messages and (4, "external_id") in messages


def test_a_refused_posting_still_on_its_board_is_not_closed(boards_world, board_server):
    serve_board(board_server, "greenhouse", {"jobs": [job(1), job(2)]})
    source = make_source(boards_world, board_server, "greenhouse")
    source_sync(source=source)
    board_server.clear()
    serve_board(board_server, "greenhouse", {"jobs": [job(1, content=""), job(2)]})

    run = source_sync(source=source)

    assert (run.refused, run.closed) == (1, 0)
    assert Posting.objects.get(external_id="1").closed_on is None


def test_a_sync_that_fails_halfway_through_writing_leaves_nothing(boards_world, board_server, monkeypatch):
    # given a board whose second batch of postings cannot be written
    from postings.ingest import services as ingest

    serve_board(board_server, "greenhouse", {"jobs": [job(n) for n in range(1, 6)]})
    calls = []
    real_write = ingest._Importer.write

    def failing_write(self, batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(self, batch)

    monkeypatch.setattr(ingest._Importer, "write", failing_write)
    monkeypatch.setattr(ingest, "BATCH_SIZE", 2)
    monkeypatch.setattr(ingest.postings_import, "__kwdefaults__", {**ingest.postings_import.__kwdefaults__,
                                                                   "batch_size": 2})  # fmt: skip

    # when it is synced
    run = failed(boards_world, board_server)

    # then the first batch, written before the fault, was rolled back with the rest
    assert calls == [2, 2]
    assert "Unexpected error (RuntimeError): disk full" in run.error
