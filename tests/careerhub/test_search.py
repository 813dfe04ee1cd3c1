"""Site search: every kind of content, ranked, drafts never found, hostile queries harmless.

Runs on SQLite (the simple fallback) and, with DATABASE_URL set, on PostgreSQL full-text search.
"""

import pytest

from careerhub.editorial import Status
from careerhub.search import MAX_QUERY, clean_query, site_search
from tests.factories import ModuleFactory, PostingFactory, SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db
DRAFT = {"status": Status.DRAFT, "published_at": None}


@pytest.fixture
def content(db):
    track = TrackFactory(title="Observability track", summary="Monitoring models in production.")
    return {
        "segment": SegmentFactory(name="Regulated banks", summary="Banks need monitoring and audit trails."),
        "track": track,
        "module": ModuleFactory(track=track, title="Monitoring basics", body="Dashboards and alerts."),
        "skill": SkillFactory(name="Prometheus", description="Monitoring and alerting toolkit."),
        "posting": PostingFactory(title="Monitoring engineer", description="Own monitoring for ML models."),
        "drafts": [
            SegmentFactory(name="Monitoring draft segment", **DRAFT),
            TrackFactory(title="Monitoring draft track", **DRAFT),
            ModuleFactory(title="Monitoring draft module", **DRAFT),
            ModuleFactory(title="Monitoring module of a draft track", track=TrackFactory(**DRAFT)),
            SkillFactory(name="Monitoring draft skill", **DRAFT),
            PostingFactory(title="Monitoring draft posting", **DRAFT),
        ],
    }


def test_finds_every_kind_of_published_content_and_no_draft(content):
    hits = site_search("monitoring")
    kinds = {hit.kind for hit in hits}
    assert kinds == {"segment", "track", "module", "skill", "posting"}
    titles = " ".join(hit.title for hit in hits)
    assert "draft" not in titles.lower()


def test_a_title_match_ranks_above_a_text_match(content):
    hits = site_search("prometheus")
    assert hits[0].title == "Prometheus"
    hits = site_search("monitoring engineer")
    assert hits[0].kind == "posting" and hits[0].title.startswith("Monitoring engineer")


def test_search_page_lists_results_with_links(client, content):
    page = client.get("/search/?q=monitoring").content.decode()
    assert 'href="/skills/' in page and content["module"].get_absolute_url() in page
    assert "draft" not in page.lower()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\x00",
        "mon\x00itoring",
        "<script>alert(1)</script>",
        "a" * 5000,
        "' OR 1=1 --",
        "!!! & | :*",
        "é ü 漢字",
    ],
)
def test_hostile_and_odd_queries_are_harmless(client, content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    if len(query) > MAX_QUERY:
        assert f"Only the first {MAX_QUERY} characters" in page


def test_clean_query_drops_nul_and_caps_length():
    assert clean_query("a\x00b") == ("a b", None)
    query, note = clean_query("x" * (MAX_QUERY + 1))
    assert len(query) == MAX_QUERY and note
