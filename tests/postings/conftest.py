"""Fixtures of the postings tests: job boards served by a real local HTTP server (see ``boards.py``)."""

import pytest
from pytest_httpserver import HTTPServer

from tests.factories import EmployerFactory, SegmentFactory, SkillAliasFactory, SkillCategoryFactory, SkillFactory


@pytest.fixture
def board_server(quick_client):
    """A threaded HTTP server on 127.0.0.1 (a slow handler never holds up the next request)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture
def quick_client(settings):
    """The sync's HTTP client as in production, with the waits of a test: no pause between requests to
    the one local host, no backoff, two retries, one-second timeouts and a 1 MB cap."""
    settings.CAREERHUB_SOURCES_HOST_INTERVAL = 0
    settings.CAREERHUB_SOURCES_BACKOFF = 0
    settings.CAREERHUB_SOURCES_RETRIES = 2
    settings.CAREERHUB_SOURCES_CONNECT_TIMEOUT = 1
    settings.CAREERHUB_SOURCES_READ_TIMEOUT = 1
    settings.CAREERHUB_SOURCES_MAX_BYTES = 1_000_000
    settings.CAREERHUB_SOURCES_RETRY_AFTER_MAX = 2
    settings.CAREERHUB_SOURCES_CONTACT = "jobs-data@careerhub.example"


@pytest.fixture
def boards_world(db):
    """A segment, an employer, and the skills the fixtures mention (Terraform, for the near-miss 'Terrafrom')."""
    category = SkillCategoryFactory(name="Platform", slug="platform")
    k8s = SkillFactory(name="Kubernetes", category=category)
    SkillAliasFactory(skill=k8s, text="k8s")
    return {
        "finance": SegmentFactory(name="Financial services", slug="finance"),
        "health": SegmentFactory(name="Healthcare", slug="healthcare"),
        "employer": EmployerFactory(name="Northwind Analytics", slug="northwind-analytics"),
        "category": category,
        "k8s": k8s,
        "mlflow": SkillFactory(name="MLflow", category=category),
        "python": SkillFactory(name="Python", category=category),
        "terraform": SkillFactory(name="Terraform", category=category),
    }
