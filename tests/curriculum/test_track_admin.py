"""The track form in the admin: modules dragged to a position, each module's skills edited in the modules table,
a warning when a track is published with no published module; new tracks and segments listed last."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from curriculum.services import module_create, module_set_status, track_create, track_set_status
from segments.models import Segment
from segments.services import segment_create
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:curriculum_{model}_{view}", args=args)


def track_form(track: Track, modules: list[Module], **fields) -> dict:
    """The track's change form as the admin shows it, each module row with its skills."""
    data = {
        "title": track.title,
        "slug": track.slug,
        "level": track.level,
        "status": track.status,
        "display_order": str(track.display_order),
        "summary": track.summary,
        "modules-TOTAL_FORMS": str(len(modules)),
        "modules-INITIAL_FORMS": str(len(modules)),
    }
    for n, module in enumerate(modules):
        data |= {
            f"modules-{n}-id": module.pk,
            f"modules-{n}-track": track.pk,
            f"modules-{n}-title": module.title,
            f"modules-{n}-slug": module.slug,
            f"modules-{n}-status": module.status,
            f"modules-{n}-skills": [skill.pk for skill in module.skills.all()],
        }
    return data | fields


def titles(track: Track) -> list[str]:
    return list(track.modules.order_by("order").values_list("title", flat=True))


# --- Ordering ------------------------------------------------------------------------------------


def test_a_module_dragged_to_a_position_moves_there(editor_client):
    # given a draft track of three modules (a live track's are edited through revisions), whose page carries the
    # drag script and each row's module
    track = TrackFactory(status=Status.DRAFT, published_at=None)
    a, b, c = (module_create(track=track, title=name, slug=name.lower()) for name in "ABC")
    page = editor_client.get(url("track", "change", track.pk)).content.decode()
    assert "careerhub/module_order.js" in page and f'data-module="{c.pk}"' in page
    # when C is dropped on the first row (the script sends "<id>:<position>")
    response = editor_client.post(url("track", "change", track.pk), track_form(track, [a, b, c]) | {
        "_move_module": f"{c.pk}:1"
    })  # fmt: skip
    # then C is first, the others renumbered, and the editor is back on the track
    assert response.status_code == 302 and response["Location"] == url("track", "change", track.pk)
    assert titles(track) == ["C", "A", "B"]
    assert list(track.modules.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
    # past the end means last; a value that is no move changes nothing
    modules = list(track.modules.order_by("order"))
    editor_client.post(url("track", "change", track.pk), track_form(track, modules) | {"_move_module": f"{c.pk}:99"})
    assert titles(track) == ["A", "B", "C"]
    for junk in (f"{a.pk}:0", f"{a.pk}:²", f"{a.pk}:-1", "abc:1", f"{a.pk}:1:2"):
        modules = list(track.modules.order_by("order"))
        response = editor_client.post(url("track", "change", track.pk), track_form(track, modules) | {
            "_move_module": junk
        })  # fmt: skip
        assert response.status_code == 302, junk
        assert titles(track) == ["A", "B", "C"], junk


def test_new_tracks_and_segments_are_listed_last(editor_client, client):
    # given published tracks and segments whose names sort after the new ones
    TrackFactory(title="Zeta track", display_order=4)
    SegmentFactory(name="Zeta segment", display_order=7)
    # when an editor adds a track through the admin, with the form's own display order
    form = editor_client.get(url("track", "add")).context["adminform"].form
    order = form["display_order"].value()
    data = {"title": "Alpha track", "slug": "alpha", "level": "engineer", "status": "published",
            "display_order": order, "summary": "First by name.",
            "modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0"}  # fmt: skip
    response = editor_client.post(url("track", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # then it is listed after the existing one, and so is a segment created by the service
    assert [t.title for t in Track.objects.order_by("display_order", "title")] == ["Zeta track", "Alpha track"]
    segment_create(name="Alpha segment", slug="alpha", summary="First by name.", status=Status.PUBLISHED)
    track_create(title="Beta track", slug="beta", level="engineer", summary="Later.")
    assert list(Segment.objects.values_list("name", flat=True)) == ["Zeta segment", "Alpha segment"]
    assert [t.title for t in Track.objects.order_by("display_order", "title")][-1] == "Beta track"
    body = client.get("/segments/").content.decode()
    assert body.index("Zeta segment") < body.index("Alpha segment")


def test_the_segments_page_counts_the_published_segments(client):
    SegmentFactory.create_batch(5)
    SegmentFactory(status=Status.DRAFT, published_at=None)
    body = client.get("/segments/").content.decode()
    assert "Five kinds of employer, five different jobs behind the same title." in body
    assert "Four kinds" not in body


# --- Skills in the modules table ----------------------------------------------------------------


def test_the_modules_table_shows_and_edits_each_modules_skills(editor_client):
    # given a track of two modules, one teaching Kubernetes
    track = TrackFactory(status=Status.DRAFT, published_at=None)  # a live track's modules: through revisions
    kubernetes, argo = SkillFactory(name="Kubernetes"), SkillFactory(name="Argo CD")
    a = ModuleFactory(track=track, title="Clusters", order=1)
    a.skills.add(kubernetes)
    b = ModuleFactory(track=track, title="GitOps", order=2)
    # the table shows each row's skills in an autocomplete multi-select
    page = editor_client.get(url("track", "change", track.pk)).content.decode()
    assert 'name="modules-0-skills"' in page and 'name="modules-1-skills"' in page
    assert "admin-autocomplete" in page and "Kubernetes</option>" in page
    # when the editor gives GitOps both skills and Clusters Argo CD instead
    data = track_form(track, [a, b]) | {"modules-0-skills": [argo.pk], "modules-1-skills": [kubernetes.pk, argo.pk]}
    response = editor_client.post(url("track", "change", track.pk), data)
    # then both are saved, without opening either module
    assert response.status_code == 302
    assert list(a.skills.all()) == [argo]
    assert set(b.skills.all()) == {kubernetes, argo}


# --- Publishing warning --------------------------------------------------------------------------


def test_publishing_a_track_with_no_published_module_warns_and_publishes(publisher_client):
    # given a draft track whose only module is a draft, and one with a published module
    empty = TrackFactory(title="Empty", status=Status.DRAFT, published_at=None)
    ModuleFactory(track=empty, status=Status.DRAFT, published_at=None)
    ready = TrackFactory(title="Ready", status=Status.DRAFT, published_at=None)
    ModuleFactory(track=ready)
    # when both are published by the service
    result = track_set_status(tracks=[empty, ready], status=Status.PUBLISHED)
    # then both are published, and the result warns of the empty one only
    assert result.changed == 2
    assert result.warnings == (
        "“Empty” is published with no published module: its page lists no modules until one is published.",
    )
    assert set(Track.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert track_set_status(tracks=[empty], status=Status.DRAFT).warnings == ()

    # the admin's publish action says so too
    response = publisher_client.post(
        url("track", "changelist"), {"action": "publish", "_selected_action": [empty.pk, ready.pk]}, follow=True
    )
    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert ("warning", result.warnings[0]) in shown
    assert Track.objects.get(pk=empty.pk).status == Status.PUBLISHED


def test_saving_a_published_track_with_only_draft_modules_warns(publisher_client):
    track = TrackFactory(title="Empty", status=Status.DRAFT, published_at=None)
    module = ModuleFactory(track=track, status=Status.DRAFT, published_at=None)
    data = track_form(track, [module], status="published")
    response = publisher_client.post(url("track", "change", track.pk), data, follow=True)
    assert response.status_code == 200
    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert any(level == "warning" and "no published module" in text for level, text in shown), shown
    # once its module is published (on the module's own page: a live track lists its modules read-only), nothing
    module_set_status(modules=[module], status=Status.PUBLISHED)
    track.refresh_from_db()
    data = track_form(track, [module])
    response = publisher_client.post(url("track", "change", track.pk), data, follow=True)
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
