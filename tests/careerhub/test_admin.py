import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.models import Employer, Posting, Skill, SkillAlias, SkillCategory
from segments.models import Segment
from tests.factories import (
    EmployerFactory,
    ModuleFactory,
    PostingFactory,
    SegmentFactory,
    SkillAliasFactory,
    SkillCategoryFactory,
    SkillFactory,
    TrackFactory,
    make_publisher,
)

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [Segment, SkillCategory, Skill, SkillAlias, Employer, Posting, Track, Module]
FACTORIES = {
    Segment: SegmentFactory,
    SkillCategory: SkillCategoryFactory,
    Skill: SkillFactory,
    SkillAlias: SkillAliasFactory,
    Employer: EmployerFactory,
    Posting: PostingFactory,
    Track: TrackFactory,
    Module: ModuleFactory,
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_content_model_is_registered_with_history_search_and_filters():
    for model in CONTENT_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert hasattr(model_admin, "history_view"), model
    for model in (Segment, Skill, Posting, Track, Module):
        assert admin.site._registry[model].list_filter, model


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_editor_sees_changelist_add_change_and_history(editor_client, model):
    obj = FACTORIES[model]()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
    ):
        response = editor_client.get(url, follow=True)  # history: the revisions page
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_anonymous_users_are_sent_to_the_login_page(client, model):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_editors_group_cannot_change_content(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url(Segment, "changelist")).status_code == 403


def test_editors_group_may_edit_content_but_not_rewrite_history():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_posting", "change_segment", "delete_module", "view_skill", "view_historicalsegment"} <= codenames
    assert "change_historicalsegment" not in codenames
    assert not any(code.endswith("_user") or code.endswith("_group") for code in codenames)


def test_editor_creates_a_track_with_modules_and_segments(editor_client):
    # given
    segment = SegmentFactory()
    data = {
        "title": "Platform",
        "slug": "platform",
        "level": "platform",
        "status": "draft",
        "display_order": "0",
        "summary": "Build the platform.",
        "segments": [segment.pk],
        "modules-TOTAL_FORMS": "2",
        "modules-INITIAL_FORMS": "0",
        "modules-0-order": "1",
        "modules-0-title": "GitOps",
        "modules-0-slug": "gitops",
        "modules-0-status": "published",
        "modules-1-order": "2",
        "modules-1-title": "Serving",
        "modules-1-slug": "serving",
        "modules-1-status": "draft",
    }
    # when
    response = editor_client.post(admin_url(Track, "add"), data)
    # then
    assert response.status_code == 302, response.context["errors"] if response.context else response
    track = Track.objects.get(slug="platform")
    assert list(track.segments.all()) == [segment]
    modules = [(m.order, m.slug, m.status) for m in track.modules.all()]
    assert modules == [(1, "gitops", "published"), (2, "serving", "draft")]
    assert track.modules.get(slug="gitops").published_at is not None
    assert track.history.first().history_user.is_staff


def test_editor_adds_a_skill_with_aliases_and_sees_errors_per_field(editor_client):
    category = SkillCategoryFactory()
    SkillAliasFactory(text="k8s")
    data = {
        "name": "Kubernetes",
        "slug": "kubernetes",
        "category": category.pk,
        "type": "tool",
        "status": "published",
        "source": "curated",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-0-text": "K8S",
    }
    response = editor_client.post(admin_url(Skill, "add"), data)
    assert response.status_code == 200
    assert not Skill.objects.filter(slug="kubernetes").exists()
    assert "already exists" in response.content.decode()

    data["aliases-0-text"] = "kube"
    assert editor_client.post(admin_url(Skill, "add"), data).status_code == 302
    assert list(Skill.objects.get(slug="kubernetes").aliases.values_list("text", flat=True)) == ["kube"]


def test_bulk_publish_and_archive_actions(client):
    editor_client = client
    editor_client.force_login(make_publisher())  # publishing and archiving need the publishers' permission
    drafts = SegmentFactory.create_batch(3, status=Status.DRAFT, published_at=None)
    response = editor_client.post(
        admin_url(Segment, "changelist"),
        {"action": "publish", "_selected_action": [s.pk for s in drafts[:2]]},
        follow=True,
    )
    assert "2 segments published." in response.content.decode()
    assert Segment.objects.published().count() == 2

    editor_client.post(admin_url(Segment, "changelist"), {"action": "archive", "_selected_action": [drafts[0].pk]})
    assert Segment.objects.get(pk=drafts[0].pk).status == Status.ARCHIVED


def test_editor_reverts_a_segment_to_an_earlier_version(client):
    # given: a live segment edited once through the admin and published
    client.force_login(make_publisher())
    segment = SegmentFactory(summary="Original summary.")
    change = admin_url(Segment, "change", segment.pk)
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["looks_for"] = "\n".join(segment.looks_for)
    data["sample_employers"] = data["focus_areas"] = ""
    data["summary"] = "Edited summary."
    assert client.post(change, data | {"_publish": "Publish"}).status_code == 302
    assert Segment.objects.get(pk=segment.pk).summary == "Edited summary."

    # when: the history is opened, and the first revision restored
    history = client.get(admin_url(Segment, "history", segment.pk))
    assert history.status_code == 302  # one history for editors: the revisions page
    revisions_page = client.get(history["Location"]).content.decode()
    assert "Edited summary." not in revisions_page and "Revert to revision 1" in revisions_page
    revert = reverse("admin:segments_segment_revision_action", args=[segment.pk, 1])
    assert client.post(revert, {"action": "revert"}).status_code == 302

    # then
    segment.refresh_from_db()
    assert segment.summary == "Original summary."
    assert "Reverted to revision 1" in client.get(history["Location"]).content.decode()


def test_view_on_site_links_to_the_public_page(editor_client):
    segment = SegmentFactory(slug="healthcare")
    response = editor_client.get(admin_url(Segment, "change", segment.pk))
    assert "View on site" in response.content.decode()
    assert editor_client.get(segment.get_absolute_url()).status_code == 200
