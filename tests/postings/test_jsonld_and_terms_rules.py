"""Rules at the edges: sitemaps of sitemaps, robots.txt that cannot be read, pages that fail, and the new-term
detector's small rules."""

import pytest

from postings.models import Posting
from postings.sources.services import source_sync
from postings.terms.detect import NearMisses, inflection, one_edit_apart, product_like
from tests.postings.boards import board_text, make_source

JOB = ('<script type="application/ld+json">{{"@type": "JobPosting", "identifier": "{id}", "title": "Job {id}", '
       '"description": "Run Kubernetes.", "datePosted": "2026-10-01"}}</script>')  # fmt: skip


def serve_pages(server, ids, *, robots="User-agent: *\nAllow: /\n", robots_status=200):
    server.expect_request("/robots.txt").respond_with_data(robots, status=robots_status)
    base = server.url_for("").rstrip("/")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/jobs.xml</loc></sitemap></sitemapindex>")  # fmt: skip
    urls = "".join(f"<url><loc>{base}/jobs/{n}</loc></url>" for n in ids)
    jobs = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    server.expect_request("/sitemap.xml").respond_with_data(index, content_type="application/xml")
    server.expect_request("/jobs.xml").respond_with_data(jobs, content_type="application/xml")


@pytest.mark.django_db
def test_a_sitemap_index_is_followed_one_level_and_a_failing_page_keeps_its_posting_open(boards_world, board_server):
    serve_pages(board_server, [1, 2])
    board_server.expect_request("/jobs/1").respond_with_data(JOB.format(id=1), content_type="text/html")
    board_server.expect_request("/jobs/2").respond_with_data(JOB.format(id=2), content_type="text/html")
    source = make_source(boards_world, board_server, "jsonld", "/sitemap.xml")
    assert source_sync(source=source).created == 2

    # when page 2 fails on the next sync
    board_server.clear()
    serve_pages(board_server, [1, 2])
    board_server.expect_request("/jobs/1").respond_with_data(JOB.format(id=1), content_type="text/html")
    board_server.expect_request("/jobs/2").respond_with_data("", status=500)
    run = source_sync(source=source)

    # then its posting is not closed (it may still be there), and the run says which page failed
    assert (run.outcome, run.closed, run.unchanged) == ("applied", 0, 1)
    assert "answered HTTP 500" in run.note
    assert not Posting.objects.filter(closed_on__isnull=False).exists()


@pytest.mark.django_db
def test_a_robots_txt_that_cannot_be_reached_keeps_the_pages_out(boards_world, board_server):
    serve_pages(board_server, [1], robots="", robots_status=503)
    source = make_source(boards_world, board_server, "jsonld", "/sitemap.xml")

    run = source_sync(source=source)

    assert run.outcome == "failed" and "robots.txt" in run.error and "disallows" in run.error
    assert not [r for r, _ in board_server.log if r.path.startswith("/jobs/")]


@pytest.mark.django_db
def test_a_missing_robots_txt_sets_no_rule(boards_world, board_server):
    board_server.expect_request("/robots.txt").respond_with_data("", status=404)
    board_server.expect_request("/careers").respond_with_data(board_text("careers.html"), content_type="text/html")

    run = source_sync(source=make_source(boards_world, board_server, "jsonld", "/careers"))

    assert (run.outcome, run.created) == ("applied", 2)


@pytest.mark.django_db
def test_a_careers_page_whose_json_ld_is_broken_fails_with_the_reason(boards_world, board_server):
    board_server.expect_request("/robots.txt").respond_with_data("", status=404)
    board_server.expect_request("/careers").respond_with_data(
        '<script type="application/ld+json">{"@type": "JobPosting", </script>', content_type="text/html"
    )

    run = source_sync(source=make_source(boards_world, board_server, "jsonld", "/careers"))

    assert run.outcome == "failed" and "JSON-LD block 1 is not valid JSON" in run.error


@pytest.mark.parametrize(
    "token, expected",
    [("LangChain", True), ("S3", True), ("EC2", True), ("Node.js", True), ("RLHF", True), ("CEO", False),
     ("USA", False), ("Python", False), ("2nd", False), ("team", False), ("A", False)],
)  # fmt: skip
def test_what_looks_like_a_product(token, expected):
    assert product_like(token) is expected


def test_one_edit_apart_and_inflections():
    assert one_edit_apart("kubernets", "kubernetes") and one_edit_apart("terrafrom", "terraform")
    assert one_edit_apart("airflaw", "airflow") and not one_edit_apart("airflow", "airflow")
    assert not one_edit_apart("kubernetes", "kubectl")
    assert inflection("pipelines", "pipeline") and inflection("databases", "database")


def test_a_near_miss_names_one_skill_or_none():
    near = NearMisses([("terraform", 1), ("kubernetes", 2), ("scala", 3), ("scale", 4)])

    assert near.lookup("terrafrom") == 1 and near.lookup("kubernets") == 2
    assert near.lookup("kuberentes") == 2  # two letters swapped
    assert near.lookup("terraforms") is None  # a plural, not a typo
    assert near.lookup("scalx") is None  # one edit from two skills: not a near-miss of either
    assert near.lookup("go") is None  # too short to judge
