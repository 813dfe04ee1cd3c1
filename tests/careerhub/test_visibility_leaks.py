"""Nothing reaches the public through a published child of a hidden parent, or through a count.

Each test is one leak of the hardening issue's finding 7: search, sitemaps, the postings page's employer
choices, the coverage endpoints (and their ``Vary``), the demand ranks and the all-segments totals. All
of them ask the one visibility rule (``careerhub.core.visibility``).
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from careerhub.core.editorial import Status
from careerhub.search import site_search
from postings.demand.engine import recompute_all
from segments.services import segment_set_status, segment_update
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory, TrackFactory, UserFactory
from tests.world import DRAFT, NOW, add_postings

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(django_capture_on_commit_callbacks):
    """A published segment whose postings ask for a visible skill (3 of 5) and a draft skill (5 of 5), and a
    draft segment with 4 published postings of its own employer, all asking for the visible skill."""
    segment = SegmentFactory(name="Open segment", slug="open-segment")
    draft_segment = SegmentFactory(name="Secret segment", slug="secret-segment", **DRAFT)
    visible = SkillFactory(name="Visible skill", slug="visible-skill")
    secret = SkillFactory(name="Secret skill", slug="secret-skill", **DRAFT)
    employer = EmployerFactory(name="Open Employer", slug="open-employer")
    secret_employer = EmployerFactory(name="Hushhush Ltd", slug="hushhush")
    with django_capture_on_commit_callbacks(execute=True):
        add_postings(segment=segment, employer=employer, day=NOW, count=5, skills={visible: 3, secret: 5})
        secret_postings = add_postings(
            segment=draft_segment, employer=secret_employer, day=NOW, count=4, skills={visible: 4}, prefix="secret"
        )
    return {"segment": segment, "draft_segment": draft_segment, "visible": visible, "secret_postings": secret_postings}


def test_search_never_finds_a_published_posting_of_a_draft_segment(hidden):
    # given a published posting in a draft segment
    posting = hidden["secret_postings"][0]
    assert posting.status == Status.PUBLISHED

    # when the public searches for words of every posting's title
    hits = site_search("MLOps Engineer")

    # then only the open segment's postings are found
    titles = [hit.title for hit in hits if hit.kind == "posting"]
    assert len(titles) == 5 and all(title.endswith(", Open Employer") for title in titles), titles
    assert posting.get_absolute_url() not in {hit.url for hit in hits}


@override_settings(DEBUG=False)
def test_the_sitemaps_list_no_posting_of_a_draft_segment(client, hidden):
    # when
    postings = client.get("/sitemap-postings.xml").content.decode()
    segments = client.get("/sitemap-segments.xml").content.decode()

    # then
    assert "/postings/" in postings
    assert all(posting.get_absolute_url() not in postings for posting in hidden["secret_postings"])
    assert "secret-segment" not in segments


def test_employer_choices_are_only_employers_with_public_postings(client, hidden):
    # given an employer whose only posting is a draft, one with only an archived posting
    drafts_only = EmployerFactory(name="Drafty Corp", slug="drafty")
    archived_only = EmployerFactory(name="Bygone Inc", slug="bygone")
    add_postings(segment=hidden["segment"], employer=drafts_only, day=NOW, count=1, skills={}, prefix="d")
    add_postings(segment=hidden["segment"], employer=archived_only, day=NOW, count=1, skills={}, prefix="a")
    drafts_only.postings.update(status=Status.DRAFT, published_at=None)
    archived_only.postings.update(status=Status.ARCHIVED)

    # when the public lists employers and filters postings by each
    listed = [row["slug"] for row in client.get("/api/v1/employers/").json()["results"]]
    filtered = {slug: client.get("/api/v1/postings/", {"employer": slug}).status_code for slug in
                ("open-employer", "hushhush", "drafty", "bygone")}  # fmt: skip
    page = client.get("/postings/", {"employer_name": "Hushhush"}).content.decode()

    # then only the employer with a public posting is a choice (the others are unknown slugs) or is found
    assert listed == ["open-employer"]
    assert filtered == {"open-employer": 200, "hushhush": 400, "drafty": 400, "bygone": 400}
    assert "Hushhush Ltd" not in page


def test_coverage_shows_drafts_only_to_editors_and_varies_on_credentials(client, hidden):
    # given a draft track aimed at the open segment, and a user who may view tracks but is not staff
    draft = TrackFactory(slug="draft-track", **DRAFT)
    draft.segments.add(hidden["segment"])
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_track", "view_module", "view_segment"]))
    client.force_login(user)

    # when they read both coverage endpoints
    listing = client.get("/api/v1/coverage/")
    detail = client.get("/api/v1/tracks/draft-track/coverage/")

    # then the draft is not there, and both answers say they depend on the credentials
    assert listing.status_code == 200 and "draft-track" not in listing.content.decode()
    assert detail.status_code == 404
    for answer in (listing, client.get("/api/v1/tracks/draft-track/coverage/")):
        vary = {part.strip().lower() for part in answer.get("Vary", "").split(",")}
        assert {"authorization", "cookie"} <= vary, answer.get("Vary")


def test_demand_ranks_count_only_visible_skills(client, hidden):
    # when the open segment's demand rows are read (the draft skill has more postings than the visible one)
    rows = client.get("/api/v1/demand/", {"segment": "open-segment"}).json()["results"]

    # then the first visible row is rank 1
    assert [(row["skill"]["slug"], row["rank"]) for row in rows] == [("visible-skill", 1)]


def test_all_segments_totals_count_only_postings_of_published_segments(client, hidden):
    # when the demand of all segments together is read
    rows = client.get("/api/v1/demand/").json()["results"]
    top = client.get("/api/v1/demand/top/").json()

    # then the draft segment's 4 postings count nowhere: 3 of 5 postings ask for the visible skill
    assert [(row["skill"]["slug"], row["postings"], row["total"]) for row in rows] == [("visible-skill", 3, 5)]
    assert top["total"] == 5
    assert [(row["skill"]["slug"], row["postings"]) for row in top["results"]] == [("visible-skill", 3)]


def test_a_segment_published_or_hidden_moves_the_all_segments_figures_exactly(
    client, hidden, django_capture_on_commit_callbacks
):
    # given the draft segment published (an admin action), then the open one returned to draft (an edit)
    with django_capture_on_commit_callbacks(execute=True):
        segment_set_status(segments=[hidden["draft_segment"]], status=Status.PUBLISHED)
    published = client.get("/api/v1/demand/").json()["results"]
    with django_capture_on_commit_callbacks(execute=True):
        segment_update(segment=hidden["segment"], data={"status": Status.DRAFT})
    hidden_again = client.get("/api/v1/demand/").json()["results"]

    # then all segments together count the segments published at each moment, as a full recount does
    assert [(row["skill"]["slug"], row["postings"], row["total"]) for row in published] == [("visible-skill", 7, 9)]
    assert [(row["skill"]["slug"], row["postings"], row["total"]) for row in hidden_again] == [("visible-skill", 4, 4)]
    comparison, _ = recompute_all(apply=False)
    assert comparison.cells == [] and comparison.totals == []
