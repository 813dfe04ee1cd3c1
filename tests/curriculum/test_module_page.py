"""A module's page teaches: outcomes, hours, the rendered body, resources, exercises, self-check answers in
``<details>`` and linked prerequisites, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from careerhub.core.editorial import Status
from curriculum.services import module_update
from tests.conftest import fresh_copy, shared_by_module
from tests.factories import (
    ExerciseFactory,
    ModuleFactory,
    ResourceFactory,
    SelfCheckQuestionFactory,
    TrackFactory,
    make_editor,
)
from tests.world import add_module_content, build_world

pytestmark = pytest.mark.django_db


def build():
    world = build_world(TestCase.captureOnCommitCallbacks)
    world.containers = ModuleFactory(
        title="Containers", slug="containers", track=TrackFactory(title="MLOps Engineer", slug="mlops-engineer")
    )
    add_module_content(
        world.module, prerequisites=[world.containers, world.draft_module, world.module_of_draft_track]
    )
    return world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    yield from shared_by_module(django_db_blocker, build)


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_what_the_module_teaches(client, world):
    body = page(client, world.module.get_absolute_url())
    words = text(body)
    assert "module 1 · about 6.5 hours" in words
    assert re.search(r'<h2 id="outcomes-heading">You will be able to</h2>\s*<ul><li>Deploy a model server to Kubernetes'
                     r"</li><li>Roll a deployment back</li></ul>", body)
    assert '<div class="prose"><h2>Pods and deployments</h2>' in body
    assert "<p>A <em>pod</em> runs one or more containers.</p>" in body
    assert "<th>object</th>" in body and "kubectl rollout undo deployment/model-server" in body
    assert '<a href="https://kubernetes.io/docs/" rel="noopener">Kubernetes documentation</a>' in body
    assert "Documentation · free · 60 min" in words and "Read Concepts first" in words
    assert "Book · paid" in words and "Book · paid ·" not in words  # no minutes given
    assert "Serve a model" in words and "About 2 hours" in words
    assert re.search(r"<h4>Done when</h4>\s*<ul><li>Answers on /predict</li><li>Rolls back in one command</li>", body)
    # answers wait in <details> (no script needed to open them)
    assert re.search(
        r'<details class="self-check">\s*<summary>What owns a ReplicaSet\?</summary>\s*<p>A Deployment.</p>', body
    )
    assert "<script" not in body


def test_prerequisites_link_published_modules_only(client, world):
    body = page(client, world.module.get_absolute_url())
    assert '<h2 id="prerequisites-heading">Before you start</h2>' in body
    assert '<a href="/tracks/mlops-engineer/modules/containers/">Containers</a>' in body
    assert "in MLOps Engineer" in text(body)
    for secret in ("Unfinished module", "Hidden module", "/modules/unfinished/", "/modules/hidden/"):
        assert secret not in body
    # an editor previewing sees the draft prerequisites too
    client.force_login(make_editor())
    body = page(client, world.module.get_absolute_url())
    assert "Unfinished module" in body and "Hidden module" in body


def test_a_module_without_content_shows_no_empty_sections(client, world):
    body = page(client, world.containers.get_absolute_url())
    for heading in ("You will be able to", "Before you start", "Resources", "Exercises", "Check yourself"):
        assert heading not in body
    assert "hours" not in text(body).split("Skills taught")[0]


def test_hostile_content_is_escaped_or_dropped(client, world):
    module_update(
        module=world.containers,
        data={
            "body": "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
            "outcomes": ["<b>bold</b> claims"],
        },
    )
    ResourceFactory(module=world.containers, title="<i>t</i>", url="https://example.org/?q=<script>", note="<u>n</u>")
    SelfCheckQuestionFactory(module=world.containers, question="<script>q</script>", answer="<img src=x>")
    body = page(client, world.containers.get_absolute_url())
    assert "<script>" not in body and "<img" not in body and "<b>bold" not in body and "<i>t</i>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt; claims" in body and 'href="javascript' not in body


@pytest.mark.parametrize("kind", ["draft", "archived"])
def test_unpublished_modules_stay_hidden(client, world, kind):
    world.containers.status = {"draft": Status.DRAFT, "archived": Status.ARCHIVED}[kind]
    world.containers.save()
    assert client.get(world.containers.get_absolute_url()).status_code == 404
    body = page(client, world.module.get_absolute_url())
    assert "/modules/containers/" not in body


def test_the_page_makes_the_same_number_of_queries_however_much_it_teaches(client, world):
    # given a second module with five of everything
    big = ModuleFactory(track=world.module.track, title="Big", slug="big")
    for _n in range(5):
        ResourceFactory(module=big)
        ExerciseFactory(module=big)
        SelfCheckQuestionFactory(module=big)
        big.prerequisites.add(ModuleFactory(track=world.containers.track))
    counts = []
    for module in (world.containers, big):
        page(client, module.get_absolute_url())  # demand figures cached
        with CaptureQueriesContext(connection) as queries:
            page(client, module.get_absolute_url())
        counts.append(len(queries))
    # the module with its track; skills, segments, siblings, resources, exercises, questions, prerequisites
    assert counts == [8, 8]
