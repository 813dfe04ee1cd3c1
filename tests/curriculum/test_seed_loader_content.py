"""The seed loader fills modules' content from a small fixture file: idempotent, never over an editor's edit."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from curriculum.models import Exercise, Module, Resource, SelfCheckQuestion, Track
from curriculum.seed import SeedContentError, SeedReferenceError, seed_tracks
from curriculum.services import module_item_delete, module_item_save, module_update
from tests.factories import SegmentFactory, SkillFactory

pytestmark = pytest.mark.django_db

CONTAINERS = {
    "slug": "containers",
    "title": "Containers",
    "summary": "Images and registries.",
    "skills": ["docker"],
    "outcomes": ["Package a training job as a container image", "Push an image to a registry"],
    "body": "## Images\n\nAn image is a **stack of layers**.\n\n```sh\ndocker build -t job .\n```\n",
    "hours": 6,
    "resources": [
        {"title": "Docker docs", "url": "https://docs.docker.com/", "kind": "documentation", "free": True,
         "minutes": 45},
        {"title": "Docker Deep Dive", "url": "https://example.com/book", "kind": "book", "free": False, "minutes": 600,
         "note": "Chapters 3 to 5"},
    ],
    "exercises": [
        {"title": "Containerise a job", "brief": "Write a Dockerfile.", "acceptance_criteria": ["Builds", "Runs"],
         "hours": 2.5},
    ],
    "self_check": [
        {"question": "What is a layer?", "answer": "A filesystem diff."},
        {"question": "Why pin a base image?", "answer": "Reproducible builds."},
    ],
}
SEED = {
    "tracks": [
        {
            "slug": "mlops-engineer",
            "title": "MLOps Engineer",
            "level": "engineer",
            "display_order": 1,
            "segments": ["finance"],
            "summary": "The foundations.",
            "modules": [
                CONTAINERS,
                {
                    "slug": "kubernetes",
                    "title": "Kubernetes",
                    "summary": "Pods.",
                    "skills": ["docker"],
                    "outcomes": ["Deploy a model server"],
                    "prerequisites": ["mlops-engineer/containers"],
                },
            ],
        },
        {
            "slug": "senior-mlops-engineer",
            "title": "Senior MLOps Engineer",
            "level": "senior",
            "display_order": 2,
            "segments": ["finance"],
            "summary": "Leading.",
            "prerequisites": ["mlops-engineer"],  # a track-level key the loader leaves to the learning path
            "modules": [
                {
                    "slug": "platforms",
                    "title": "Platforms",
                    "skills": [],
                    "prerequisites": ["mlops-engineer/kubernetes", "mlops-engineer/containers"],
                },
            ],
        },
    ]
}


@pytest.fixture
def references(db):
    SegmentFactory(slug="finance")
    SkillFactory(slug="docker")


def write(tmp_path, seed: dict):
    path = tmp_path / "tracks.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    return path


def module(slug: str) -> Module:
    return Module.objects.get(slug=slug)


def snapshot() -> dict:
    """Everything the loader may write, to compare two runs."""
    return {
        "modules": list(Module.objects.order_by("pk").values("pk", "order", "outcomes", "body", "hours")),
        "prerequisites": sorted(Module.prerequisites.through.objects.values_list("from_module_id", "to_module_id")),
        "children": [list(model.objects.order_by("pk").values()) for model in (Resource, Exercise, SelfCheckQuestion)],
        "history": sum(model.history.count() for model in (Module, Resource, Exercise, SelfCheckQuestion)),
    }


def test_loads_modules_with_their_content_in_learning_order(references, tmp_path):
    counts = seed_tracks(path=write(tmp_path, SEED))
    containers = module("containers")
    assert (containers.order, module("kubernetes").order) == (1, 2)
    assert containers.outcomes == CONTAINERS["outcomes"]
    assert containers.body == CONTAINERS["body"] and containers.hours == Decimal(6)
    assert [(r.order, r.title, r.kind, r.free, r.minutes, r.note) for r in containers.resources.all()] == [
        (1, "Docker docs", "documentation", True, 45, ""),
        (2, "Docker Deep Dive", "book", False, 600, "Chapters 3 to 5"),
    ]
    (exercise,) = containers.exercises.all()
    assert (exercise.acceptance_criteria, exercise.hours) == (["Builds", "Runs"], Decimal("2.5"))
    assert [q.question for q in containers.self_check_questions.all()] == ["What is a layer?", "Why pin a base image?"]
    assert list(module("kubernetes").prerequisites.all()) == [containers]
    assert set(module("platforms").prerequisites.all()) == {containers, module("kubernetes")}  # across tracks
    assert counts["resources created"] == 2 and counts["prerequisites set"] == 3


def test_loading_twice_changes_nothing(references, tmp_path):
    path = write(tmp_path, SEED)
    seed_tracks(path=path)
    before = snapshot()
    counts = seed_tracks(path=path)
    assert snapshot() == before
    assert counts["tracks kept"] == 2 and not any(name.endswith(("created", "filled", "set")) for name in counts)


def test_content_of_existing_modules_is_filled_where_nobody_wrote_any(references, tmp_path):
    # given tracks loaded before modules had content (only titles and skills)
    bare = copy.deepcopy(SEED)
    for track in bare["tracks"]:
        for item in track["modules"]:
            for key in ("outcomes", "body", "hours", "resources", "exercises", "self_check", "prerequisites"):
                item.pop(key, None)
    seed_tracks(path=write(tmp_path, bare))
    # and an editor who has written the kubernetes outcomes already
    module_update(module=module("kubernetes"), data={"outcomes": ["Run pods"]})
    # when the seed with content is loaded
    counts = seed_tracks(path=write(tmp_path, SEED))
    # then the empty content is filled and the editor's outcomes are kept
    assert module("containers").outcomes == CONTAINERS["outcomes"]
    assert module("containers").resources.count() == 2
    assert module("kubernetes").outcomes == ["Run pods"]
    assert list(module("kubernetes").prerequisites.all()) == [module("containers")]
    assert counts["module fields kept"] == 1


def test_an_editors_change_or_clearing_is_never_overwritten(references, tmp_path):
    path = write(tmp_path, SEED)
    seed_tracks(path=path)
    containers = module("containers")
    # given an editor who rewrote the body, cleared the outcomes and hours, deleted every resource,
    # edited an exercise, and removed a prerequisite
    module_update(module=containers, data={"body": "My own text.", "outcomes": [], "hours": None})
    for resource in containers.resources.all():
        module_item_delete(item=resource)
    exercise = containers.exercises.get()
    exercise.brief = "Write a smaller Dockerfile."
    module_item_save(item=exercise)
    module_update(module=module("kubernetes"), data={"prerequisites": []})
    before = snapshot()
    # when the seed is loaded again
    seed_tracks(path=path)
    # then nothing of theirs changed
    assert snapshot() == before
    containers.refresh_from_db()
    assert (containers.body, containers.outcomes, containers.hours) == ("My own text.", [], None)
    assert not containers.resources.exists() and not module("kubernetes").prerequisites.exists()


def test_existing_tracks_keep_their_fields_and_modules(references, tmp_path):
    seed_tracks(path=write(tmp_path, SEED))
    Track.objects.filter(slug="mlops-engineer").update(title="MLOps Engineer (edited)")
    Module.objects.get(slug="kubernetes").delete()
    seed_tracks(path=write(tmp_path, SEED))
    assert Track.objects.get(slug="mlops-engineer").title == "MLOps Engineer (edited)"
    assert not Module.objects.filter(slug="kubernetes").exists()  # an editor's deletion stays
    assert list(module("platforms").prerequisites.all()) == [module("containers")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["tracks"][0]["modules"][1].update(prerequisites=["mlops-engineer/nope"]),
         "mlops-engineer/kubernetes names the prerequisite 'mlops-engineer/nope'"),
        (lambda s: s["tracks"][0]["modules"][1].update(prerequisites=["containers"]),
         "names the prerequisite 'containers'"),
    ],
)
def test_a_prerequisite_must_name_a_module_of_the_file(references, tmp_path, change, message):
    seed = copy.deepcopy(SEED)
    change(seed)
    with pytest.raises(SeedReferenceError, match=message):
        seed_tracks(path=write(tmp_path, seed))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(hours=0), "mlops-engineer/containers: hours:"),
        (lambda m: m.update(hours="six"), "mlops-engineer/containers: hours: 'six' is not a number"),
        (lambda m: m.update(outcomes=["Deploy", ""]), "mlops-engineer/containers: outcomes: Item 2"),
        (lambda m: m["resources"][1].update(kind="podcast"), r"containers: resources\[2\]: kind:"),
        (lambda m: m["resources"][0].update(url="javascript:alert(1)"), r"containers: resources\[1\]: url:"),
        (lambda m: m["exercises"][0].update(difficulty="hard"), r"exercises\[1\]: unknown key\(s\) difficulty"),
        (lambda m: m.update(prerequisites=["mlops-engineer/kubernetes"]),
         "Prerequisites would form a cycle: Kubernetes → Containers → Kubernetes"),
    ],
)
def test_content_the_models_refuse_is_reported_with_where_it_is(references, tmp_path, change, message):
    seed = copy.deepcopy(SEED)
    change(seed["tracks"][0]["modules"][0])
    with pytest.raises(SeedContentError, match=message):
        seed_tracks(path=write(tmp_path, seed))


def test_the_command_loads_nothing_when_the_file_is_inconsistent(references, tmp_path, monkeypatch):
    seed = copy.deepcopy(SEED)
    seed["tracks"][1]["modules"][0]["resources"] = [{"title": "X", "url": "https://x.org", "kind": "podcast"}]
    monkeypatch.setattr("curriculum.seed.SEED_FILE", write(tmp_path, seed))
    with pytest.raises(CommandError, match=r"nothing was loaded: senior-mlops-engineer/platforms: resources\[1\]"):
        call_command("load_seed_content", stdout=io.StringIO())
    assert not Track.objects.exists() and not Resource.objects.exists()
