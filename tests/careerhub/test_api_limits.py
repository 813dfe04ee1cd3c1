"""Body limits as documented (2 MiB for one object, 16 MiB for a batch of postings), answered with the API's
JSON 413; and every error under /api/ in the API's JSON format: 404 outside its routes, 405, 400, 500."""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.world import token_client

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def test_the_limits_are_the_documented_ones():
    from pathlib import Path

    assert (settings.CAREERHUB_API_MAX_BODY_BYTES, settings.CAREERHUB_API_MAX_BATCH_BODY_BYTES) == (2 * MIB, 16 * MIB)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= settings.CAREERHUB_API_MAX_BATCH_BODY_BYTES
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "at most 2 MiB for one object" in readme and "16 MiB for `postings/bulk/`" in readme


def posting(n: int, text_length: int) -> dict:
    return {
        "external_id": f"big-{n}",
        "title": f"ML Platform Engineer {n}",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-03",
        "description": f"Posting {n}: operate Kubernetes. " + "Build and run model serving platforms. " * text_length,
    }


def test_a_full_batch_of_a_thousand_postings_larger_than_djangos_default_is_accepted():
    # given: 1,000 postings of about 2.8 KB each (the batch of the finding: 2.77 MB, past Django's 2.5 MB default)
    SegmentFactory(slug="finance")
    SkillFactory(name="Kubernetes")
    EmployerFactory(name="Acme Bank")
    body = json.dumps([posting(n, 70) for n in range(1000)])
    assert 2.6 * 1000 * 1000 < len(body) < settings.CAREERHUB_API_MAX_BATCH_BODY_BYTES

    response = token_client("add_posting").post("/api/v1/postings/bulk/", data=body, content_type="application/json")

    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 1000 and Posting.objects.count() == 1000


def oversized(limit: int) -> str:
    return json.dumps({"title": "x" * (limit + 10)})


WRITES = [
    ("post", "/api/v1/tracks/"),
    ("patch", "/api/v1/tracks/{track}/"),
    ("post", "/api/v1/modules/"),
    ("post", "/api/v1/skills/"),
    ("patch", "/api/v1/skills/{skill}/"),
    ("post", "/api/v1/postings/"),
    ("patch", "/api/v1/postings/{posting}/"),
]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_body_past_the_limit_of_one_object_is_a_json_413(method, url):
    from tests.factories import PostingFactory, TrackFactory

    url = url.format(track=TrackFactory().slug, skill=SkillFactory().slug, posting=PostingFactory(source="api").pk)
    client = token_client("add_track", "change_track", "add_module", "add_skill", "change_skill", "add_posting",
                          "change_posting")  # fmt: skip
    body = oversized(settings.CAREERHUB_API_MAX_BODY_BYTES)  # 2 MiB: under Django's own limit, over the API's
    response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "at most 2,097,152" in response.json()["detail"]


def test_a_batch_past_its_limit_is_a_json_413():
    response = token_client("add_posting").post(
        "/api/v1/postings/bulk/",
        data=oversized(settings.CAREERHUB_API_MAX_BATCH_BODY_BYTES),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "at most 16,777,216" in response.json()["detail"]


def test_anonymous_senders_of_a_large_body_are_told_to_authenticate_first():
    response = APIClient().post("/api/v1/tracks/", data=oversized(3 * MIB), content_type="application/json")
    assert response.status_code == 401


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"detail", "errors"} and body["detail"]


@pytest.mark.parametrize("url", ["/api/", "/api/nothing", "/api/v2/tracks/", "/api/v1/nothing/", "/api/v1/tracks/x/y/"])
def test_a_404_under_the_api_is_json(client, url):
    assert_json_error(client.get(url), 404)


def test_the_site_keeps_its_html_404(client):
    response = client.get("/nothing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", "/api/v1/schema/"), ("delete", "/api/v1/schema/"), ("post", "/api/v1/docs/"), ("put", "/api/v1/docs/")],
)
def test_a_405_under_the_api_is_json(method, url):
    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    response = getattr(client, method)(url, {}, format="json")
    assert_json_error(response, 405)
    assert response.has_header("Allow")


def test_a_500_under_the_api_is_json_and_the_sites_stays_html(client, monkeypatch):
    from segments.api import views as segment_views

    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(segment_views.SegmentViewSet, "list", broken)
    client.raise_request_exception = False
    assert_json_error(client.get("/api/v1/segments/"), 500)
    monkeypatch.setattr("careerhub.views.home", lambda request: 1 / 0)
    from django.urls import clear_url_caches

    clear_url_caches()
    page = client.get("/robots.txt")  # an untouched page still answers as before
    assert page.status_code == 200


def test_a_refused_body_outside_the_limits_of_django_is_json(settings):
    # given: Django's own limit below the API's (a deployment that lowered it)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = token_client("add_skill").post(
        "/api/v1/skills/", data=oversized(2000), content_type="application/json"
    )
    assert_json_error(response, 413)
