"""Public pages carry an "Edit this page" link to the admin for staff who may change their content, never for
anyone else, and a page that shows it is private so that no shared cache serves it to others."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import (
    ModuleFactory,
    PostingFactory,
    SegmentFactory,
    SkillFactory,
    UserFactory,
    make_editor,
)

pytestmark = pytest.mark.django_db

EDIT = "Edit this page"


def pages() -> list[tuple[str, str]]:
    """(public address, admin change address) of a segment, track, its coverage, module, skill and posting."""
    module = ModuleFactory()
    segment, skill, posting = SegmentFactory(), SkillFactory(), PostingFactory()
    track = module.track
    return [
        (segment.get_absolute_url(), reverse("admin:segments_segment_change", args=[segment.pk])),
        (track.get_absolute_url(), reverse("admin:curriculum_track_change", args=[track.pk])),
        (reverse("curriculum:track-coverage", args=[track.slug]), reverse("admin:curriculum_track_change",
                                                                         args=[track.pk])),
        (module.get_absolute_url(), reverse("admin:curriculum_module_change", args=[module.pk])),
        (skill.get_absolute_url(), reverse("admin:postings_skill_change", args=[skill.pk])),
        (posting.get_absolute_url(), reverse("admin:postings_posting_change", args=[posting.pk])),
    ]


def test_editors_see_a_link_to_the_admin_form_and_the_page_is_private(client):
    client.force_login(make_editor())
    for public, change in pages():
        response = client.get(public)
        assert response.status_code == 200, public
        body = response.content.decode()
        assert f'<a href="{change}">{EDIT}' in body, public
        assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"], public
        assert client.get(change).status_code == 200


def test_nobody_else_sees_the_link_and_public_pages_stay_cacheable(client):
    addresses = pages()
    # anonymous
    for public, _ in addresses:
        response = client.get(public)
        assert response.status_code == 200 and EDIT not in response.content.decode(), public
        assert "private" not in response.get("Cache-Control", ""), public
    # a signed-in learner, and staff who may only view content
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    for user in (UserFactory(), viewer):
        client.force_login(user)
        for public, _ in addresses:
            response = client.get(public)
            assert response.status_code == 200 and EDIT not in response.content.decode(), (user, public)
