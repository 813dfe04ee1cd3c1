"""The teaching content of the seed tracks (curriculum/seed/tracks.json), read as a file: no database needed.

Each module must carry what a learner studies (outcomes, a body, resources, exercises, a self-check) and the
prerequisites must form a learning path without cycles, in which later tracks build on earlier ones.
"""

import json
from functools import cache
from graphlib import CycleError, TopologicalSorter
from urllib.parse import urlparse

import pytest

from curriculum.seed import SEED_FILE

RESOURCE_KINDS = {"documentation", "course", "book", "article", "video", "repository", "paper"}
SEED_TRACKS = ["mlops-engineer", "senior-mlops-engineer", "ml-platform-engineer", "mlops-architect", "llmops"]
# The learning path the seed notes describe: foundations first, so later tracks need not repeat them.
LEARNING_PATH = {
    "mlops-engineer": [],
    "senior-mlops-engineer": ["mlops-engineer"],
    "ml-platform-engineer": ["senior-mlops-engineer"],
    "mlops-architect": ["ml-platform-engineer"],
    "llmops": ["mlops-engineer"],
}


@cache
def seed() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def tracks() -> dict[str, dict]:
    return {track["slug"]: track for track in seed()["tracks"]}


def modules() -> dict[str, dict]:
    """Every module keyed by its "track-slug/module-slug" address."""
    return {f"{track['slug']}/{module['slug']}": module for track in seed()["tracks"] for module in track["modules"]}


def track_ancestors(slug: str) -> set[str]:
    """The tracks to finish before ``slug``, directly or through their own prerequisites."""
    seen: set[str] = set()
    pending = list(tracks()[slug].get("prerequisites", []))
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(tracks()[current].get("prerequisites", []))
    return seen


def word_count(markdown: str) -> int:
    return len(markdown.split())


def is_https_url(url: str) -> bool:
    parts = urlparse(url)
    return parts.scheme == "https" and "." in parts.netloc and not any(char.isspace() for char in url)


def test_the_five_seed_tracks_are_present():
    assert set(SEED_TRACKS) <= set(tracks())


def test_track_prerequisites_form_the_learning_path_without_cycles():
    graph = {slug: track.get("prerequisites", []) for slug, track in tracks().items()}
    unknown = {(slug, needed) for slug, needs in graph.items() for needed in needs if needed not in graph}
    assert unknown == set()
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"track prerequisites form a cycle: {error.args[1]}")
    assert {slug: graph[slug] for slug in SEED_TRACKS} == LEARNING_PATH


def test_module_prerequisites_exist_and_form_no_cycle():
    everything = modules()
    graph = {address: module.get("prerequisites", []) for address, module in everything.items()}
    unknown = {(address, needed) for address, needs in graph.items() for needed in needs if needed not in everything}
    assert unknown == set()
    assert [address for address, needs in graph.items() if address in needs] == []
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"module prerequisites form a cycle: {error.args[1]}")


def test_modules_build_on_earlier_modules_of_their_track_or_on_earlier_tracks():
    misplaced = []
    for track in seed()["tracks"]:
        earlier_tracks = track_ancestors(track["slug"])
        position = {module["slug"]: order for order, module in enumerate(track["modules"])}
        for order, module in enumerate(track["modules"]):
            for needed in module.get("prerequisites", []):
                needed_track, needed_module = needed.split("/", 1)
                same_track_earlier = needed_track == track["slug"] and position.get(needed_module, order) < order
                if not same_track_earlier and needed_track not in earlier_tracks:
                    misplaced.append(f"{track['slug']}/{module['slug']} -> {needed}")
    assert misplaced == []


def seed_modules() -> list[tuple[str, dict]]:
    return [(address, module) for address, module in modules().items() if address.split("/")[0] in SEED_TRACKS]


@pytest.mark.parametrize(("address", "module"), seed_modules(), ids=[address for address, _ in seed_modules()])
class TestEveryModuleTeaches:
    def test_outcomes(self, address, module):
        outcomes = module.get("outcomes", [])
        assert 3 <= len(outcomes) <= 6
        assert all(outcome.strip() and not outcome.endswith(".") for outcome in outcomes)

    def test_body_is_substantial_markdown(self, address, module):
        body = module.get("body", "")
        assert 250 <= word_count(body) <= 600, f"{address}: {word_count(body)} words"
        assert "\n## " in f"\n{body}", f"{address}: the body has no level-2 heading"

    def test_hours(self, address, module):
        hours = module.get("hours")
        assert isinstance(hours, int | float) and not isinstance(hours, bool)
        assert 0 < hours <= 40

    def test_resources(self, address, module):
        resources = module.get("resources", [])
        assert 3 <= len(resources) <= 6
        for resource in resources:
            assert resource["title"].strip()
            assert is_https_url(resource["url"]), resource["url"]
            assert resource["kind"] in RESOURCE_KINDS, resource["kind"]
            assert isinstance(resource["free"], bool)
            assert isinstance(resource["minutes"], int) and resource["minutes"] > 0
        urls = [resource["url"] for resource in resources]
        assert len(urls) == len(set(urls)), f"{address} lists a URL twice"

    def test_exercises_have_acceptance_criteria(self, address, module):
        exercises = module.get("exercises", [])
        assert 1 <= len(exercises) <= 2
        for exercise in exercises:
            assert exercise["title"].strip() and exercise["brief"].strip()
            assert exercise["acceptance_criteria"] and all(c.strip() for c in exercise["acceptance_criteria"])
            assert exercise["hours"] > 0

    def test_self_check(self, address, module):
        pairs = module.get("self_check", [])
        assert 3 <= len(pairs) <= 4
        assert all(pair["question"].strip() and pair["answer"].strip() for pair in pairs)
