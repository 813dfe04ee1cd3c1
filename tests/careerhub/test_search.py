"""Site search: every kind of content, ranked, drafts never found, hostile queries harmless.

Runs on SQLite (the simple fallback) and, with DATABASE_URL set, on PostgreSQL full-text search.
"""

import datetime

import pytest

from careerhub import search
from careerhub.core import ranking
from careerhub.core.editorial import Status
from careerhub.core.ranking import MAX_QUERY, clean_query
from careerhub.search import site_search
from tests.factories import (
    ModuleFactory,
    PostingFactory,
    SegmentFactory,
    SkillAliasFactory,
    SkillFactory,
    TrackFactory,
)

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
        "%s %% %(x)s {0}",
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


def _posting_titles(query: str) -> set[str]:
    return {hit.title.split(",")[0] for hit in site_search(query) if hit.kind == "posting"}


@pytest.mark.parametrize(
    ("newest", "found"),
    [
        # given the newest postings hold enough matches, they are the ones ranked
        (["Canary rollout 6", "Other 5", "Canary rollout 4", "Canary rollout 3", "Other 2"],
         {"Canary rollout 6", "Canary rollout 4", "Canary rollout 3"}),
        # given too few matches among the newest postings, older matches are reached
        (["Other 6", "Other 5", "Canary rollout 4", "Other 3", "Other 2"],
         {"Canary rollout 4", "Canary rollout 1", "Canary rollout 0"}),
    ],
)  # fmt: skip
def test_only_the_newest_matching_published_postings_are_ranked(monkeypatch, newest, found):
    # given: three candidates, read first from the four newest postings (on PostgreSQL the
    # date-ordered read covers the first case, the fallback through the index the second)
    monkeypatch.setattr(search, "POSTING_CANDIDATES", 3)
    monkeypatch.setattr(search, "POSTING_SCAN", 4)
    PostingFactory(title="Canary rollout draft", posted_on=datetime.date(2026, 10, 31), **DRAFT)
    for day, title in enumerate(["Canary rollout 0", "Canary rollout 1", *reversed(newest)], start=1):
        PostingFactory(title=title, description="Ships models.", posted_on=datetime.date(2026, 10, day))
    # when / then
    assert _posting_titles("canary rollout") == found


def test_edited_content_is_found_by_its_new_words_only(content):
    # given: content edited after it was first saved
    content["skill"].name = "Alertmanager"
    content["skill"].save()
    content["module"].body = "Tracing with OpenTelemetry."
    content["module"].save()
    content["track"].title = "Reliability track"
    content["track"].save()
    # when / then: the stored search documents follow every edit
    assert [hit.title for hit in site_search("alertmanager")] == ["Alertmanager"]
    assert not [hit for hit in site_search("prometheus") if hit.kind == "skill"]
    assert [hit.kind for hit in site_search("opentelemetry")] == ["module"]
    assert [hit.kind for hit in site_search("reliability")] == ["track"]


def test_a_hit_shows_its_first_text_cut_at_the_snippet_length_and_links_to_its_page(content):
    # given: a module without a summary, a long segment summary, a posting with its employer
    module = ModuleFactory(title="Canary basics", summary="", body="Canary releases step by step.")
    segment = SegmentFactory(name="Canary users", summary="canary " * 60)
    posting = PostingFactory(title="Canary engineer", description="Ships canaries.", source="demo")
    # when
    hits = {hit.kind: hit for hit in site_search("canary")}
    # then
    assert hits["module"].snippet == "Canary releases step by step."
    assert hits["module"].title == f"Canary basics ({module.track.title})"
    assert hits["module"].url == module.get_absolute_url()
    assert hits["segment"].snippet == segment.summary[: search.SNIPPET] + "…"
    assert hits["segment"].url == segment.get_absolute_url()
    assert hits["posting"].title == f"Canary engineer, {posting.employer.name}" and hits["posting"].demo
    assert hits["posting"].url == posting.get_absolute_url()


# --- Ranking: names and aliases before texts, typos found -----------------------------------------------------


@pytest.fixture
def kubernetes_world(db):
    """Kubernetes (alias k8s) and four skills named before it whose descriptions mention it, as in the seed."""
    kubernetes = SkillFactory(name="Kubernetes", description="Container orchestration.")
    SkillAliasFactory(skill=kubernetes, text="k8s")
    for name in ("AKS", "CKA", "CKAD", "GKE"):
        SkillFactory(name=name, description=f"{name}: managed or certified Kubernetes.")
    ModuleFactory(title="Containers", body="Kubernetes from the ground up.")
    return kubernetes


def test_the_skill_named_as_searched_comes_first(kubernetes_world):
    hits = site_search("kubernetes")
    assert (hits[0].kind, hits[0].title) == ("skill", "Kubernetes")
    later = [hit.title for hit in hits[1:] if hit.kind == "skill"]
    assert sorted(later) == ["AKS", "CKA", "CKAD", "GKE"]


def test_an_alias_finds_its_skill_and_the_page_names_the_alias(client, kubernetes_world):
    # when
    hits = site_search("k8s")
    page = client.get("/search/", {"q": "k8s"}).content.decode()
    # then
    assert [(hit.kind, hit.title, hit.alias) for hit in hits] == [("skill", "Kubernetes", "k8s")]
    link = f'href="{kubernetes_world.get_absolute_url()}">Kubernetes</a>'
    assert f'{link} <span class="alias">(alias: k8s)</span>' in page


def test_a_typo_finds_the_skill_first(kubernetes_world):
    # PostgreSQL: trigram similarity and stems; SQLite: difflib over names and aliases
    hits = site_search("kubernets")
    assert (hits[0].kind, hits[0].title) == ("skill", "Kubernetes")


def test_prefix_before_word_before_text_across_kinds(db):
    # given: one hit of each tier for "canary", each of another kind
    SkillFactory(name="Argo Rollouts", description="Canary and blue-green deployments.")
    ModuleFactory(title="Progressive canary releases", body="Step by step.")
    TrackFactory(title="Canary engineering", summary="Shipping safely.")
    SegmentFactory(name="Canary", summary="Early adopters.")
    # when
    hits = site_search("canary")
    # then: exact, prefix, word, text
    assert [(hit.kind, hit.tier) for hit in hits] == [
        ("segment", ranking.EXACT), ("track", ranking.PREFIX), ("module", ranking.WORD), ("skill", ranking.TEXT),
    ]  # fmt: skip


@pytest.mark.parametrize("query", ["%", "_", "k%s", "k_s", "%%%", "\\", "*", "''"])
def test_wildcards_are_plain_text(kubernetes_world, query):
    assert [hit for hit in site_search(query) if hit.kind == "skill"] == []


@pytest.mark.parametrize("query", ["!!!", "%", "-- ; --", "\x00\x00"])
def test_a_query_without_letters_or_digits_says_so(client, kubernetes_world, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert site_search(query) == []
    if query.strip("\x00"):
        assert "Search for a word: letters or digits" in page


def test_a_search_made_again_reads_the_content_afresh(content):
    """The SQL of a search is kept per query (PostgreSQL); the rows it finds never are."""
    before = site_search("monitoring")
    draft = content["drafts"][0]
    draft.status, draft.published_at = Status.PUBLISHED, datetime.datetime.now(datetime.UTC)
    draft.save()
    content["posting"].status = Status.ARCHIVED
    content["posting"].save()
    after = {hit.title for hit in site_search("monitoring")}
    assert "Monitoring draft segment" in after
    assert not any(title.startswith("Monitoring engineer") for title in after)
    assert len(before) == len(after)
