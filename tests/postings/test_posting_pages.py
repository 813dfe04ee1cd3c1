"""The postings list and detail pages: filters, pagination, demo labels, highlighted skills, drafts."""

import datetime

import pytest
from django.db import connection

from careerhub.core.editorial import Status
from postings.models import PostingSkill
from postings.views import MAX_PAGES, POSTINGS_PER_PAGE
from tests.factories import EmployerFactory, PostingFactory, SegmentFactory, SkillFactory, make_editor

pytestmark = pytest.mark.django_db


def body(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def kubernetes(db):
    return SkillFactory(name="Kubernetes", slug="kubernetes")


def test_filters_by_segment_skill_employer_and_dates(client, kubernetes):
    bank, clinic = SegmentFactory(slug="bank"), SegmentFactory(slug="clinic")
    acme = EmployerFactory(slug="acme")
    wanted = PostingFactory(title="Wanted role", segment=bank, employer=acme, posted_on=datetime.date(2026, 5, 1))
    wanted.skills.add(kubernetes)
    PostingFactory(title="Other segment", segment=clinic, employer=acme, posted_on=datetime.date(2026, 5, 1))
    PostingFactory(title="Too old", segment=bank, employer=acme, posted_on=datetime.date(2025, 1, 1)).skills.add(
        kubernetes
    )
    PostingFactory(title="No skill", segment=bank, employer=acme, posted_on=datetime.date(2026, 5, 1))
    rejected = PostingFactory(title="Rejected link", segment=bank, employer=acme, posted_on=datetime.date(2026, 5, 1))
    PostingSkill.objects.create(posting=rejected, skill=kubernetes, state=PostingSkill.State.REJECTED)

    page = body(
        client, "/postings/?segment=bank&skill=kubernetes&employer=acme&posted_from=2026-01-01&posted_to=2026-12-31"
    )
    assert "Wanted role" in page
    for other in ["Other segment", "Too old", "No skill", "Rejected link"]:
        assert other not in page
    assert "Postings 1 to 1, newest first." in page
    assert "Wanted role" in body(client, "/postings/?q=wanted")


def test_filters_by_part_of_the_employers_name_typed_in_a_text_field(client):
    harbor, cedar = EmployerFactory(name="Harbor Trust Bank"), EmployerFactory(name="Cedar Health")
    PostingFactory(title="Harbor role", employer=harbor)
    PostingFactory(title="Cedar role", employer=cedar)
    page = body(client, "/postings/?employer_name=trust")
    assert "Harbor role" in page and "Cedar role" not in page
    assert 'name="employer_name" value="trust"' in page
    assert "<option" not in page.split('id="f-employer"')[1].split("</div>")[0]  # no list of every employer
    assert "No published postings match these filters." in body(client, "/postings/?employer_name=nobody")


def test_words_match_the_title_and_text(client):
    PostingFactory(title="Platform engineer", description="You will run Kubernetes clusters.")
    PostingFactory(title="Data analyst", description="You will write SQL reports for the platform team.")
    both = body(client, "/postings/?q=platform")
    assert "Platform engineer" in both and "Data analyst" in both
    one = body(client, "/postings/?q=kubernetes+engineer")
    assert "Platform engineer" in one and "Data analyst" not in one
    assert "No published postings match" in body(client, "/postings/?q=kubernetes+analyst")
    if connection.vendor == "postgresql":  # words, stemmed, in the stored search document
        assert "Platform engineer" in body(client, "/postings/?q=engineers")
        stop_words_only = body(client, "/postings/?q=the")
        assert "Platform engineer" in stop_words_only and "Data analyst" in stop_words_only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("posted_from=2026-13-45", "Posted on or after: Enter a valid date."),
        ("skill=no-such-skill", "Skill (slug): Select a valid choice."),
        ("posted_to=" + "9" * 300, "Posted on or before: Enter a valid date."),
        ("segment=%00", "Segment (slug): "),
    ],
)
def test_bad_filters_are_named_and_ignored(client, query, message):
    PostingFactory(title="Still listed")
    page = body(client, f"/postings/?{query}")
    assert "Some filters were ignored" in page and message in page
    assert "Still listed" in page


def test_drafts_never_listed_nor_offered_as_filters(client):
    PostingFactory(title="Draft posting", status=Status.DRAFT, published_at=None)
    SkillFactory(name="Draft skill", slug="draft-skill", status=Status.DRAFT, published_at=None)
    SegmentFactory(name="Draft segment", slug="draft-seg", status=Status.DRAFT, published_at=None)
    page = body(client, "/postings/")
    assert "Draft posting" not in page and "draft-skill" not in page and "draft-seg" not in page
    assert "Select a valid choice" in body(client, "/postings/?skill=draft-skill")


def test_pagination_keeps_filters_and_survives_bad_page_numbers(client):
    segment = SegmentFactory(slug="bank")
    for n in range(POSTINGS_PER_PAGE + 5):
        PostingFactory(
            title=f"Role number {n:03d}",
            segment=segment,
            posted_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
        )
    first = body(client, "/postings/?segment=bank")
    assert "Postings 1 to 20" in first and 'href="?segment=bank&amp;page=2" rel="next"' in first
    assert "Role number 024" in first and "Role number 004" not in first
    second = body(client, "/postings/?segment=bank&page=2")
    assert "Postings 21 to 25" in second and 'rel="next"' not in second and 'page=1" rel="prev"' in second
    assert "Role number 004" in second and "Role number 024" not in second
    for bad in ["-1", "abc", "%00", "1e9"]:
        assert "Role number 024" in body(client, f"/postings/?page={bad}")  # page 1
    assert "No postings on this page" in body(client, "/postings/?page=999999999999999999999")  # the last page


def test_the_list_stops_at_its_last_page_and_says_how_to_go_further(client, monkeypatch):
    import postings.views

    monkeypatch.setattr(postings.views, "MAX_PAGES", 1)
    for _ in range(POSTINGS_PER_PAGE + 1):
        PostingFactory()
    page = body(client, "/postings/")
    assert "the list stops at page 1: narrow the dates" in page and 'rel="next"' not in page
    assert MAX_PAGES >= 50


def test_demo_postings_are_labelled_in_list_detail_and_search(client):
    demo = PostingFactory(title="Demo platform role", source="demo")
    PostingFactory(title="Real platform role", source="upload")
    page = body(client, "/postings/")
    assert page.count('<span class="demo-label">demo</span>') == 2  # the demo posting, and the footer's key
    detail = body(client, demo.get_absolute_url())
    assert "This is a synthetic demo posting" in detail
    assert "demo-label" in body(client, "/search/?q=demo platform")


def test_detail_highlights_extracted_skills_and_escapes_hostile_text(client, kubernetes):
    draft = SkillFactory(name="Hush", slug="hush", status=Status.DRAFT, published_at=None)
    title = "Kubernetes engineer"
    description = "<script>alert(1)</script> Run Kubernetes and hush things. " + "x" * 400
    posting = PostingFactory(title=title, description=description)
    offset = len(title) + 1
    start = offset + description.index("Kubernetes")
    PostingSkill.objects.create(
        posting=posting, skill=kubernetes, start=start, end=start + 10, matched_text="Kubernetes"
    )
    PostingSkill.objects.create(
        posting=posting,
        skill=kubernetes.category.skills.create(
            name="Engineer", slug="engineer", status=Status.PUBLISHED, published_at=posting.published_at
        ),
        start=11,
        end=19,
        matched_text="engineer",
    )
    hush = offset + description.index("hush")
    PostingSkill.objects.create(posting=posting, skill=draft, start=hush, end=hush + 4, matched_text="hush")
    # a span left behind by an edit of the text must not break the page
    PostingSkill.objects.create(posting=posting, skill=SkillFactory(), start=10_000, end=10_010)
    page = body(client, posting.get_absolute_url())
    assert '<mark title="Kubernetes">Kubernetes</mark> and hush things' in page
    assert 'Kubernetes <mark title="Engineer">engineer</mark></h1>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Hush" not in page  # a draft skill is not named, even as a highlight


def test_draft_posting_is_for_editors_only(client):
    posting = PostingFactory(status=Status.DRAFT, published_at=None)
    body(client, posting.get_absolute_url(), 404)
    body(client, "/postings/999999999/", 404)
    client.force_login(make_editor())
    assert "Preview: this posting" in body(client, posting.get_absolute_url())


def test_postings_still_on_their_board_or_closed_are_chosen_in_the_form(client):
    # given a posting its board still lists and one it no longer does
    PostingFactory(title="Still on the board")
    PostingFactory(title="Gone from the board", closed_on=datetime.date(2026, 11, 2))

    # when the list is filtered each way, and with a value that is neither
    closed = body(client, "/postings/?open=false")
    still_open = body(client, "/postings/?open=true")
    neither = body(client, "/postings/?open=perhaps")

    # then each shows its own, the form keeps the choice, and a bad value is named and ignored
    assert "Gone from the board" in closed and "Still on the board" not in closed
    assert '<option value="false" selected>Closed</option>' in closed
    assert "Still on the board" in still_open and "Gone from the board" not in still_open
    assert "Open (true: still listed by its board; false: closed): Enter true or false." in neither
    assert "Still on the board" in neither and "Gone from the board" in neither
