"""The sitemaps are answered from the cache until published content changes (careerhub/sitemaps.py)."""

import pytest
from django.core.cache import cache

from careerhub.core.cache import content_changed
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_a_sitemap_is_kept_until_content_changes(client, django_assert_num_queries, django_capture_on_commit_callbacks):
    # given: one published segment, its sitemap read once
    cache.clear()
    SegmentFactory(slug="first-segment")
    assert b"/segments/first-segment/" in client.get("/sitemap-segments.xml").content

    # when: another segment is published without telling the cache (no write through a service)
    SegmentFactory(slug="second-segment")

    # then: the kept sitemap is answered without a query; a published change shows the new segment
    with django_assert_num_queries(0):
        kept = client.get("/sitemap-segments.xml")
    assert kept.status_code == 200 and b"second-segment" not in kept.content
    with django_capture_on_commit_callbacks(execute=True):
        content_changed()  # what every service calls in a write's transaction; it bumps at the commit
    assert b"/segments/second-segment/" in client.get("/sitemap-segments.xml").content
    assert client.get("/sitemap.xml").status_code == 200
