"""The API's contract: an OpenAPI 3 schema without warnings, Swagger UI served from installed assets,
and Schemathesis against the live schema finding no server error and no schema violation."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_editor
from tests.world import build_api_world

SCHEMATHESIS_CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance"
)


@pytest.mark.django_db
def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))
    schema = json.loads(target.read_text())
    paths = set(schema["paths"])
    for resource in ("segments", "tracks", "modules", "skills", "skill-categories", "employers", "postings"):
        assert f"/api/v1/{resource}/" in paths
    assert {
        "/api/v1/demand/", "/api/v1/demand/top/", "/api/v1/demand/trends/", "/api/v1/demand/cooccurrence/",
        "/api/v1/demand/tiers/",
    } <= paths
    tiers = {p["name"]: p for p in schema["paths"]["/api/v1/demand/tiers/"]["get"]["parameters"]}
    assert tiers["segment"]["required"] and tiers["tier"]["schema"]["enum"] == ["core", "distinguishing", "rising"]
    assert {"/api/v1/path/", "/api/v1/coverage/", "/api/v1/tracks/{slug}/coverage/"} <= paths
    segment_fields = schema["components"]["schemas"]["CoverageSegment"]["properties"]
    assert {"coverage", "own_coverage", "own_taught_demand_skills"} <= set(segment_fields)
    postings = schema["paths"]["/api/v1/postings/"]["get"]
    assert {p["name"] for p in postings["parameters"]} >= {
        "segment",
        "skill",
        "category",
        "employer",
        "from",
        "to",
        "posted_from",
        "posted_to",
        "q",
        "ordering",
        "fields",
        "cursor",
        "page_size",
    }
    assert "ApiError" in schema["components"]["schemas"]


@pytest.mark.django_db
def test_the_schema_and_swagger_ui_are_served_without_outside_assets():
    schema = APIClient().get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "CareerHub API"
    docs = APIClient().get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(finders.find(asset) for asset in assets), assets  # shipped by drf-spectacular-sidecar
    assert "https://" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html))


@pytest.mark.slow(reason="Schemathesis against a live server: two short fuzzing runs (public and editor), about 40 s")
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, tmp_path):
    build_api_world()
    editor_token = Token.objects.create(user=make_editor()).key
    st = Path(sys.executable).with_name("st")
    for headers in ([], ["-H", f"Authorization: Token {editor_token}"]):
        result = subprocess.run(
            [
                str(st),
                "run",
                f"{live_server.url}/api/v1/schema/",
                "--checks",
                SCHEMATHESIS_CHECKS,
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                "3",
                "--seed",
                "20261123",
                "--no-shrink",
                "--workers",
                "1",
                "--request-timeout",
                "20",
                *headers,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert re.search(r"\d+ generated, \d+ passed", result.stdout), result.stdout[-3000:]
