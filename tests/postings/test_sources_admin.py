"""The admin of job-board sources: each source's state and last run in a fixed number of queries, its runs on its
page, a paused source's reason, and the actions that sync, resume and switch off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postings.sources.models import Source, SourceRun
from postings.sources.services import source_sync
from tests.postings.boards import PATHS, board_json, make_source, serve_board

pytestmark = pytest.mark.django_db


def sources_with_runs(world, server, count: int) -> list[Source]:
    made = []
    for _ in range(count):
        source = make_source(world, server, "greenhouse", name=f"Board {Source.objects.count()}")
        source_sync(source=source)
        made.append(source)
    return made


def test_the_sources_list_shows_state_and_last_run_in_a_fixed_number_of_queries(boards_world, board_server,
                                                                                editor_client):  # fmt: skip
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    sources_with_runs(boards_world, board_server, 2)
    url = reverse("admin:postings_source_changelist")
    editor_client.get(url)
    with CaptureQueriesContext(connection) as two:
        response = editor_client.get(url)
    assert response.status_code == 200
    assert "Applied (3 listed)" in response.content.decode()

    sources_with_runs(boards_world, board_server, 3)
    with CaptureQueriesContext(connection) as five:
        editor_client.get(url)

    assert len(five.captured_queries) == len(two.captured_queries)


def test_a_paused_source_shows_why_on_the_list_and_its_page(boards_world, board_server, editor_client):
    board_server.expect_request(PATHS["greenhouse"]).respond_with_data("", status=503)
    source = make_source(boards_world, board_server, "greenhouse")
    for _ in range(3):
        source_sync(source=Source.objects.get(pk=source.pk))

    listing = editor_client.get(reverse("admin:postings_source_changelist")).content.decode()
    page = editor_client.get(reverse("admin:postings_source_change", args=[source.pk])).content.decode()

    for html in (listing, page):
        assert "Paused" in html and "answered HTTP 503 after 2 retries" in html
    assert page.count("Failed: ") == 3  # its three runs


def test_a_runs_page_lists_each_refused_posting_with_its_reason(boards_world, board_server, editor_client):
    jobs = board_json("greenhouse.json")["jobs"]
    jobs[0]["content"] = ""
    serve_board(board_server, "greenhouse", {"jobs": jobs})
    run = source_sync(source=make_source(boards_world, board_server, "greenhouse"))

    page = editor_client.get(reverse("admin:postings_sourcerun_change", args=[run.pk])).content.decode()
    listing = editor_client.get(reverse("admin:postings_sourcerun_changelist")).content.decode()

    assert "<code>4012001</code>, description: This field is required." in page
    assert response_ok(listing)


def response_ok(html: str) -> bool:
    return "Northwind Analytics (Greenhouse job board)" in html


def test_the_actions_sync_resume_and_switch_off(boards_world, board_server, editor_client,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    source = make_source(boards_world, board_server, "greenhouse")
    Source.objects.filter(pk=source.pk).update(paused_reason="Paused: down", consecutive_failures=3)
    url = reverse("admin:postings_source_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, {"action": "sync_now", "_selected_action": [source.pk]})
    assert SourceRun.objects.get(source=source).trigger == "admin"

    editor_client.post(url, {"action": "resume", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert (source.paused_reason, source.consecutive_failures, source.next_sync_at) == ("", 0, None)

    editor_client.post(url, {"action": "switch_off", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert source.active is False


def test_an_editor_adds_a_source_in_the_admin(boards_world, editor_client):
    response = editor_client.post(
        reverse("admin:postings_source_add"),
        {"name": "Contoso on Lever", "slug": "", "kind": "lever", "board": "contoso", "base_url": "",
         "employer": boards_world["employer"].pk, "segment": boards_world["health"].pk, "interval_hours": 24,
         "active": "on"},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get()
    assert (source.slug, source.endpoint) == ("contoso-on-lever", "https://api.lever.co")


def test_the_admin_refuses_a_board_that_does_not_fit_its_kind(boards_world, editor_client):
    response = editor_client.post(
        reverse("admin:postings_source_add"),
        {"name": "Pages", "slug": "pages", "kind": "jsonld", "board": "careers", "base_url": "",
         "employer": boards_world["employer"].pk, "segment": boards_world["health"].pk, "interval_hours": 24},
    )  # fmt: skip

    assert response.status_code == 200 and not Source.objects.exists()
    assert "For this kind the board is the http(s) address to read." in response.content.decode()


def test_a_source_may_not_take_the_slug_of_postings_written_another_way(boards_world, editor_client):
    response = editor_client.post(
        reverse("admin:postings_source_add"),
        {"name": "API", "slug": "api", "kind": "lever", "board": "contoso", "base_url": "",
         "employer": boards_world["employer"].pk, "segment": boards_world["health"].pk, "interval_hours": 24},
    )  # fmt: skip

    assert "is the source of postings written another way" in response.content.decode()
    assert not Source.objects.exists()
