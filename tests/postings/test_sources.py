"""Job-board sources: each provider's documented format served by a real local HTTP server, synced through
the one posting write path; re-syncs, closing and reopening, the empty-board rule, pausing, commands, beat."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from postings.demand.models import DemandMark
from postings.models import Posting, PostingSkill
from postings.sources.models import Source, SourceRun
from postings.sources.services import source_resume, source_sync, sources_claim_due
from tests.postings.boards import PATHS, board_json, board_text, make_source, serve_board

pytestmark = pytest.mark.django_db


def postings_of(source: Source) -> dict[str, Posting]:
    return {p.external_id: p for p in Posting.objects.filter(source=source.slug)}


def skills_of(posting: Posting) -> set[str]:
    return set(PostingSkill.objects.filter(posting=posting).values_list("skill__name", flat=True))


# --- Each provider's format -------------------------------------------------------------------------------


def test_a_greenhouse_board_is_synced_with_its_details_skills_and_demand_marks(boards_world, board_server):
    # given a Greenhouse board of three jobs, served as the Job Board API documents it
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")

    # when it is synced
    run = source_sync(source=source)

    # then every job is a published posting of the source's employer and segment, with what Greenhouse gives
    assert (run.outcome, run.fetched, run.created, run.refused, run.error) == ("applied", 3, 3, 0, "")
    postings = postings_of(source)
    senior = postings["4012001"]
    assert (senior.title, senior.employer, senior.segment) == ("Senior MLOps Engineer", boards_world["employer"],
                                                              boards_world["finance"])  # fmt: skip
    assert senior.location == "New York, NY"
    assert senior.department == "Machine Learning Platform"
    assert senior.url == "https://boards.example.org/northwind/jobs/4012001"
    assert senior.posted_on == datetime.date(2026, 10, 2)  # first_published, in UTC
    assert senior.first_seen_on == timezone.localdate() and senior.closed_on is None
    # the HTML-escaped content is stored as plain text
    assert "<" not in senior.description and "&amp;" not in senior.description
    assert "Salary depends on experience & location." in senior.description
    assert "Operate LangGraph agents in production" in senior.description
    assert skills_of(senior) == {"Kubernetes", "MLflow"}
    assert postings["4012002"].remote == "remote" and senior.remote == ""
    assert postings["4012003"].posted_on == timezone.localdate()  # no date given: the day it was first seen
    # demand was marked in the sync's transaction
    assert DemandMark.objects.filter(segment=boards_world["finance"], skill=boards_world["k8s"]).exists()
    # and the request named CareerHub and the contact address, asking for JSON with content
    request, _ = board_server.log[0]
    assert request.args["content"] == "true"
    assert "CareerHub" in request.headers["User-Agent"]
    assert "jobs-data@careerhub.example" in request.headers["User-Agent"]


def test_a_lever_site_is_synced_with_salary_workplace_commitment_and_lists(boards_world, board_server):
    serve_board(board_server, "lever", board_json("lever.json"))
    source = make_source(boards_world, board_server, "lever", segment=boards_world["health"])

    run = source_sync(source=source)

    assert (run.outcome, run.created) == ("applied", 2)
    clinical = postings_of(source)["6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e01"]
    assert clinical.title == "MLOps Engineer, Clinical Models"
    assert (clinical.location, clinical.department, clinical.employment_type) == ("London", "Engineering", "Full-time")
    assert clinical.remote == "hybrid"
    assert (clinical.salary_min, clinical.salary_max, clinical.salary_currency, clinical.salary_period) == (
        85000, 105000, "GBP", "year")  # fmt: skip
    assert clinical.posted_on == datetime.date(2025, 10, 5)  # createdAt 1759654800000 ms
    assert "Requirements" in clinical.description and "Python in production" in clinical.description
    assert skills_of(clinical) == {"Kubernetes", "MLflow", "Python"}
    contractor = postings_of(source)["6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e02"]
    assert (contractor.remote, contractor.department, contractor.salary_min) == ("remote", "Data", None)
    request, _ = board_server.log[0]
    assert request.args["mode"] == "json"


def test_an_ashby_board_is_synced_with_compensation_and_unlisted_jobs_left_out(boards_world, board_server):
    serve_board(board_server, "ashby", board_json("ashby.json"))
    source = make_source(boards_world, board_server, "ashby")

    run = source_sync(source=source)

    assert (run.outcome, run.fetched, run.created) == ("applied", 2, 2)
    postings = postings_of(source)
    inference = postings["2b8f0d7e-5a41-4c55-9a3e-77c1f0a10001"]
    assert (inference.location, inference.department, inference.employment_type, inference.remote) == (
        "Berlin", "Engineering", "full-time", "onsite")  # fmt: skip
    assert (inference.salary_min, inference.salary_max, inference.salary_currency) == (80000, 110000, "EUR")
    assert inference.posted_on == datetime.date(2026, 10, 12)
    evals = postings["2b8f0d7e-5a41-4c55-9a3e-77c1f0a10002"]
    assert (evals.remote, evals.employment_type, evals.salary_min) == ("remote", "part-time", None)
    assert "2b8f0d7e-5a41-4c55-9a3e-77c1f0a10003" not in postings  # isListed: false
    assert board_server.log[0][0].args["includeCompensation"] == "true"


def test_a_careers_page_with_job_posting_json_ld_is_synced(boards_world, board_server):
    board_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    board_server.expect_request("/careers").respond_with_data(board_text("careers.html"), content_type="text/html")
    source = make_source(boards_world, board_server, "jsonld", "/careers")

    run = source_sync(source=source)

    assert (run.outcome, run.created, run.refused) == ("applied", 2, 0)  # the expired posting is not listed
    postings = postings_of(source)
    robotics = postings["TR-101"]
    assert robotics.location == "Pittsburgh, PA, US"
    assert (robotics.salary_min, robotics.salary_max, robotics.salary_currency, robotics.salary_period) == (
        140000, 175000, "USD", "year")  # fmt: skip
    assert robotics.employment_type == "full-time" and robotics.url.endswith("/tr-101")
    simulation = postings["TR-102"]
    assert (simulation.remote, simulation.employment_type) == ("remote", "full-time, contract")
    assert simulation.posted_on == datetime.date(2026, 10, 9)
    assert simulation.url == board_server.url_for("/careers")


def test_a_sitemap_is_read_page_by_page_and_robots_txt_is_honoured(boards_world, board_server):
    board_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    sitemap = board_text("sitemap.xml").replace("{base}", board_server.url_for("").rstrip("/"))
    board_server.expect_request("/sitemap.xml").respond_with_data(sitemap, content_type="application/xml")
    board_server.expect_request("/jobs/1.html").respond_with_data(board_text("job-1.html"), content_type="text/html")
    board_server.expect_request("/jobs/2.html").respond_with_data(board_text("job-2.html"), content_type="text/html")
    board_server.expect_request("/private/3.html").respond_with_data("must not be read", status=500)
    source = make_source(boards_world, board_server, "jsonld", "/sitemap.xml")

    run = source_sync(source=source)

    assert (run.outcome, run.created) == ("applied", 2)
    postings = postings_of(source)
    assert set(postings) == {board_server.url_for("/jobs/1.html"), "202"}  # identifier, else the page's address
    assert postings[board_server.url_for("/jobs/1.html")].location == "Austin, TX"
    assert "robots.txt disallows" in run.note
    assert not [request for request, _ in board_server.log if request.path.startswith("/private/")]


@pytest.mark.parametrize("name, content_type", [("feed.jsonl", "application/x-ndjson"), ("feed.csv", "text/csv")])
def test_a_feed_in_the_import_shape_is_synced(boards_world, board_server, name, content_type):
    board_server.expect_request(f"/{name}").respond_with_data(board_text(name), content_type=content_type)
    source = make_source(boards_world, board_server, "feed", f"/{name}")

    run = source_sync(source=source)

    assert (run.outcome, run.created, run.refused) == ("applied", 2, 0), run.refusals
    first = Posting.objects.get(source=source.slug, external_id__in=["f-1", "c-1"])
    assert first.employer == boards_world["employer"] and first.segment == boards_world["finance"]
    assert first.salary_currency == "EUR" and first.salary_min in (50000, 60000)
    assert skills_of(first) == {"Kubernetes", "MLflow"}


def test_a_feed_row_may_not_write_into_another_source(boards_world, board_server):
    board_server.expect_request("/feed.jsonl").respond_with_data(
        '{"external_id": "x", "title": "T", "posted_on": "2026-10-01", "description": "D", "source": "api"}\n'
    )
    source = make_source(boards_world, board_server, "feed", "/feed.jsonl")

    run = source_sync(source=source)

    assert run.refused == 1 and run.refusals[0]["field"] == "source"
    assert not Posting.objects.exists()


# --- Re-syncs and the lifecycle ---------------------------------------------------------------------------


def test_a_second_sync_of_an_unchanged_board_changes_nothing(boards_world, board_server):
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")
    source_sync(source=source)
    before = list(Posting.objects.order_by("id").values_list("id", "updated_at", "posted_on"))
    history = Posting.history.count()

    run = source_sync(source=Source.objects.get(pk=source.pk))

    assert (run.outcome, run.created, run.updated, run.unchanged, run.closed) == ("applied", 0, 0, 3, 0)
    assert list(Posting.objects.order_by("id").values_list("id", "updated_at", "posted_on")) == before
    assert Posting.history.count() == history


def test_an_unchanged_board_answers_304_to_the_validators_of_the_last_sync(boards_world, board_server):
    # given a board that sends an ETag and honours If-None-Match
    board_server.expect_request(PATHS["greenhouse"], headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"), headers={"ETag": '"v1"'})
    source = make_source(boards_world, board_server, "greenhouse")
    assert source_sync(source=source).created == 3

    # when it is synced again
    run = source_sync(source=Source.objects.get(pk=source.pk))

    # then the board was asked conditionally, and nothing changed
    assert run.outcome == "not_modified"
    assert board_server.log[-1][0].headers["If-None-Match"] == '"v1"'
    assert Posting.objects.filter(closed_on__isnull=True).count() == 3


def test_a_posting_that_left_its_board_is_closed_and_reopens_when_it_comes_back(boards_world, board_server):
    full = board_json("greenhouse.json")
    source = make_source(boards_world, board_server, "greenhouse")
    serve_board(board_server, "greenhouse", full)
    source_sync(source=source)

    # when a sync no longer sees job 4012002
    board_server.clear()
    serve_board(board_server, "greenhouse", {"jobs": [job for job in full["jobs"] if job["id"] != 4012002]})
    run = source_sync(source=Source.objects.get(pk=source.pk))

    # then it is closed on the day of that sync, and stays
    assert (run.closed, run.reopened, run.unchanged) == (1, 0, 2)
    gone = Posting.objects.get(source=source.slug, external_id="4012002")
    assert gone.closed_on == timezone.localdate()
    assert gone.status == "published"  # it still counts where it was posted

    # when it comes back, it reopens
    board_server.clear()
    serve_board(board_server, "greenhouse", full)
    run = source_sync(source=Source.objects.get(pk=source.pk))
    assert (run.closed, run.reopened) == (0, 1)
    gone.refresh_from_db()
    assert gone.closed_on is None


def test_a_board_that_suddenly_lists_nothing_closes_nothing_until_a_second_sync_agrees(boards_world, board_server):
    source = make_source(boards_world, board_server, "greenhouse")
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source_sync(source=source)
    board_server.clear()
    serve_board(board_server, "greenhouse", {"jobs": [], "meta": {"total": 0}})

    first = source_sync(source=Source.objects.get(pk=source.pk))

    assert (first.outcome, first.closed) == ("applied", 0)
    assert "nothing is closed until the next sync agrees" in first.note
    assert Posting.objects.filter(closed_on__isnull=True).count() == 3

    second = source_sync(source=Source.objects.get(pk=source.pk))

    assert second.closed == 3
    assert not Posting.objects.filter(closed_on__isnull=True).exists()


def test_an_empty_answer_followed_by_jobs_starts_the_rule_again(boards_world, board_server):
    source = make_source(boards_world, board_server, "greenhouse")
    serve_board(board_server, "greenhouse", {"jobs": []})
    source_sync(source=source)
    board_server.clear()
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source_sync(source=Source.objects.get(pk=source.pk))
    board_server.clear()
    serve_board(board_server, "greenhouse", {"jobs": []})

    run = source_sync(source=Source.objects.get(pk=source.pk))

    assert run.closed == 0 and Source.objects.get(pk=source.pk).empty_answers == 1


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(boards_world, board_server):
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")

    run = source_sync(source=source, dry_run=True)

    assert (run.outcome, run.created) == ("dry_run", 3)
    assert not Posting.objects.exists() and not DemandMark.objects.exists()
    assert Source.objects.get(pk=source.pk).last_synced_at is None


# --- Failing sources ---------------------------------------------------------------------------------------


def test_three_failed_syncs_in_a_row_pause_a_source_with_its_reason(boards_world, board_server):
    board_server.expect_request(PATHS["greenhouse"]).respond_with_data("Not Found", status=404)
    source = make_source(boards_world, board_server, "greenhouse")

    for _ in range(3):
        run = source_sync(source=Source.objects.get(pk=source.pk))
        assert run.outcome == "failed"

    source.refresh_from_db()
    assert source.consecutive_failures == 3
    assert source.paused_reason.startswith("Paused on ")
    assert "404: no such board" in source.paused_reason
    # beat passes it by
    Source.objects.filter(pk=source.pk).update(next_sync_at=None)
    assert sources_claim_due() == []


def test_a_paused_source_named_on_the_command_line_is_tried_and_resumed_when_it_works(boards_world, board_server):
    source = make_source(boards_world, board_server, "greenhouse")
    Source.objects.filter(pk=source.pk).update(paused_reason="Paused: board down", consecutive_failures=3)
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    out = io.StringIO()

    call_command("sync_sources", "--source", source.slug, stdout=out)

    source.refresh_from_db()
    assert (source.paused_reason, source.consecutive_failures) == ("", 0)
    assert "3 listed: 3 created" in out.getvalue()


def test_an_editor_resumes_a_paused_source(boards_world, board_server):
    source = make_source(boards_world, board_server, "greenhouse")
    Source.objects.filter(pk=source.pk).update(paused_reason="Paused: board down", consecutive_failures=3)

    source_resume(source=Source.objects.get(pk=source.pk))

    assert sources_claim_due(trigger="test") == [source.pk]


# --- Commands and the schedule ----------------------------------------------------------------------------


def test_add_source_sets_up_a_source_and_sync_sources_runs_it(boards_world, board_server):
    serve_board(board_server, "lever", board_json("lever.json"))
    out = io.StringIO()

    call_command("add_source", "lever", "contoso", "--employer", "Contoso Health", "--segment", "healthcare",
                 "--base-url", board_server.url_for(""), "--interval", "12", stdout=out)  # fmt: skip
    source = Source.objects.get()
    call_command("sync_sources", stdout=out)

    assert (source.kind, source.board, source.interval_hours, source.segment.slug) == ("lever", "contoso", 12,
                                                                                      "healthcare")  # fmt: skip
    assert source.employer.name == "Contoso Health"  # created
    assert Posting.objects.filter(source=source.slug, employer=source.employer).count() == 2
    assert "2 listed: 2 created" in out.getvalue()


def test_add_source_refuses_bad_input_naming_it(boards_world):
    with pytest.raises(CommandError, match="Unknown segment 'nope'"):
        call_command("add_source", "greenhouse", "acme", "--employer", "Acme", "--segment", "nope")
    with pytest.raises(CommandError, match="board: For this kind the board is the http"):
        call_command("add_source", "jsonld", "careers", "--employer", "Acme", "--segment", "finance")
    with pytest.raises(CommandError, match="board: The board's name"):
        call_command("add_source", "greenhouse", "a/b?c", "--employer", "Acme", "--segment", "finance")


def test_sync_sources_exits_1_naming_the_failure_and_a_dry_run_writes_nothing(boards_world, board_server):
    board_server.expect_request(PATHS["greenhouse"]).respond_with_data("<html>oops</html>", content_type="text/html")
    source = make_source(boards_world, board_server, "greenhouse")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 of 1 sync"):
        call_command("sync_sources", "--source", str(source.pk), "--dry-run", stdout=out)

    assert "Expected JSON" in out.getvalue()
    assert SourceRun.objects.get().outcome == "failed"


def test_the_beat_schedule_claims_due_sources_once_and_syncs_them(boards_world, board_server):
    # given one due source, one synced recently, and one switched off
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    due = make_source(boards_world, board_server, "greenhouse")
    later = make_source(boards_world, board_server, "greenhouse", name="Later", interval_hours=6)
    Source.objects.filter(pk=later.pk).update(next_sync_at=timezone.now() + datetime.timedelta(hours=1))
    off = make_source(boards_world, board_server, "greenhouse", name="Off")
    Source.objects.filter(pk=off.pk).update(active=False)
    entry = settings.CELERY_BEAT_SCHEDULE["sources-sync-due"]

    # when beat's task runs (by name, as beat sends it)
    from careerhub.celery import app

    with pytest.MonkeyPatch.context():
        result = app.tasks[entry["task"]].apply(kwargs=entry["kwargs"]).get()

    # then only the due source was claimed, its next sync moved on by its interval
    assert result == [due.pk]
    due.refresh_from_db()
    assert due.next_sync_at > timezone.now() + datetime.timedelta(hours=23)
    assert entry["schedule"] <= 15 * 60
    # and claiming again finds nothing due
    assert sources_claim_due() == []


def test_a_claimed_source_is_synced_by_its_task_after_commit(boards_world, board_server,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")

    with django_capture_on_commit_callbacks(execute=True):
        sources_claim_due(trigger="beat")

    run = SourceRun.objects.get(source=source)
    assert (run.trigger, run.outcome, run.created) == ("beat", "applied", 3)


def test_a_synced_postings_page_shows_what_its_board_said_and_when_it_closed(boards_world, board_server, client):
    serve_board(board_server, "lever", board_json("lever.json"))
    source = make_source(boards_world, board_server, "lever")
    source_sync(source=source)
    posting = Posting.objects.get(external_id="6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e01")
    Posting.objects.filter(pk=posting.pk).update(closed_on=datetime.date(2026, 11, 2))

    page = client.get(posting.get_absolute_url()).content.decode()

    assert "Hybrid · Engineering · Full-time · GBP 85,000\N{EN DASH}105,000 a year" in page
    assert "No longer on its board since" in page and "2 Nov 2026" in page


def test_syncs_leave_no_history_entries_on_their_source(boards_world, board_server):
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")
    entries = source.history.count()

    sources_claim_due()
    source_sync(source=Source.objects.get(pk=source.pk))

    assert source.history.count() == entries  # the run records say what syncs did


def test_a_board_read_by_a_second_source_links_exact_duplicates_and_records_the_runs_duration(boards_world,
                                                                                             board_server):
    # given a Greenhouse board synced by one source
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    first = make_source(boards_world, board_server, "greenhouse")
    source_sync(source=first)

    # when a second source (a mirror) lists the same jobs
    mirror = make_source(boards_world, board_server, "greenhouse", name="Northwind mirror")
    run = source_sync(source=mirror)

    # then its postings are stored under its own source, each linked to the first one it duplicates
    originals = postings_of(first)
    copies = postings_of(mirror)
    assert run.created == 3 and set(copies) == set(originals)
    assert all(copies[key].duplicate_of_id == originals[key].pk for key in copies)
    # and the run record says how long it took
    assert run.duration > 0
