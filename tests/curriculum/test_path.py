"""The learning path: track prerequisites (no cycle, not itself), its order, its API, the seed loader,
and the path on the learners' pages."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from careerhub.core.editorial import Status
from curriculum.models import Track
from curriculum.seed import SeedPathError, seed_tracks
from curriculum.selectors import track_path
from curriculum.services import track_create, track_set_prerequisites, track_update
from segments.models import Segment
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory
from tests.world import DRAFT, token_client

pytestmark = pytest.mark.django_db

CYCLE = (
    "Prerequisites would form a cycle: mlops-engineer → mlops-architect → ml-platform-engineer → "
    "senior-mlops-engineer → mlops-engineer."
)


@pytest.fixture
def path():
    """The seed's path: engineer, then senior, platform and architect in a chain; LLMOps after engineer."""
    make = {
        slug: TrackFactory(slug=slug, title=title, display_order=order)
        for order, (slug, title) in enumerate(
            [
                ("mlops-engineer", "MLOps Engineer"),
                ("senior-mlops-engineer", "Senior MLOps Engineer"),
                ("ml-platform-engineer", "ML Platform Engineer"),
                ("mlops-architect", "MLOps Architect"),
                ("llmops", "LLMOps"),
            ],
            start=1,
        )
    }
    for track, before in [
        ("senior-mlops-engineer", "mlops-engineer"),
        ("ml-platform-engineer", "senior-mlops-engineer"),
        ("mlops-architect", "ml-platform-engineer"),
        ("llmops", "mlops-engineer"),
    ]:
        track_set_prerequisites(track=make[track], prerequisites=[make[before]])
    return make


def prerequisites_of(track: Track) -> set[str]:
    return set(Track.objects.get(pk=track.pk).prerequisites.values_list("slug", flat=True))


# --- The rule: no cycle, not itself --------------------------------------------------------------------------


def test_a_cycle_is_refused_naming_it_and_nothing_changes(path):
    # when: the first track is made to come after the last of its chain
    with pytest.raises(ValidationError) as refused:
        track_set_prerequisites(track=path["mlops-engineer"], prerequisites=[path["mlops-architect"]])

    # then: the error is on the field and names the cycle from the edited track, each arrow "comes after"
    assert refused.value.message_dict == {"prerequisites": [CYCLE]}
    assert prerequisites_of(path["mlops-engineer"]) == set()

    # and the update service refuses it the same way
    with pytest.raises(ValidationError) as again:
        track_update(track=path["mlops-engineer"], data={"prerequisites": [path["mlops-architect"]], "summary": "x"})
    assert again.value.message_dict == {"prerequisites": [CYCLE]}


def test_a_track_cannot_be_its_own_prerequisite(path):
    with pytest.raises(ValidationError) as refused:
        track_update(track=path["llmops"], data={"prerequisites": [path["llmops"]]})
    assert refused.value.message_dict == {"prerequisites": ["A track cannot be its own prerequisite (llmops)."]}
    assert prerequisites_of(path["llmops"]) == {"mlops-engineer"}


def test_a_new_track_takes_prerequisites_and_history_records_them(path):
    track = track_create(
        title="Staff", slug="staff", level="architect", summary="x", prerequisites=[path["mlops-architect"]]
    )
    assert prerequisites_of(track) == {"mlops-architect"}
    assert {row.to_track_id for row in track.history.first().prerequisites.all()} == {path["mlops-architect"].pk}
    # a diamond is no cycle
    track_set_prerequisites(track=track, prerequisites=[path["mlops-architect"], path["llmops"]])
    assert prerequisites_of(track) == {"mlops-architect", "llmops"}


def test_the_admin_form_refuses_a_cycle_on_the_field(editor_client, path):
    # given the change form of the first track, as an editor sends it
    engineer = path["mlops-engineer"]
    data = {
        "title": engineer.title,
        "slug": engineer.slug,
        "level": engineer.level,
        "status": engineer.status,
        "display_order": "1",
        "summary": engineer.summary,
        "segments": [],
        "prerequisites": [path["mlops-architect"].pk],
        "modules-TOTAL_FORMS": "0",
        "modules-INITIAL_FORMS": "0",
    }
    url = reverse("admin:curriculum_track_change", args=[engineer.pk])

    # when
    response = editor_client.post(url, data)

    # then: the form comes back with the error on the prerequisites field; nothing changed
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"prerequisites": [CYCLE]}
    assert prerequisites_of(engineer) == set()

    # and itself is refused the same way; a valid choice is saved
    data["prerequisites"] = [engineer.pk]
    response = editor_client.post(url, data)
    assert response.context["adminform"].form.errors == {
        "prerequisites": ["A track cannot be its own prerequisite (mlops-engineer)."]
    }
    data["prerequisites"] = []
    llmops = path["llmops"]
    data.update(title=llmops.title, slug=llmops.slug, summary=llmops.summary, prerequisites=[engineer.pk])
    change = reverse("admin:curriculum_track_change", args=[llmops.pk])
    assert editor_client.post(change, data).status_code == 302
    assert prerequisites_of(llmops) == {"mlops-engineer"}


# --- The path's order ----------------------------------------------------------------------------------------


def test_the_path_lists_published_tracks_after_their_prerequisites_with_their_ancestors(path):
    # given: a draft track after LLMOps, which the public path leaves out
    draft = TrackFactory(slug="draft-next", **DRAFT)
    track_set_prerequisites(track=draft, prerequisites=[path["llmops"]])

    # when
    steps = track_path().steps

    # then: in display order wherever the prerequisites allow it
    assert [(s.position, s.track.slug, s.depth) for s in steps] == [
        (1, "mlops-engineer", 0),
        (2, "senior-mlops-engineer", 1),
        (3, "ml-platform-engineer", 2),
        (4, "mlops-architect", 3),
        (5, "llmops", 1),
    ]
    architect = steps[3]
    assert [t.slug for t in architect.prerequisites] == ["ml-platform-engineer"]
    assert [t.slug for t in architect.ancestors] == ["mlops-engineer", "senior-mlops-engineer", "ml-platform-engineer"]
    assert [(a.slug, b.slug) for a, b in track_path().edges][-1] == ("mlops-engineer", "llmops")
    assert "draft-next" in [s.track.slug for s in track_path(include_unpublished=True).steps]


def test_a_track_comes_after_its_prerequisites_whatever_its_display_order():
    # given: B (shown first) needs A (shown last); C needs nothing
    a = TrackFactory(slug="a", title="A", display_order=9)
    b = TrackFactory(slug="b", title="B", display_order=0)
    c = TrackFactory(slug="c", title="C", display_order=5)
    track_set_prerequisites(track=b, prerequisites=[a])

    # then: C and A are ready first (C by its display order), B once A is placed
    assert [s.track.slug for s in track_path().steps] == ["c", "a", "b"]
    assert [s.depth for s in track_path().steps] == [0, 0, 1]
    assert c.pk  # C stays a starting point


def test_a_draft_prerequisite_leaves_the_public_path(path):
    # given: the senior track goes back to draft
    Track.objects.filter(pk=path["senior-mlops-engineer"].pk).update(status=Status.DRAFT)

    # when
    steps = {s.track.slug: s for s in track_path().steps}

    # then: the platform track shows no prerequisite, and nothing before it through the hidden one
    assert "senior-mlops-engineer" not in steps
    assert (steps["ml-platform-engineer"].prerequisites, steps["ml-platform-engineer"].ancestors) == ([], [])
    assert [t.slug for t in steps["mlops-architect"].ancestors] == ["ml-platform-engineer"]


# --- The API -------------------------------------------------------------------------------------------------


def test_the_path_api_gives_nodes_and_edges_of_published_tracks(client, path):
    # given a draft track after LLMOps
    track_set_prerequisites(track=TrackFactory(slug="draft-next", **DRAFT), prerequisites=[path["llmops"]])

    # when
    body = client.get("/api/v1/path/").json()

    # then
    assert [node["slug"] for node in body["nodes"]] == [
        "mlops-engineer",
        "senior-mlops-engineer",
        "ml-platform-engineer",
        "mlops-architect",
        "llmops",
    ]
    assert body["nodes"][3] == {
        "position": 4,
        "slug": "mlops-architect",
        "title": "MLOps Architect",
        "level": "engineer",
        "depth": 3,
        "prerequisites": ["ml-platform-engineer"],
        "ancestors": ["mlops-engineer", "senior-mlops-engineer", "ml-platform-engineer"],
        "coverage": None,  # not computed yet
        "hours": None,  # no module has an estimate
        "path_hours": None,
    }
    assert body["edges"] == [
        {"prerequisite": "mlops-engineer", "track": "senior-mlops-engineer"},
        {"prerequisite": "senior-mlops-engineer", "track": "ml-platform-engineer"},
        {"prerequisite": "ml-platform-engineer", "track": "mlops-architect"},
        {"prerequisite": "mlops-engineer", "track": "llmops"},
    ]
    assert "draft-next" not in json.dumps(body)
    assert "draft-next" in json.dumps(token_client("view_track", staff=True).get("/api/v1/path/").json())


def test_the_path_sums_published_module_hours_per_track_and_along_the_path(client, path):
    # given: hours on the engineer's and the senior's modules (a draft module and one without an estimate
    # count for nothing), none on the platform track's
    ModuleFactory(track=path["mlops-engineer"], hours=Decimal("12.5"))
    ModuleFactory(track=path["mlops-engineer"], hours=8)
    ModuleFactory(track=path["mlops-engineer"], hours=None)
    ModuleFactory(track=path["mlops-engineer"], hours=100, **DRAFT)
    ModuleFactory(track=path["senior-mlops-engineer"], hours=30)
    ModuleFactory(track=path["ml-platform-engineer"], hours=None)

    # when
    nodes = {node["slug"]: node for node in client.get("/api/v1/path/").json()["nodes"]}

    # then: own hours, and hours with every track before it (20.5 + 30 for the senior track)
    assert {slug: (node["hours"], node["path_hours"]) for slug, node in nodes.items()} == {
        "mlops-engineer": (20.5, 20.5),
        "senior-mlops-engineer": (30.0, 50.5),
        "ml-platform-engineer": (None, 50.5),
        "mlops-architect": (None, 50.5),
        "llmops": (None, 20.5),
    }
    # the diagram and its text alternative say the same
    body = client.get("/tracks/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert '<text class="path-note" x="' in svg and ">30 h · 50.5 h on the path</text>" in svg
    assert ">20.5 h</text>" in svg
    assert ">not estimated · 50.5 h on the path</text>" in svg
    steps = body[body.index('<ol class="path-steps">') :]
    assert "about 30 h, 50.5 h along the path with the tracks before it" in steps
    assert "2. Senior MLOps Engineer, after MLOps Engineer: about 30 h, 50.5 h along the path" in svg


@pytest.mark.parametrize("extra", [0, 8])
def test_the_path_api_makes_a_fixed_number_of_queries(client, path, django_assert_num_queries, extra):
    previous = path["llmops"]
    for n in range(extra):
        track = TrackFactory(slug=f"more-{n}")
        track.segments.add(SegmentFactory())
        track_set_prerequisites(track=track, prerequisites=[previous, path["mlops-architect"]])
        previous = track
    # the tracks with their coverage, and the links
    with django_assert_num_queries(2):
        assert client.get("/api/v1/path/").status_code == 200


def test_tracks_api_shows_and_writes_prerequisites_as_slugs(client, path):
    # given: LLMOps also comes after a draft track, which the public never sees
    draft = TrackFactory(slug="draft-before", **DRAFT)
    path["llmops"].prerequisites.add(draft)

    # then: reads show published prerequisites as slugs, in the list and on the track
    listed = {row["slug"]: row["prerequisites"] for row in client.get("/api/v1/tracks/").json()["results"]}
    assert listed["llmops"] == ["mlops-engineer"] and listed["mlops-engineer"] == []
    assert client.get("/api/v1/tracks/llmops/").json()["prerequisites"] == ["mlops-engineer"]

    # when an editor writes them: a cycle is refused on the field, naming it
    editor = token_client(editor=True)
    refused = editor.patch("/api/v1/tracks/mlops-engineer/", {"prerequisites": ["mlops-architect"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == [{"field": "prerequisites", "message": CYCLE}]
    unknown = editor.patch("/api/v1/tracks/llmops/", {"prerequisites": ["no-such-track"]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "prerequisites"
    changed = editor.patch("/api/v1/tracks/llmops/", {"prerequisites": ["ml-platform-engineer"]}, format="json")
    assert changed.status_code == 200 and changed.json()["prerequisites"] == ["ml-platform-engineer"]


# --- The seed loader -----------------------------------------------------------------------------------------


def seed_file(tmp_path, prerequisites: dict[str, list[str]]):
    """Three seed tracks (one module each); ``prerequisites`` gives the key to those it names."""
    if not Segment.objects.filter(slug="finance").exists():
        SegmentFactory(slug="finance")
        SkillFactory(slug="python")
    tracks = []
    for order, slug in enumerate(["first", "second", "third"], start=1):
        item = {
            "slug": slug,
            "title": slug.title(),
            "level": "engineer",
            "display_order": order,
            "segments": ["finance"],
            "summary": "x",
            "modules": [{"slug": f"{slug}-m", "title": f"{slug} module", "skills": ["python"]}],
        }
        if slug in prerequisites:
            item["prerequisites"] = prerequisites[slug]
        tracks.append(item)
    path = tmp_path / "tracks.json"
    path.write_text(json.dumps({"format": "careerhub-tracks", "version": 1, "tracks": tracks}))
    return path


def test_the_seed_loader_sets_prerequisites_once_and_keeps_an_editors_change(tmp_path):
    # given
    path = seed_file(tmp_path, {"second": ["first"], "third": ["second", "first"]})

    # when
    counts = seed_tracks(path=path)

    # then
    tracks = Track.objects.in_bulk(field_name="slug")
    assert counts["track prerequisites set"] == 2
    assert prerequisites_of(tracks["second"]) == {"first"}
    assert prerequisites_of(tracks["third"]) == {"first", "second"}

    # when: loaded again, after an editor removed the third's prerequisites
    history = Track.history.count()
    track_set_prerequisites(track=tracks["third"], prerequisites=[])
    again = seed_tracks(path=path)

    # then: the editor's choice stays; nothing else was written
    assert prerequisites_of(tracks["third"]) == set()
    assert again["track prerequisites kept"] == 2 and again["track prerequisites set"] == 0
    assert Track.history.count() == history + 1  # the editor's change only


def test_the_seed_loader_refuses_an_unknown_prerequisite_or_a_cycle(tmp_path):
    with pytest.raises(SeedPathError, match="names the prerequisite track 'nowhere'"):
        seed_tracks(path=seed_file(tmp_path, {"second": ["nowhere"]}))
    Track.objects.all().delete()
    with pytest.raises(SeedPathError, match=r"Prerequisites would form a cycle: (first|second) → "):
        seed_tracks(path=seed_file(tmp_path, {"second": ["first"], "first": ["second"]}))


def test_the_seed_loader_without_the_key_sets_nothing(tmp_path):
    counts = seed_tracks(path=seed_file(tmp_path, {}))
    assert counts["tracks created"] == 3 and "track prerequisites set" not in counts
    assert not Track.prerequisites.through.objects.exists()


# --- The learners' pages -------------------------------------------------------------------------------------


def test_the_track_list_draws_the_path_with_links_and_a_text_alternative(client, path):
    # given: a draft track after LLMOps, and the architect track's module
    track_set_prerequisites(track=TrackFactory(slug="draft-next", title="Secret next", **DRAFT), prerequisites=[
        path["llmops"]
    ])

    # when
    body = client.get("/tracks/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]

    # then: one link per published track in the drawing, labelled with its place and prerequisites
    links = re.findall(r'<a href="(/tracks/[^"]+/)" aria-label="([^"]+)"', svg)
    assert [url for url, _ in links] == [f"/tracks/{slug}/" for slug in path]
    assert links[3][1] == (
        "4. MLOps Architect, after ML Platform Engineer: hours not estimated; coverage not computed yet"
    )
    assert svg.count('marker-end="url(#path-arrow)"') == 4  # one arrow per prerequisite link
    assert '<title id="path-title">' in svg and 'aria-labelledby="path-title"' in svg
    assert (
        '<desc id="path-desc">The learning path, in order: 1. MLOps Engineer, a starting point; '
        "2. Senior MLOps Engineer, after MLOps Engineer;"
    ) in svg
    # the text alternative: the same path as an ordered list
    steps = body[body.index('<ol class="path-steps">') : body.index("</ol>", body.index('<ol class="path-steps">'))]
    assert re.findall(r'<li><a href="/tracks/([^"]+)/">', steps) == list(path)
    assert "after ML Platform Engineer" in steps
    assert "Secret next" not in body


def test_the_track_page_shows_its_place_on_the_path_and_its_modules_before_coverage(client, path):
    # given
    module = ModuleFactory(track=path["ml-platform-engineer"], title="GitOps", slug="gitops")
    module.skills.add(SkillFactory(name="ArgoCD", slug="argocd"))

    # when
    body = client.get("/tracks/ml-platform-engineer/").content.decode()

    # then
    assert 'Take first: <a href="/tracks/senior-mlops-engineer/">Senior MLOps Engineer</a>' in body
    assert 'Then: <a href="/tracks/mlops-architect/">MLOps Architect</a>' in body
    assert body.index('id="modules-title"') < body.index("GitOps") < body.index('id="coverage-title"')
    assert '<a href="/skills/argocd/">ArgoCD</a>' in body
