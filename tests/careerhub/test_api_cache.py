"""The exact cache of anonymous API answers: served until a write commits, never for editors or drafts."""

import uuid

import pytest
from django.db import transaction
from rest_framework.test import APIClient

import careerhub.core.api.cache
from careerhub.core.api.cache import content_generation, is_write
from careerhub.core.bulk import insert_rows
from curriculum.models import Track
from postings.models import Employer
from tests.careerhub.api_world import SECRETS, build_world, token_client

# Real commits: the generation is bumped after a transaction commits, never inside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    # A cache of its own: the shared one (Redis under CI) may remember an earlier run's answers.
    monkeypatch.setattr(careerhub.core.api.cache, "cache", LocMemCache(f"api-{uuid.uuid4()}", {}))
    settings.CAREERHUB_API_CACHE_SECONDS = 3600
    return build_world()


def test_anonymous_answers_are_served_from_the_cache_until_a_write_commits(world, django_assert_num_queries):
    # given an anonymous answer in the cache
    first = APIClient().get("/api/v1/tracks/")
    with django_assert_num_queries(0):
        again = APIClient().get("/api/v1/tracks/")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert APIClient().get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # when an editor changes the track through the API
    editor = token_client(editor=True)
    assert editor.patch("/api/v1/tracks/platform/", {"title": "Platform, renamed"}, format="json").status_code == 200
    # then the next anonymous read is fresh, and cached again
    fresh = APIClient().get("/api/v1/tracks/")
    assert "Platform, renamed" in {row["title"] for row in fresh.json()["results"]}
    assert fresh["ETag"] != first["ETag"]
    with django_assert_num_queries(0):
        assert APIClient().get("/api/v1/tracks/").content == fresh.content


def test_a_write_by_any_path_makes_the_next_read_fresh(world):
    APIClient().get("/api/v1/tracks/")
    Track.objects.filter(slug="platform").update(title="Changed outside the API")  # no service, no signal
    assert "Changed outside the API" in APIClient().get("/api/v1/tracks/").content.decode()


def test_rolled_back_and_empty_writes_keep_the_generation(world):
    before = content_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        Track.objects.filter(slug="platform").update(title="Never committed")
        raise RuntimeError
    Track.objects.filter(slug="no-such-track").update(title="Nothing")
    assert content_generation() == before
    assert "Never committed" not in APIClient().get("/api/v1/tracks/").content.decode()


def test_one_bump_per_transaction_after_its_commit(world):
    before = content_generation()
    with transaction.atomic():
        Track.objects.filter(slug="platform").update(title="One")
        Track.objects.filter(slug="platform").update(title="Two")
        assert content_generation() == before  # not before the commit: readers would cache old rows anew
    assert content_generation() == before + 1


def test_rows_streamed_with_copy_bump_the_generation(world):
    before = content_generation()
    with transaction.atomic():
        insert_rows(Employer, ("name", "slug", "website"), [("Copied Corp", "copied-corp", "")])
    assert content_generation() > before


def test_editors_answers_are_never_stored_nor_served_the_publics(world, client, editor):
    editor_api = token_client(editor=True)
    drafts = editor_api.get("/api/v1/tracks/").content.decode()
    assert "Draft track" in drafts
    public = APIClient().get("/api/v1/tracks/").content.decode()
    assert not any(secret in public for secret in SECRETS)
    assert editor_api.get("/api/v1/tracks/").json()["count"] == 3  # not the public's cached page
    client.force_login(editor)  # a session cookie, no token
    assert "Draft track" in client.get("/api/v1/tracks/").content.decode()


def test_write_statements_are_recognised():
    assert is_write('INSERT INTO "t" VALUES (1)') and is_write("  update t set a = 1")
    assert is_write("DELETE FROM t") and is_write("WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x")
    assert not is_write('SELECT "updated_at", "deleted" FROM t') and not is_write("WITH x AS (SELECT 1) SELECT 2")


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
