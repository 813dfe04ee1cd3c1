"""Reading the API: only published content for the public, filters, ?fields=, pagination, ETag/304,
CORS, throttling and the error format."""

import uuid

import pytest
from rest_framework.test import APIClient

from careerhub.core.editorial import Status
from postings.models import Posting
from tests.conftest import fresh_copy, shared_by_module
from tests.world import API_SECRETS, build_api_world, token_client

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/segments/",
    "/api/v1/tracks/",
    "/api/v1/modules/",
    "/api/v1/skills/",
    "/api/v1/skill-categories/",
    "/api/v1/employers/",
    "/api/v1/postings/",
    "/api/v1/demand/",
    "/api/v1/demand/?segment=finance",
    "/api/v1/demand/top/",
    "/api/v1/demand/top/?segment=finance",
    "/api/v1/demand/trends/",
    "/api/v1/demand/cooccurrence/?min_postings=1",
]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once for the module; each test's writes are rolled back after it."""
    yield from shared_by_module(django_db_blocker, build_api_world)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def details(world):
    return [
        "/api/v1/segments/finance/",
        "/api/v1/tracks/platform/",
        f"/api/v1/modules/{world['module'].pk}/",
        "/api/v1/skills/kubernetes/",
        "/api/v1/skill-categories/orchestration/",
        "/api/v1/employers/acme/",
        f"/api/v1/postings/{world['postings'][0].pk}/",
    ]


def assert_no_secrets(response):
    text = response.content.decode()
    leaked = [secret for secret in API_SECRETS if secret in text]
    assert not leaked, f"{response.request['PATH_INFO']} shows {leaked}"


@pytest.mark.parametrize("url", LISTS)
def test_public_lists_show_published_content_only(world, url):
    response = APIClient().get(url)
    assert response.status_code == 200
    assert response.json()["results"], url
    assert_no_secrets(response)
    assert '"status"' not in response.content.decode()  # an editor-only field


def test_public_details_show_published_content_only(world):
    for url in details(world):
        response = APIClient().get(url)
        assert response.status_code == 200, url
        assert_no_secrets(response)


def test_published_detail_lists_its_published_parts(world):
    track = APIClient().get("/api/v1/tracks/platform/").json()
    assert track["segments"] == ["finance"]
    assert [m["slug"] for m in track["modules"]] == ["k8s-basics"]
    assert [s["slug"] for s in track["modules"][0]["skills"]] == ["kubernetes"]
    skill = APIClient().get("/api/v1/skills/kubernetes/").json()
    assert (skill["aliases"], skill["category"]["slug"]) == (["k8s"], "orchestration")
    assert [(t["track"], t["module"]) for t in skill["taught_in"]] == [("platform", "k8s-basics")]
    posting = APIClient().get(f"/api/v1/postings/{world['postings'][0].pk}/").json()
    assert [s["slug"] for s in posting["skills"]] == ["kubernetes", "docker"]  # text order, then those added


def test_counts_include_published_items_only(world):
    client = APIClient()
    counts = {
        url: client.get(url).json()["count"]
        for url in ["/api/v1/segments/", "/api/v1/tracks/", "/api/v1/skills/", "/api/v1/employers/", "/api/v1/modules/"]
    }
    assert counts == {
        "/api/v1/segments/": 1,
        "/api/v1/tracks/": 1,
        "/api/v1/skills/": 2,
        "/api/v1/employers/": 1,
        "/api/v1/modules/": 1,
    }
    assert len(client.get("/api/v1/postings/").json()["results"]) == 3
    categories = {c["slug"]: c["skill_count"] for c in client.get("/api/v1/skill-categories/").json()["results"]}
    assert categories["orchestration"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/segments/hidden-segment/",
        "/api/v1/tracks/draft-track/",
        "/api/v1/tracks/archived-track/",
        "/api/v1/skills/secret-skill/",
        "/api/v1/employers/stealth-corp/",
        "/api/v1/tracks/no-such-track/",
    ],
)
def test_unpublished_details_are_not_found_like_missing_ones(world, url):
    response = APIClient().get(url)
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert_no_secrets(response)


def test_unpublished_postings_and_modules_are_not_found(world):
    hidden = Posting.objects.exclude(status=Status.PUBLISHED).get()
    in_hidden_segment = Posting.objects.get(segment__slug="hidden-segment")
    for pk in (hidden.pk, in_hidden_segment.pk):
        assert APIClient().get(f"/api/v1/postings/{pk}/").status_code == 404
    for module in world["track"].modules.exclude(status=Status.PUBLISHED):
        assert APIClient().get(f"/api/v1/modules/{module.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/postings/?skill=secret-skill", "skill"),
        ("/api/v1/postings/?segment=hidden-segment", "segment"),
        ("/api/v1/postings/?employer=stealth-corp", "employer"),
        ("/api/v1/tracks/?segment=hidden-segment", "segment"),
        ("/api/v1/tracks/?skill=secret-skill", "skill"),
        ("/api/v1/demand/?segment=hidden-segment", "segment"),
        ("/api/v1/demand/?skill=secret-skill", "skill"),
        ("/api/v1/demand/top/?segment=hidden-segment", "segment"),
        ("/api/v1/modules/?track=draft-track", "track"),
    ],
)
def test_filtering_by_an_unpublished_item_answers_as_for_a_missing_one(world, url, field):
    hidden = APIClient().get(url)
    missing = APIClient().get(url.rsplit("=", 1)[0] + "=does-not-exist")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["errors"][0]["field"] == field
    assert hidden.json() == missing.json()


def test_the_status_filter_is_ignored_for_the_public_and_works_for_editors(world):
    assert len(APIClient().get("/api/v1/tracks/?status=draft").json()["results"]) == 1  # ignored: published only
    editor = token_client(editor=True)
    drafts = editor.get("/api/v1/tracks/?status=draft").json()["results"]
    assert [t["slug"] for t in drafts] == ["draft-track"]
    assert drafts[0]["status"] == "draft"


def test_editors_see_drafts_and_editor_fields_a_token_without_staff_does_not(world):
    editor = token_client(editor=True)
    assert editor.get("/api/v1/segments/").json()["count"] == 2
    assert editor.get("/api/v1/skills/secret-skill/").status_code == 200
    assert "status" in editor.get(f"/api/v1/postings/{world['postings'][0].pk}/").json()
    outsider = token_client("view_segment")  # not staff: not an editor
    assert outsider.get("/api/v1/segments/").json()["count"] == 1


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/api/v1/postings/?segment=finance&skill=kubernetes&employer=acme", 3),
        ("/api/v1/postings/?from=2026-09&to=2026-09", 3),
        ("/api/v1/postings/?from=2026-10", 0),
        ("/api/v1/postings/?posted_from=2026-09-02&posted_to=2026-09-02", 1),
        ("/api/v1/postings/?q=platform%203", 1),
        ("/api/v1/postings/?category=orchestration", 3),
        ("/api/v1/skills/?q=K8S", 1),
        ("/api/v1/skills/?category=orchestration&type=tool", 1),
        ("/api/v1/tracks/?level=engineer&segment=finance&skill=kubernetes", 1),
        ("/api/v1/tracks/?level=architect", 0),
        ("/api/v1/employers/?segment=finance", 1),
        ("/api/v1/modules/?track=platform&skill=kubernetes", 1),
        ("/api/v1/segments/?q=financial", 1),
        ("/api/v1/demand/?segment=finance&skill=kubernetes&from=2026-09&to=2026-09", 1),
        # All segments: September only; October's posting is in the hidden segment, which counts nowhere public.
        ("/api/v1/demand/?category=orchestration", 1),
    ],
)
def test_filters(world, url, count):
    response = APIClient().get(url)
    assert response.status_code == 200, response.json()
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/postings/?from=2026-13", "from"),
        ("/api/v1/postings/?to=yesterday", "to"),
        ("/api/v1/postings/?posted_from=2026-02-30", "posted_from"),
        ("/api/v1/postings/?ordering=description", "ordering"),
        ("/api/v1/tracks/?level=%3Cscript%3E", "level"),
        ("/api/v1/demand/top/?limit=100000000000000000000", "limit"),
        ("/api/v1/demand/top/?from=2026-05&to=2026-01", "from"),
        ("/api/v1/demand/cooccurrence/?min_postings=0", "min_postings"),
        ("/api/v1/skills/?q=" + "x" * 201, "q"),
        ("/api/v1/skills/?q=a%00b", "q"),
        ("/api/v1/postings/?fields=id,nope", "fields"),
    ],
)
def test_bad_parameters_get_the_error_format_naming_the_field(world, url, field):
    response = APIClient().get(url)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in {error["field"] for error in body["errors"]}


def test_fields_trims_the_payload(world):
    page = APIClient().get("/api/v1/postings/?fields=id,title").json()
    assert {tuple(sorted(row)) for row in page["results"]} == {("id", "title")}
    track = APIClient().get("/api/v1/tracks/platform/?fields=slug,modules").json()
    assert set(track) == {"slug", "modules"}
    # An editor-only field is unknown to the public, even when asked for.
    assert APIClient().get("/api/v1/tracks/?fields=status").status_code == 400


def test_content_pages_are_numbered_and_postings_use_a_cursor(world):
    client = APIClient()
    page = client.get("/api/v1/skills/?page_size=1&page=1").json()
    assert page["count"] == 2 and page["next"].endswith("page=2&page_size=1")
    assert client.get("/api/v1/skills/?page=9").status_code == 404
    seen, url = [], "/api/v1/postings/?page_size=1"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == sorted((p.pk for p in world["postings"]), reverse=True)
    oldest_first = client.get("/api/v1/postings/?ordering=posted_on&page_size=2").json()
    assert [row["id"] for row in oldest_first["results"]] == [p.pk for p in world["postings"][:2]]
    assert client.get(oldest_first["next"]).json()["results"][0]["id"] == world["postings"][2].pk


def test_demand_endpoints_figures(world):
    client = APIClient()
    [row] = client.get("/api/v1/demand/?segment=finance&skill=kubernetes").json()["results"]
    assert (row["segment"], row["skill"]["slug"], row["month"], row["postings"], row["total"], row["rank"]) == (
        "finance",
        "kubernetes",
        "2026-09",
        3,
        3,
        1,
    )
    assert row["share"] is None  # 3 postings are too few to show a share
    top = client.get("/api/v1/demand/top/?segment=finance&from=2026-01&to=2026-12").json()
    assert [(r["rank"], r["skill"]["slug"], r["postings"]) for r in top["results"]] == [
        (1, "kubernetes", 3),
        (1, "docker", 3),
    ]
    [pair] = client.get("/api/v1/demand/cooccurrence/?min_postings=1").json()["results"]
    assert ({pair["skill_a"]["slug"], pair["skill_b"]["slug"]}, pair["postings"]) == ({"docker", "kubernetes"}, 3)
    assert top["total"] == 3
    trends = client.get("/api/v1/demand/trends/?to=2026-10").json()
    assert [t["months"] for t in trends["results"][0]["trends"]] == [3, 6, 12]
    by_skill = {t["skill"]["slug"]: t["trends"][0] for t in trends["results"]}
    assert by_skill["kubernetes"]["current"] == 3  # all segments: the published ones (not 1 more in the hidden one)
    assert "secret-skill" not in by_skill


def test_conditional_get_answers_304_until_the_content_changes(world):
    client = APIClient()
    first = client.get("/api/v1/tracks/")
    etag = first["ETag"]
    assert etag and "Authorization" in first["Vary"]
    assert client.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert (
        client.get("/api/v1/demand/top/", HTTP_IF_NONE_MATCH=client.get("/api/v1/demand/top/")["ETag"]).status_code
        == 304
    )
    world["track"].title = "Renamed track"
    world["track"].save()
    changed = client.get("/api/v1/tracks/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cors_read_access_follows_the_setting(world, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://board.example"]
    allowed = APIClient().get("/api/v1/skills/", HTTP_ORIGIN="https://board.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://board.example"
    assert "Access-Control-Allow-Origin" not in APIClient().get("/api/v1/skills/", HTTP_ORIGIN="https://evil.example")
    preflight = APIClient().options(
        "/api/v1/skills/", HTTP_ORIGIN="https://board.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    assert "Access-Control-Allow-Credentials" not in preflight


def test_anonymous_clients_are_throttled_before_token_users(world, settings, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    from careerhub.core.api.throttles import CountingThrottle

    # A cache of its own: the shared one (Redis under CI) may remember an earlier run's requests.
    monkeypatch.setattr(CountingThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}), raising=False)
    settings.CAREERHUB_API_THROTTLE_RATES = {"anon": "2/minute", "user": "4/minute"}
    anonymous = APIClient(REMOTE_ADDR="198.51.100.7")
    assert [anonymous.get("/api/v1/segments/").status_code for _ in range(3)] == [200, 200, 429]
    refused = anonymous.get("/api/v1/segments/")
    assert set(refused.json()) == {"detail", "errors"} and int(refused["Retry-After"]) > 0
    user = token_client()
    assert [user.get("/api/v1/segments/").status_code for _ in range(5)] == [200, 200, 200, 200, 429]


def test_unknown_api_paths_answer_in_the_error_format(world):
    response = APIClient().patch("/api/v1/postings/2.5e-3/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_the_fast_posting_rows_equal_drf_generic_output(world):
    from rest_framework import serializers

    from postings.api.serializers import PostingSerializer
    from postings.selectors import posting_list

    posting = posting_list(include_unpublished=True).get(pk=world["postings"][0].pk)
    posting.duplicate_of = world["postings"][1]
    serializer = PostingSerializer(posting)
    generic = serializers.ModelSerializer.to_representation(serializer, posting)
    assert serializer.data == generic
    assert generic["skills"] and generic["published_at"] and generic["duplicate_of"] == world["postings"][1].pk



@pytest.mark.parametrize("as_editor", [False, True])
def test_posting_rows_of_a_list_equal_the_postings_own_answers(world, as_editor):
    client = token_client(editor=True) if as_editor else APIClient()
    rows = client.get("/api/v1/postings/").json()["results"]
    assert rows and any(row["skills"] for row in rows)
    for row in rows:
        assert row == client.get(f"/api/v1/postings/{row['id']}/").json()


def test_a_known_slug_that_matches_no_row_is_an_empty_page_and_an_unknown_one_is_refused(
    world, django_assert_num_queries
):
    # given a published segment with no postings (its slug matched in the list's own query)
    from tests.factories import SegmentFactory

    SegmentFactory(slug="empty-segment")
    client = APIClient()
    # when the public filters postings by it, then by a slug that names nothing
    with django_assert_num_queries(2):  # the empty page, then the one check that the slug is known
        empty = client.get("/api/v1/postings/?segment=empty-segment")
    unknown = client.get("/api/v1/postings/?segment=nothing-by-that-name")
    # then the first is an empty page, the second a 400 naming the parameter
    assert empty.status_code == 200 and empty.json()["results"] == []
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "segment"
