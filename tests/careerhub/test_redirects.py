"""A published object's new slug leaves permanent redirects from its old addresses and its children's; chains
stay one hop long, loops are dropped, and editors manage redirects in the admin."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careerhub.core.editorial import Status
from careerhub.core.redirects import Redirect, RedirectSource, redirect_save
from curriculum.services import module_update, track_save, track_update
from postings.services import skill_merge, skill_update
from segments.services import segment_update
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory

pytestmark = pytest.mark.django_db


def location(client, path: str, method: str = "get") -> tuple[int, str | None]:
    response = getattr(client, method)(path)
    return response.status_code, response.headers.get("Location")


def test_a_track_slug_change_redirects_the_track_its_coverage_and_its_published_modules(client):
    # given a published track with a published and a draft module
    track = TrackFactory(slug="old-track")
    ModuleFactory(track=track, slug="serving", order=1)
    ModuleFactory(track=track, slug="unfinished", order=2, status=Status.DRAFT, published_at=None)
    # when its slug changes
    track_update(track=track, data={"slug": "new-track"})
    # then every old public address leads to the new one, in one permanent hop, the query string kept
    assert location(client, "/tracks/old-track/") == (301, "/tracks/new-track/")
    assert location(client, "/tracks/old-track/?level=senior") == (301, "/tracks/new-track/?level=senior")
    assert location(client, "/tracks/old-track/coverage/") == (301, "/tracks/new-track/coverage/")
    assert location(client, "/tracks/old-track/modules/serving/") == (301, "/tracks/new-track/modules/serving/")
    assert client.get("/tracks/new-track/modules/serving/").status_code == 200
    # the draft module was never public: it leaves nothing
    assert client.get("/tracks/old-track/modules/unfinished/").status_code == 404
    assert Redirect.objects.filter(source=RedirectSource.SLUG_CHANGE).count() == 3
    # only reads are redirected
    assert client.post("/tracks/old-track/").status_code == 404
    assert location(client, "/tracks/old-track/", "head") == (301, "/tracks/new-track/")


def test_a_track_saved_in_place_with_a_new_slug_redirects_too(client):
    track = TrackFactory(slug="before")
    track.slug = "after"
    track_save(track=track)
    assert location(client, "/tracks/before/") == (301, "/tracks/after/")


def test_a_draft_whose_slug_changes_leaves_no_redirect(client):
    track = TrackFactory(slug="draft-track", status=Status.DRAFT, published_at=None)
    track_update(track=track, data={"slug": "renamed-draft"})
    assert not Redirect.objects.exists()
    assert client.get("/tracks/draft-track/").status_code == 404


def test_chains_collapse_to_one_hop_and_moving_back_drops_the_loop(client):
    # given a track moved A -> B -> C
    track = TrackFactory(slug="a")
    track_update(track=track, data={"slug": "b"})
    track_update(track=track, data={"slug": "c"})
    # then A goes straight to C
    assert location(client, "/tracks/a/") == (301, "/tracks/c/")
    assert location(client, "/tracks/b/") == (301, "/tracks/c/")
    # when it moves back to A
    track_update(track=track, data={"slug": "a"})
    # then A is the live page again, B and C lead to it, and no redirect leads from A
    assert client.get("/tracks/a/").status_code == 200
    assert location(client, "/tracks/b/") == (301, "/tracks/a/")
    assert location(client, "/tracks/c/") == (301, "/tracks/a/")
    assert not Redirect.objects.filter(old_path__startswith="/tracks/a/").exists()
    assert not Redirect.objects.filter(old_path=F("new_path")).exists()


def test_a_module_moved_by_slug_or_to_another_track_redirects(client):
    first, second = TrackFactory(slug="first"), TrackFactory(slug="second")
    module = ModuleFactory(track=first, slug="serving", order=1)
    module_update(module=module, data={"slug": "model-serving"})
    assert location(client, "/tracks/first/modules/serving/") == (301, "/tracks/first/modules/model-serving/")
    module_update(module=module, data={"track": second})
    assert location(client, "/tracks/first/modules/serving/") == (301, "/tracks/second/modules/model-serving/")
    assert location(client, "/tracks/first/modules/model-serving/") == (
        301, "/tracks/second/modules/model-serving/"
    )  # fmt: skip
    assert Redirect.objects.count() == 2  # no address that was never public


def test_segment_and_skill_slug_changes_and_a_skill_merge_redirect(client):
    segment = SegmentFactory(slug="fintech")
    segment_update(segment=segment, data={"slug": "financial-services"})
    assert location(client, "/segments/fintech/") == (301, "/segments/financial-services/")

    skill = SkillFactory(slug="k8s")
    skill_update(skill=skill, data={"slug": "kubernetes"})
    assert location(client, "/skills/k8s/") == (301, "/skills/kubernetes/")

    duplicate = SkillFactory(slug="kubernetes-k8s")
    skill_merge(source=duplicate, target=skill)
    assert location(client, "/skills/kubernetes-k8s/") == (301, "/skills/kubernetes/")


def test_a_page_that_answers_never_reads_the_redirects(client):
    # given a redirect and a live track
    track = TrackFactory(slug="live")
    redirect_save(redirect=Redirect(old_path="/tracks/gone/", new_path="/tracks/live/"))
    # when the live page is read
    with CaptureQueriesContext(connection) as queries:
        assert client.get(track.get_absolute_url()).status_code == 200
    # then no query touched the redirects
    assert not [q for q in queries.captured_queries if "careerhub_redirect" in q["sql"]]
    # a 404 under the admin or the API is never redirected
    redirect_save(redirect=Redirect(old_path="/tracks/api/", new_path="/tracks/live/"))
    assert client.get("/api/v1/no-such-thing/").status_code == 404


# --- The admin -----------------------------------------------------------------------------------


def admin_url(view: str, *args) -> str:
    return reverse(f"admin:careerhub_redirect_{view}", args=args)


def test_editors_list_search_and_filter_redirects(editor_client):
    track = TrackFactory(slug="old-slug")
    track_update(track=track, data={"slug": "new-slug"})
    redirect_save(redirect=Redirect(old_path="/segments/old/", new_path="/segments/", note="Retired"))

    page = editor_client.get(admin_url("changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "/tracks/old-slug/" in body and "/segments/old/" in body and "A slug changed" in body

    found = editor_client.get(admin_url("changelist"), {"q": "segments"}).content.decode()
    assert "/segments/old/" in found and "/tracks/old-slug/" not in found

    filtered = editor_client.get(admin_url("changelist"), {"source__exact": "editor"}).content.decode()
    assert "/segments/old/" in filtered and "/tracks/old-slug/coverage/" not in filtered


def test_editors_add_a_redirect_which_joins_chains_and_delete_it(editor_client, client):
    # given /a/ -> /b/
    redirect_save(redirect=Redirect(old_path="/tracks/a/", new_path="/tracks/b/"))
    # when an editor adds /b/ -> /c/
    data = {"old_path": "/tracks/b/", "new_path": "/tracks/c/", "note": "Renamed"}
    response = editor_client.post(admin_url("add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # then /a/ goes straight to /c/
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {
        "/tracks/a/": "/tracks/c/", "/tracks/b/": "/tracks/c/"
    }  # fmt: skip
    added = Redirect.objects.get(old_path="/tracks/b/")
    assert (added.source, added.note) == (RedirectSource.EDITOR, "Renamed")

    # and it can be changed and deleted
    assert editor_client.get(admin_url("change", added.pk)).status_code == 200
    response = editor_client.post(admin_url("delete", added.pk), {"post": "yes"})
    assert response.status_code == 302 and not Redirect.objects.filter(pk=added.pk).exists()
    assert client.get("/tracks/b/").status_code == 404


@pytest.mark.parametrize(
    ("old_path", "new_path", "field", "words"),
    [
        ("/tracks/c/", "/tracks/a/", "new_path", "go round in a loop"),  # /a/ already leads to /c/
        ("/tracks/x/", "/tracks/x/", "new_path", "leads back to itself"),
        ("tracks/x/", "/tracks/y/", "old_path", "starting with one “/”"),
        ("/tracks/x/", "//evil.example/", "new_path", "starting with one “/”"),
        ("/admin/x/", "/tracks/y/", "old_path", "never redirected"),
        ("/tracks/a/", "/tracks/y/", "old_path", "already exists"),
    ],
)
def test_a_bad_redirect_is_refused_naming_the_field(editor_client, old_path, new_path, field, words):
    redirect_save(redirect=Redirect(old_path="/tracks/a/", new_path="/tracks/c/"))
    response = editor_client.post(admin_url("add"), {"old_path": old_path, "new_path": new_path, "note": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert words in " ".join(errors[field]), errors
    assert Redirect.objects.count() == 1
