import pytest
from django.contrib.auth.models import Permission

from careerhub.core.editorial import Status
from tests.factories import ModuleFactory, SegmentFactory, TrackFactory, UserFactory

from .conftest import compute

pytestmark = pytest.mark.django_db


def test_coverage_list_shows_published_tracks_and_segments_with_gaps(client, world):
    # given: a draft track and a track aimed at a draft segment too
    draft = TrackFactory(slug="draft-track", status=Status.DRAFT, published_at=None)
    draft.segments.add(world["finance"])
    world["track"].segments.add(SegmentFactory(slug="hidden", status=Status.DRAFT, published_at=None))
    compute(world, world["track"], draft)

    # when
    body = client.get("/api/v1/coverage/").json()

    # then
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["track"], row["segment"], row["coverage"], row["level"]) == (
        "engineer-a",
        "finance",
        0.6667,
        "engineer",
    )
    assert row["gaps"] == [
        {
            "skill": "mlflow",
            "name": "MLflow",
            "postings": 12,
            "share": 0.4,
            "rank": 2,
            "trend": "too few postings",
            "rising": False,
            "tiers": ["core", "distinguishing"],
        }
    ]
    assert row["surplus"] == [{"skill": "airflow", "name": "Airflow", "postings": 3, "share": 0.1}]
    assert row["few_postings"] is False  # 30 postings: enough for shares and tiers
    assert row["as_of"] == world["as_of"].isoformat()


def test_coverage_list_filters_by_segment_and_level_and_refuses_a_bad_level(client, world):
    # given
    senior = TrackFactory(slug="senior", level="senior")
    senior.segments.add(world["finance"], world["health"])
    compute(world, world["track"], senior)

    # when / then
    assert [r["track"] for r in client.get("/api/v1/coverage/?level=senior").json()["results"]] == ["senior"] * 2
    assert {(r["track"], r["segment"]) for r in client.get("/api/v1/coverage/?segment=health").json()["results"]} == {
        ("senior", "health")
    }
    assert client.get("/api/v1/coverage/?segment=nowhere").json()["count"] == 0
    refused = client.get("/api/v1/coverage/?level=<script>")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "level"


def test_coverage_list_is_read_only(client, world):
    assert client.post("/api/v1/coverage/", {}).status_code in {401, 403, 405}
    assert client.delete(f"/api/v1/tracks/{world['track'].slug}/coverage/").status_code in {401, 403, 405}


def test_track_coverage_detail(client, world):
    # given: a twin track at the same level teaching Kubernetes
    twin = TrackFactory(slug="twin")
    ModuleFactory(track=twin, slug="twin-k8s").skills.add(world["k8s"])
    compute(world, world["track"], twin)

    # when
    body = client.get("/api/v1/tracks/engineer-a/coverage/").json()

    # then
    assert body["coverage"] == 0.6667 and body["computed"] is True and body["pending"] is False
    assert body["demand"]["as_of"] == world["as_of"].isoformat()
    assert body["demand"]["window_months"] == 12
    assert body["demand"]["tiers"]["core_share"] == 0.25 and body["demand"]["tiers"]["distinguishing_lift"] == 2.0
    assert [s["segment"] for s in body["segments"]] == ["finance"]
    assert body["duplicates"] == {
        "across_tracks": [{"skill": "kubernetes", "name": "Kubernetes", "tracks": ["twin"]}],
        "within_track": [],
        "taught_before": [],
    }
    assert body["modules"][0] == {
        "module": "clusters",
        "title": "Clusters",
        "skills": [
            {
                "skill": "kubernetes",
                "name": "Kubernetes",
                "demand": [{"segment": "finance", "postings": 18, "share": 0.6, "rank": 1}],
            }
        ],
    }
    assert [m["module"] for m in body["modules"]] == ["clusters", "controls"]  # the draft module is not shown
    assert {(row["segment"], row["coverage"]) for row in body["history"]} == {(None, 0.6667), ("finance", 0.6667)}


def test_track_coverage_of_a_draft_is_hidden_from_the_public_and_shown_to_editors(client, world):
    # given
    draft = TrackFactory(slug="draft-track", status=Status.DRAFT, published_at=None)
    draft.segments.add(world["finance"])
    compute(world, draft)
    assert client.get("/api/v1/tracks/draft-track/coverage/").status_code == 404
    assert client.get("/api/v1/tracks/nowhere/coverage/").status_code == 404

    # when: a user who may view tracks but is not staff asks, then a staff user with the same permission
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_track"))
    client.force_login(user)
    not_staff = client.get("/api/v1/tracks/draft-track/coverage/").status_code
    user.is_staff = True
    user.save()

    # then: the one visibility rule of pages and API: only active staff with the permission see drafts
    assert not_staff == 404
    assert client.get("/api/v1/tracks/draft-track/coverage/").json()["coverage"] == 0.0


def test_a_track_not_computed_yet_says_so_in_the_same_shape(client, world):
    body = client.get("/api/v1/tracks/engineer-a/coverage/").json()
    assert (body["computed"], body["coverage"], body["demand"], body["segments"]) == (False, None, None, [])
    assert body["duplicates"] == {"across_tracks": [], "within_track": [], "taught_before": []}


@pytest.mark.parametrize("tracks", [2, 7])
def test_coverage_endpoints_make_a_fixed_number_of_queries(client, world, django_assert_num_queries, tracks):
    # given
    built = [world["track"]]
    for n in range(tracks - 1):
        track = TrackFactory(slug=f"t{n}")
        track.segments.add(world["finance"], world["health"])
        ModuleFactory(track=track, slug=f"m{n}").skills.add(world["k8s"], world["sox"])
        ModuleFactory(track=track, slug=f"n{n}").skills.add(world["k8s"])
        built.append(track)
    compute(world, *built)

    # then: page of rows, counted in the same query (tracks and segments joined), the gap and surplus skills
    with django_assert_num_queries(2):
        assert client.get("/api/v1/coverage/").status_code == 200
    # track, coverage, segment rows, gap skills, pending marks, skills, other tracks, modules, history
    with django_assert_num_queries(9):
        assert client.get(f"/api/v1/tracks/{built[-1].slug}/coverage/").status_code == 200


def test_a_coverage_list_row_says_what_the_tracks_own_coverage_says_for_that_segment(client, world):
    # given: a track computed against two segments
    world["track"].segments.add(world["health"])
    compute(world, world["track"])

    # when: the list (plain rows) and the track's coverage (DRF's serializers on computed figures) are read
    listed = client.get("/api/v1/coverage/?track=engineer-a").json()["results"]
    detail = client.get("/api/v1/tracks/engineer-a/coverage/").json()["segments"]

    # then: each list row holds the same segment figures, gaps and surplus as the detail
    assert len(listed) == len(detail) == 2
    for row, segment in zip(listed, detail, strict=True):
        assert {name: row[name] for name in segment} == segment
