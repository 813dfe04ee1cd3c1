import pytest
from django.core.exceptions import ValidationError

from careerhub.core.editorial import Status
from segments.models import Segment
from segments.services import segment_create, segment_set_status, segment_update
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_create_is_a_draft_with_history():
    segment = segment_create(name="Healthcare", slug="healthcare", summary="Privacy first.", looks_for=["HIPAA"])
    assert segment.status == Status.DRAFT
    assert segment.published_at is None
    assert segment.history.count() == 1
    assert segment.history.first().history_type == "+"


def test_create_names_each_invalid_field():
    with pytest.raises(ValidationError) as error:
        segment_create(name="", slug="not a slug!", summary="")
    assert set(error.value.message_dict) == {"name", "slug", "summary"}
    assert not Segment.objects.exists()


def test_nul_characters_are_refused_by_field():
    with pytest.raises(ValidationError) as error:
        segment_create(name="Health\x00care", slug="healthcare", summary="ok")
    assert error.value.message_dict == {"name": ["NUL characters are not allowed."]}


def test_markup_is_stored_as_text_and_escaped_on_pages(client):
    segment = segment_create(
        name="<script>alert(1)</script>", slug="xss", summary="<b>bold</b>", status=Status.PUBLISHED
    )
    body = client.get(segment.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_update_refuses_unknown_fields_and_changes_nothing():
    segment = SegmentFactory(name="Finance")
    with pytest.raises(ValueError, match="Cannot update colour"):
        segment_update(segment=segment, data={"name": "Banks", "colour": "red"})
    segment.refresh_from_db()
    assert segment.name == "Finance"


def test_update_records_what_changed():
    segment = segment_create(name="Finance", slug="finance", summary="Risk controls.")
    segment_update(segment=segment, data={"summary": "Risk controls are the business."})
    newest, previous = segment.history.all()[:2]
    delta = newest.diff_against(previous)
    assert delta.changed_fields == ["summary"]


def test_publishing_sets_the_date_once_and_counts_changes():
    draft = SegmentFactory(status=Status.DRAFT, published_at=None)
    already = SegmentFactory()
    changed = segment_set_status(segments=Segment.objects.all(), status=Status.PUBLISHED)
    draft.refresh_from_db()
    assert changed == 1
    assert draft.published_at is not None
    first_published = draft.published_at
    segment_set_status(segments=[draft], status=Status.ARCHIVED)
    segment_set_status(segments=[draft], status=Status.PUBLISHED)
    draft.refresh_from_db()
    assert draft.published_at == first_published
    assert already.history.count() == 1


def test_unknown_status_is_refused():
    segment = SegmentFactory()
    with pytest.raises(ValueError, match="Unknown status 'live'"):
        segment_set_status(segments=[segment], status="live")
