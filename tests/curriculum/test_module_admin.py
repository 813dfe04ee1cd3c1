"""Editors write a module's content in the admin, order modules without renumbering by hand, and are told
when prerequisites would go round in a cycle."""

from decimal import Decimal

import pytest
from django.urls import reverse

from curriculum.models import Module, Resource
from curriculum.services import module_create, module_set_prerequisites
from tests.factories import ModuleFactory, ResourceFactory, TrackFactory

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:curriculum_{model}_{view}", args=args)


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{name}": value for name, value in row.items()}
    return data


def module_form(track, **fields) -> dict:
    return {
        "track": track.pk,
        "position": "",
        "title": "Serving",
        "slug": "serving",
        "status": "published",
        "summary": "",
        "outcomes": "",
        "hours": "",
        "body": "",
        **fields,
        **inline("resources", []),
        **inline("exercises", []),
        **inline("self_check_questions", []),
    }


def test_an_editor_adds_a_module_with_its_content_and_it_goes_last(editor_client):
    track = TrackFactory()
    module_create(track=track, title="First", slug="first")
    prerequisite = ModuleFactory(title="Containers")
    data = module_form(
        track,
        outcomes="Deploy a model server\n\n  Roll a deployment back  \n",
        hours="3.5",
        body="## Serving\n\nText.",
        prerequisites=[prerequisite.pk],
    )
    data |= inline(
        "resources",
        [
            {"order": "", "title": "Docs", "url": "https://example.org/docs", "kind": "documentation", "free": "on",
             "minutes": "30", "note": ""},
            {"order": "", "title": "Book", "url": "https://example.org/book", "kind": "book", "minutes": "",
             "note": ""},
        ],
    )
    data |= inline(
        "exercises",
        [{"order": "", "title": "Serve", "brief": "Serve it.", "acceptance_criteria": "Answers\nScales", "hours": "2"}],
    )
    data |= inline("self_check_questions", [{"order": "", "question": "Why?", "answer": "Because."}])
    response = editor_client.post(url("module", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    module = Module.objects.get(slug="serving")
    assert module.order == 2  # last, as the empty Order says
    assert (module.outcomes, module.hours) == (["Deploy a model server", "Roll a deployment back"], Decimal("3.5"))
    assert [(r.order, r.title, r.free) for r in module.resources.all()] == [(1, "Docs", True), (2, "Book", False)]
    assert module.exercises.get().acceptance_criteria == ["Answers", "Scales"]
    assert module.self_check_questions.get().answer == "Because."
    assert list(module.prerequisites.all()) == [prerequisite]
    assert Resource.history.filter(module_id=module.pk).count() == 2 and module.history.first().history_user


def test_bad_inline_rows_are_refused_naming_the_field(editor_client):
    track = TrackFactory()
    data = module_form(track)
    data |= inline("resources", [{"order": "", "title": "X", "url": "javascript:alert(1)", "kind": "book"}])
    response = editor_client.post(url("module", "add"), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "url" in errors[0]
    assert not Module.objects.filter(slug="serving").exists()


def test_changing_the_order_field_moves_the_module_and_renumbers(editor_client):
    track = TrackFactory()
    _a, _b, c = (module_create(track=track, title=name, slug=name.lower()) for name in "ABC")
    form = editor_client.get(url("module", "change", c.pk)).context["adminform"].form
    assert form["position"].value() == 3
    data = module_form(track, title="C", slug="c", position="1")
    assert editor_client.post(url("module", "change", c.pk), data).status_code == 302
    assert list(track.modules.order_by("order").values_list("slug", "order")) == [("c", 1), ("a", 2), ("b", 3)]


def test_a_prerequisite_cycle_is_an_error_on_the_field(editor_client):
    track = TrackFactory()
    a, b = (module_create(track=track, title=name, slug=name.lower()) for name in "AB")
    module_set_prerequisites(module=b, prerequisites=[a])
    response = editor_client.post(url("module", "change", a.pk), module_form(track, title="A", slug="a",
                                                                             prerequisites=[b.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["prerequisites"] == [
        "Prerequisites would form a cycle: A → B → A."
    ]
    response = editor_client.post(url("module", "change", a.pk), module_form(track, title="A", slug="a",
                                                                             prerequisites=[a.pk]))
    assert response.context["adminform"].form.errors["prerequisites"] == ["A module cannot be its own prerequisite."]
    assert not a.prerequisites.exists()


def track_form(track, modules) -> dict:
    return {
        "title": track.title,
        "slug": track.slug,
        "level": track.level,
        "status": track.status,
        "display_order": "0",
        "summary": track.summary,
        **inline(
            "modules",
            [{"id": m.pk, "track": track.pk, "title": m.title, "slug": m.slug, "status": m.status} for m in modules],
            initial=len(modules),
        ),
    }


def test_move_buttons_on_the_track_reorder_its_modules(editor_client):
    # given a draft track of three modules (a live track's moves make a revision: test_revisions_admin.py)
    track = TrackFactory(status="draft", published_at=None)
    a, b, c = (module_create(track=track, title=name, slug=name.lower()) for name in "ABC")
    page = editor_client.get(url("track", "change", track.pk)).content.decode()
    assert f'name="_move_module" value="{c.pk}:up"' in page and "Move down" in page
    # when C is moved up, with a title edited in the same form
    data = track_form(track, [a, b, c]) | {"_move_module": f"{c.pk}:up", "modules-0-title": "A edited"}
    response = editor_client.post(url("track", "change", track.pk), data)
    # then the edit is saved, C moved, and the editor is back on the track
    assert response.status_code == 302 and response["Location"] == url("track", "change", track.pk)
    order = list(track.modules.order_by("order").values_list("title", "order"))
    assert order == [("A edited", 1), ("C", 2), ("B", 3)]
    # moving the first up or the last down changes nothing
    modules = list(track.modules.order_by("order"))
    for value in (f"{a.pk}:up", f"{b.pk}:down"):
        editor_client.post(url("track", "change", track.pk), track_form(track, modules) | {"_move_module": value})
    assert list(track.modules.order_by("order").values_list("title", flat=True)) == ["A edited", "C", "B"]


def test_modules_added_on_the_track_page_go_last(editor_client):
    track = TrackFactory(status="draft", published_at=None)  # a live track's modules are added on their own pages
    (a,) = (module_create(track=track, title="A", slug="a"),)
    data = track_form(track, [a])
    data |= {"modules-TOTAL_FORMS": "2", "modules-1-title": "New", "modules-1-slug": "new", "modules-1-status": "draft"}
    assert editor_client.post(url("track", "change", track.pk), data).status_code == 302
    assert list(track.modules.order_by("order").values_list("slug", "order")) == [("a", 1), ("new", 2)]


def test_the_module_admin_pages_open_with_content(editor_client):
    resource = ResourceFactory()
    for page in (url("module", "change", resource.module.pk), url("module", "add"), url("module", "changelist")):
        assert editor_client.get(page).status_code == 200
