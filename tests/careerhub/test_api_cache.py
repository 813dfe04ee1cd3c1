"""The exact cache of anonymous API answers: served until a write commits through a service, never for editors.

Every test caches an anonymous answer, writes through the service an editor (or an import, or the
demand drain) would use, and checks that the next anonymous answer shows the write. Writes that
skip ``content_changed()`` would leave the cached answer in place, so these tests fail on a
missing call.
"""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

import careerhub.core.api.cache
import careerhub.core.cache
from careerhub.core.cache import bump_on_commit, content_changed, content_generation, generation, generation_key
from curriculum.models import Track
from curriculum.services import module_update, track_delete, track_set_status, track_update
from postings.demand import marks as demand_marks
from postings.demand.engine import recompute_marked
from postings.ingest.services import postings_import
from postings.models import Posting
from postings.services import posting_delete, skill_update
from segments.services import segment_update
from tests.careerhub.api_world import SECRETS, build_world, token_client

# Real commits: the generation is bumped after a transaction commits, never inside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    # A cache of its own: the shared one (Redis under CI) may remember an earlier run's answers.
    own = LocMemCache(f"api-{uuid.uuid4()}", {})
    monkeypatch.setattr(careerhub.core.api.cache, "cache", own)
    monkeypatch.setattr(careerhub.core.cache, "cache", own)
    settings.CAREERHUB_API_CACHE_SECONDS = 3600
    return build_world()


def cached(url: str, django_assert_num_queries) -> bytes:
    """Ask for ``url`` anonymously twice; the second answer comes from the cache (no query)."""
    first = APIClient().get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = APIClient().get(url)
    assert again.content == first.content
    return first.content


def test_anonymous_answers_are_served_from_the_cache_until_a_write_commits(world, django_assert_num_queries):
    # given an anonymous answer in the cache
    first = APIClient().get("/api/v1/tracks/")
    with django_assert_num_queries(0):
        again = APIClient().get("/api/v1/tracks/")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert APIClient().get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # when a publisher changes the live track through the API
    editor = token_client("publish_revision", editor=True)
    assert editor.patch("/api/v1/tracks/platform/", {"title": "Platform, renamed"}, format="json").status_code == 200
    # then the next anonymous read is fresh, and cached again
    fresh = APIClient().get("/api/v1/tracks/")
    assert "Platform, renamed" in {row["title"] for row in fresh.json()["results"]}
    assert fresh["ETag"] != first["ETag"]
    with django_assert_num_queries(0):
        assert APIClient().get("/api/v1/tracks/").content == fresh.content


@pytest.mark.parametrize(
    ("url", "write", "shown"),
    [
        ("/api/v1/segments/", lambda w: segment_update(segment=w["segment"], data={"name": "Banks"}), "Banks"),
        ("/api/v1/tracks/", lambda w: track_update(track=w["track"], data={"title": "Platform II"}), "Platform II"),
        ("/api/v1/modules/", lambda w: module_update(module=w["module"], data={"title": "K8s 101"}), "K8s 101"),
        ("/api/v1/skills/", lambda w: skill_update(skill=w["skill"], data={"name": "K8s"}), '"K8s"'),
        # links only (no field of the module itself changes)
        ("/api/v1/modules/", lambda w: module_update(module=w["module"], data={"skills": [w["docker"]]}), "docker"),
    ],
    ids=["segment", "track", "module", "skill", "module-skills"],
)
def test_an_edit_through_a_service_makes_the_next_read_fresh(world, django_assert_num_queries, url, write, shown):
    # given a cached answer that does not show the edit yet
    assert shown not in cached(url, django_assert_num_queries).decode()
    # when the edit commits
    write(world)
    # then the next read shows it
    assert shown in APIClient().get(url).content.decode()


@pytest.fixture
def no_drain(monkeypatch):
    """Hold the demand drain back, as a busy worker would: a posting write must make answers fresh by itself."""
    monkeypatch.setattr(demand_marks, "request_drain_after_commit", lambda: None)


def test_coverage_answers_are_fresh_after_the_coverage_recompute(world, django_assert_num_queries, monkeypatch):
    from careerhub.core.editorial import Status
    from curriculum.coverage import marks as coverage_marks
    from curriculum.coverage.services import coverage_drain, coverage_recompute_all
    from curriculum.services import module_create
    from postings.demand.services import demand_recompute_all
    from tests.world import create_postings

    # given the coverage list cached, with docker a gap of the platform track in finance (a core skill there:
    # 30 more postings ask for it, enough for finance's skills to be judged)
    create_postings(
        {"employer": world["acme"], "segment": world["segment"], "posted_on": datetime.date(2026, 9, 10),
         "title": f"Container platform {n}", "external_id": f"api-docker-{n}", "description": "Docker.",
         "source": "api", "extract": False, "skills": [world["docker"]]}
        for n in range(30)
    )
    demand_recompute_all(trigger="test")
    coverage_recompute_all(trigger="test")
    url = "/api/v1/coverage/?track=platform&segment=finance"
    gaps = {gap["skill"] for gap in APIClient().get(url).json()["results"][0]["gaps"]}
    assert "docker" in gaps
    cached(url, django_assert_num_queries)
    # when a new module teaches it, and its coverage is recomputed later (the drain held back till then)
    monkeypatch.setattr(coverage_marks, "request_drain_after_commit", lambda: None)
    module_create(track=world["track"], order=9, title="Docker", slug="docker-101", skills=[world["docker"]],
                  status=Status.PUBLISHED)
    assert "docker" in cached(url, django_assert_num_queries).decode()  # not recomputed yet
    assert coverage_drain(trigger="test")["tracks"] > 0
    # then the next read no longer names the gap
    gaps = {gap["skill"] for gap in APIClient().get(url).json()["results"][0]["gaps"]}
    assert "docker" not in gaps


def test_a_posting_sent_through_the_api_shows_at_once(world, django_assert_num_queries, no_drain):
    cached("/api/v1/postings/", django_assert_num_queries)
    editor = token_client(editor=True)
    sent = {"external_id": "new-1", "title": "Freshly sent", "employer": "Acme Bank", "segment": "finance",
            "posted_on": "2026-09-10", "description": "Kubernetes on call."}
    assert editor.post("/api/v1/postings/", sent, format="json").status_code == 201
    assert "Freshly sent" in APIClient().get("/api/v1/postings/").content.decode()


def test_imported_postings_show_at_once(world, django_assert_num_queries, no_drain):
    cached("/api/v1/postings/", django_assert_num_queries)
    row = {"external_id": "imp-1", "title": "Imported role", "employer": "Acme Bank", "segment": "finance",
           "posted_on": "2026-09-11", "description": "Docker and Kubernetes."}
    report = postings_import([(1, row)], source="feed")
    assert not report.refused
    assert "Imported role" in APIClient().get("/api/v1/postings/").content.decode()


def test_a_status_change_and_a_delete_show_at_once(world, django_assert_num_queries, no_drain):
    assert "Platform track" in cached("/api/v1/tracks/", django_assert_num_queries).decode()
    track_set_status(tracks=[world["track"]], status="draft")
    assert "Platform track" not in APIClient().get("/api/v1/tracks/").content.decode()
    track_set_status(tracks=Track.objects.filter(slug="platform"), status="published")
    assert "Platform track" in cached("/api/v1/tracks/", django_assert_num_queries).decode()
    track_delete(track=Track.objects.get(slug="platform"))
    assert "Platform track" not in APIClient().get("/api/v1/tracks/").content.decode()
    # a posting, whose delete also marks demand
    assert "Platform 1" in cached("/api/v1/postings/", django_assert_num_queries).decode()
    posting_delete(posting=Posting.objects.get(title="Platform 1"))
    assert "Platform 1" not in APIClient().get("/api/v1/postings/").content.decode()


def test_the_demand_drain_makes_demand_answers_fresh(world, django_assert_num_queries, no_drain):
    url = "/api/v1/demand/top/?segment=finance&from=2026-09&to=2026-09"
    # given a posting whose demand is not recomputed yet (its drain is held back) ...
    posting_delete(posting=Posting.objects.get(title="Platform 1"))
    # ... and the answer cached after its commit, still counting it
    before = APIClient().get(url).json()
    assert before["total"] == 3
    cached(url, django_assert_num_queries)
    # when the drain recomputes and commits
    assert recompute_marked().items > 0
    # then the next read has the new figures
    assert APIClient().get(url).json()["total"] == 2


def test_a_rolled_back_write_keeps_the_generation(world, django_assert_num_queries):
    before = content_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        track_update(track=world["track"], data={"title": "Never committed"})
        raise RuntimeError
    assert content_generation() == before
    assert "Never committed" not in APIClient().get("/api/v1/tracks/").content.decode()


def test_one_bump_per_transaction_after_its_commit(world):
    before = content_generation()
    with transaction.atomic():
        for _ in range(3):  # as a service saving three objects does
            content_changed()
        assert content_generation() == before  # not before the commit: readers would cache old rows anew
    assert content_generation() == before + 1


def test_a_rolled_back_savepoint_drops_only_its_own_bump(world):
    key = f"test-{uuid.uuid4()}"
    before = generation(key)
    with transaction.atomic(), pytest.raises(RuntimeError), transaction.atomic():
        bump_on_commit(key)
        raise RuntimeError
    assert generation(key) == before  # the savepoint's callback went with it
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            bump_on_commit(key)
            raise RuntimeError
        bump_on_commit(key)  # the outer transaction asks too
    assert generation(key) == before + 1


def test_a_lost_counter_restarts_from_the_clock(world):
    key = f"test-{uuid.uuid4()}"
    old = generation(key)
    careerhub.core.cache.cache.delete(generation_key(key))
    started = int(datetime.datetime.now().timestamp() * 1_000_000)
    content_changed()  # outside a transaction: at once
    careerhub.core.cache.bump(key)
    assert generation(key) >= max(old, started)


def test_a_cache_outage_never_fails_a_write(world, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(careerhub.core.cache.cache, "incr", down)
    monkeypatch.setattr(careerhub.core.cache.cache, "add", down)
    track_update(track=world["track"], data={"title": "Written anyway"})  # logged, not raised
    assert Track.objects.get(slug="platform").title == "Written anyway"


def test_editors_answers_are_never_stored_nor_served_the_publics(world, client, editor):
    editor_api = token_client(editor=True)
    drafts = editor_api.get("/api/v1/tracks/").content.decode()
    assert "Draft track" in drafts
    public = APIClient().get("/api/v1/tracks/").content.decode()
    assert not any(secret in public for secret in SECRETS)
    assert editor_api.get("/api/v1/tracks/").json()["count"] == 3  # not the public's cached page
    client.force_login(editor)  # a session cookie, no token
    assert "Draft track" in client.get("/api/v1/tracks/").content.decode()


def test_answers_are_kept_per_host_because_pages_link_by_absolute_url(world, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://board.example"]
    first = APIClient().get("/api/v1/postings/?page_size=1", HTTP_HOST="localhost")
    second = APIClient().get("/api/v1/postings/?page_size=1", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="https://board.example")
    assert first.json()["next"].startswith("http://localhost/")
    assert second.json()["next"].startswith("http://127.0.0.1/")
    hit = APIClient().get("/api/v1/postings/?page_size=1", HTTP_HOST="127.0.0.1", HTTP_ORIGIN="https://board.example")
    assert hit.content == second.content and hit["Access-Control-Allow-Origin"] == "https://board.example"
    assert "Cookie" in hit["Vary"] and hit["ETag"] == second["ETag"]


def test_what_the_client_accepts_is_part_of_the_key(world):
    assert APIClient().get("/api/v1/tracks/").status_code == 200
    assert APIClient().get("/api/v1/tracks/", HTTP_ACCEPT="text/html").status_code == 406


def test_the_counters_live_in_the_shared_cache_when_not_replaced(db):
    """Without the test's own cache the counter is Django's default cache (Redis when CACHE_URL is set)."""
    key = f"test-{uuid.uuid4()}"
    value = generation(key)
    assert cache.get(generation_key(key)) == value
    cache.delete(generation_key(key))
