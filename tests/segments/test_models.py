import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from careerhub.core.editorial import Status
from segments.models import Segment
from segments.services import segment_create
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_status_outside_the_workflow_is_refused_by_the_database():
    # given
    segment = SegmentFactory()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Segment.objects.filter(pk=segment.pk).update(status="live")


def test_published_segment_must_have_a_publication_date():
    segment = SegmentFactory(status=Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Segment.objects.filter(pk=segment.pk).update(status=Status.PUBLISHED)


def test_slug_is_unique():
    SegmentFactory(slug="big-tech")
    with pytest.raises(ValidationError) as error:
        segment_create(name="Another", slug="big-tech", summary="x")
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize(
    ("looks_for", "message"),
    [
        ("Kubernetes", "Enter a list of items."),
        (["Kubernetes", ""], "Item 2 must be non-empty text."),
        (["Kubernetes", 42], "Item 2 must be non-empty text."),
        (["x" * 301], "Item 1 is longer than 300 characters."),
        ([f"item {n}" for n in range(51)], "At most 50 items."),
    ],
)
def test_list_fields_hold_short_texts_only(looks_for, message):
    with pytest.raises(ValidationError) as error:
        segment_create(name="Healthcare", slug="healthcare", summary="x", looks_for=looks_for)
    assert error.value.message_dict["looks_for"] == [message]
    assert not Segment.objects.exists()


def test_only_published_segments_are_listed_for_the_public():
    from segments.selectors import segment_list

    published = SegmentFactory()
    SegmentFactory(status=Status.DRAFT, published_at=None)
    SegmentFactory(status=Status.ARCHIVED)
    assert list(segment_list()) == [published]
    assert segment_list(include_unpublished=True).count() == 3
