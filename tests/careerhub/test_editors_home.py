"""The editors' home (the admin index): each panel shows the right rows for the right editor, reminders appear
at their thresholds and not below, every link answers, and the page costs a fixed number of queries."""

import datetime
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careerhub.admin_home import PANELS, Panel, home_panels
from careerhub.core.editorial import Status
from careerhub.core.revisions.services import revision_save_draft, revision_schedule, revision_submit
from curriculum.models import Module, Track
from postings.demand.models import SegmentMonthTotal, SkillDemand
from segments.models import Segment
from segments.services import segment_update
from tests.factories import (
    ModuleFactory,
    SegmentFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
    make_editor,
    make_publisher,
)

pytestmark = pytest.mark.django_db

HOME = "/admin/"
DASH = "\N{EN DASH}"
SUMMARY = {"computed_at": "2026-11-01T00:00Z", "taxonomy_version": "t", "extractor_version": "e"}
# The demand window of the tests' pinned day (2026-11-15) ends with October 2026: the drift compares
# Aug-Oct 2026 with Feb-Apr 2026, the three months ending six months earlier.
AFTER = [datetime.date(2026, month, 1) for month in (8, 9, 10)]
BEFORE = [datetime.date(2026, month, 1) for month in (2, 3, 4)]


def saved_by(obj, user):
    """Save ``obj`` as ``user`` would through the admin: its history records who saved it."""
    obj._history_user = user
    obj.save()
    return obj


def draft(factory, user, **kwargs):
    return saved_by(factory(status=Status.DRAFT, published_at=None, **kwargs), user)


def unchanged_for(obj, days: float):
    type(obj).objects.filter(pk=obj.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def panel(response, key: str) -> str:
    """The HTML of one panel of the home page."""
    html = response.content.decode()
    match = re.search(rf'<section class="module home-panel" id="panel-{key}".*?</section>', html, re.S)
    assert match, f"no panel {key}"
    return match.group(0)


def demand(segment, skill, months, postings_per_month: list[int], total_per_month: int):
    """Summary rows of one segment: its monthly totals and the postings asking for ``skill``."""
    for month, postings in zip(months, postings_per_month, strict=True):
        SegmentMonthTotal.objects.get_or_create(segment=segment, month=month,
                                                defaults={"postings": total_per_month, **SUMMARY})
        if postings:
            SkillDemand.objects.create(segment=segment, skill=skill, month=month, postings=postings, **SUMMARY)


def drifting_module(after_postings: int, *, title: str = "Serving"):
    """A published module of a track aimed at two segments, teaching a skill asked for by 60 of the segments'
    300 postings in Feb-Apr 2026 (20%) and by ``after_postings`` of 300 in Aug-Oct 2026."""
    segments = SegmentFactory.create_batch(2)
    track = TrackFactory()
    track.segments.set(segments)
    skill = SkillFactory(name=f"{title} skill")
    steady = SkillFactory(name=f"{title} steady skill")
    module = ModuleFactory(track=track, title=title)
    module.skills.set([skill, steady])
    after = [after_postings // 2, after_postings - after_postings // 2]
    for segment, later in zip(segments, after, strict=True):
        demand(segment, skill, BEFORE, [10, 10, 10], 50)
        demand(segment, skill, AFTER, [later // 3, later // 3, later - 2 * (later // 3)], 50)
        demand(segment, steady, BEFORE + AFTER, [10] * 6, 50)
    return module, skill


# --- My drafts ---


def test_an_editor_sees_their_own_drafts_and_not_another_editors(client):
    # given
    me, other = make_editor(), make_editor()
    mine = [draft(SegmentFactory, me, name="My segment"), draft(TrackFactory, me, title="My track"),
            draft(ModuleFactory, me, title="My module")]
    draft(TrackFactory, other, title="Their track")
    theirs_last = draft(ModuleFactory, me, title="Handed over")
    saved_by(theirs_last, other)  # the latest version is the other editor's
    saved_by(SegmentFactory(name="Published segment"), me)  # not a draft
    # when
    client.force_login(me)
    shown = panel(client.get(HOME), "drafts")
    # then
    for obj in mine:
        assert f'href="{reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])}"' in shown
    assert "Their track" not in shown and "Handed over" not in shown and "Published segment" not in shown


def test_a_draft_track_saved_through_the_admin_is_on_its_editors_home(client):
    # given
    me, other = make_editor(), make_editor()
    client.force_login(me)
    data = {"title": "Platform", "slug": "platform", "level": "platform", "status": "draft", "display_order": "0",
            "summary": "Build the platform.", "modules-TOTAL_FORMS": "0", "modules-INITIAL_FORMS": "0"}
    # when
    assert client.post(reverse("admin:curriculum_track_add"), data).status_code == 302
    # then
    assert "Platform" in panel(client.get(HOME), "drafts")
    client.force_login(other)
    assert "Platform" not in panel(client.get(HOME), "drafts")


def test_panels_show_at_most_ten_rows_and_count_the_rest(client):
    # given
    me = make_editor()
    for n in range(8):
        draft(SegmentFactory, me, name=f"Draft segment {n}")
        draft(TrackFactory, me, title=f"Draft track {n}")
    # when
    client.force_login(me)
    shown = panel(client.get(HOME), "drafts")
    # then
    assert shown.count("<li>") == 10
    assert "And 6 more." in shown


# --- Waiting for review, scheduled, recently published ---


def test_revisions_of_live_content_show_as_drafts_waiting_for_review_and_scheduled(client):
    # given: an editor's draft of a live segment, and a publisher
    editor, publisher = make_editor(), make_publisher()
    live = SegmentFactory(name="Financial services")
    revision = revision_save_draft(
        instance=live, by=editor, write=lambda: segment_update(segment=live, data={"summary": "Changed."})
    )
    client.force_login(publisher)
    assert "Nothing is waiting for your review." in panel(client.get(HOME), "review")
    client.force_login(editor)
    assert "Financial services: revision" in panel(client.get(HOME), "drafts")

    # when: the editor submits it, and the publisher schedules it
    revision_submit(revision=revision, by=editor)
    editors_review = panel(client.get(HOME), "review")
    client.force_login(publisher)
    publishers_review = panel(client.get(HOME), "review")
    revision_schedule(revision=revision, by=publisher, publish_at=timezone.now() + datetime.timedelta(days=1))
    scheduled = panel(client.get(HOME), "scheduled")

    # then: it waits for the publisher's review (not the editor's), then shows as scheduled
    assert "Nothing is waiting for your review." in editors_review
    assert "Financial services: revision" in publishers_review
    assert "Financial services: revision" in scheduled and "next change" in scheduled


def test_the_scheduled_panel_links_to_the_scheduled_screen(client):
    # given: a scheduled revision
    publisher = make_publisher()
    live = SegmentFactory(name="Financial services")
    revision = revision_save_draft(
        instance=live, by=publisher, write=lambda: segment_update(segment=live, data={"summary": "Changed."})
    )
    revision_schedule(revision=revision, by=publisher, publish_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(publisher)
    # when
    shown = panel(client.get(HOME), "scheduled")
    screen = client.get(reverse("admin:careerhub_revision_scheduled"))
    # then
    assert f'<a href="{reverse("admin:careerhub_revision_scheduled")}">All scheduled</a>' in shown
    assert screen.status_code == 200 and "Financial services" in screen.content.decode()


def test_recently_published_lists_what_was_first_published_in_the_last_days(editor_client, settings):
    # given
    settings.CAREERHUB_RECENTLY_PUBLISHED_DAYS = 14
    now = timezone.now()
    SegmentFactory(name="Fresh segment", published_at=now - datetime.timedelta(days=13))
    ModuleFactory(title="Fresh module", published_at=now - datetime.timedelta(days=1))
    TrackFactory(title="Old track", published_at=now - datetime.timedelta(days=15))
    TrackFactory(title="Draft track", status=Status.DRAFT, published_at=None)
    # when
    shown = panel(editor_client.get(HOME), "published")
    # then
    assert "Fresh segment" in shown and "Fresh module" in shown
    assert "Old track" not in shown and "Draft track" not in shown
    assert shown.index("Fresh module") < shown.index("Fresh segment")  # newest first


# --- Reminders ---


@pytest.mark.parametrize(("days", "due"), [(180.01, True), (179.99, False)])
def test_published_content_unchanged_for_the_review_period_is_due_for_a_review(editor_client, settings, days, due):
    # given
    settings.CAREERHUB_REVIEW_AFTER_DAYS = 180
    segment, track, module = SegmentFactory(name="Aged segment"), TrackFactory(title="Aged track"), ModuleFactory()
    hidden = TrackFactory(title="Aged draft", status=Status.DRAFT, published_at=None)
    for obj in (segment, track, module, hidden):
        unchanged_for(obj, days)
    # when
    shown = panel(editor_client.get(HOME), "reminders")
    # then
    assert ("Aged segment" in shown) is due
    assert ("Aged track" in shown) is due
    assert (f'href="{reverse("admin:curriculum_module_change", args=[module.pk])}"' in shown) is due
    assert "Aged draft" not in shown


@pytest.mark.parametrize(
    ("after_postings", "flagged", "change"),
    [(90, True, "+10.0 points"), (89, False, None), (30, True, "-10.0 points"), (31, False, None)],
    ids=["up-at-threshold", "up-below", "down-at-threshold", "down-below"],
)
def test_a_module_whose_skill_demand_moved_by_the_threshold_in_six_months_is_flagged(
    editor_client, settings, after_postings, flagged, change
):
    # given: 60 of 300 postings (20%) six months ago
    settings.CAREERHUB_DEMAND_DRIFT_SHARE = 0.10
    module, skill = drifting_module(after_postings)
    # when
    shown = panel(editor_client.get(HOME), "reminders")
    # then
    assert ("Demand drift" in shown) is flagged
    if flagged:
        assert f'href="{reverse("admin:curriculum_module_change", args=[module.pk])}"' in shown
        figures = (f"Serving skill: 20.0% of postings in Feb{DASH}Apr 2026 (60 of 300), {after_postings / 3:.1f}% in "
                   f"Aug{DASH}Oct 2026 ({after_postings} of 300): {change}")
        assert figures in shown
        assert reverse("postings:skill-detail", kwargs={"slug": skill.slug}) in shown
        assert reverse("admin:curriculum_trackcoverage_track", args=[module.track_id]) in shown
        assert "steady skill" not in shown  # a skill that did not move is not listed


def test_no_drift_is_reported_with_too_few_postings(editor_client):
    # given: 2 of 6 postings after, none before: a large share, but a sample too small to read
    segment, skill = SegmentFactory(), SkillFactory()
    track = TrackFactory()
    track.segments.set([segment])
    ModuleFactory(track=track).skills.set([skill])
    demand(segment, skill, BEFORE, [0, 0, 0], 2)
    demand(segment, skill, AFTER, [1, 1, 0], 2)
    # when, then
    assert "Demand drift" not in panel(editor_client.get(HOME), "reminders")


def test_drift_is_read_in_the_tracks_segments_only(editor_client):
    # given: the skill rose only in a segment the module's track is not aimed at
    _, skill = drifting_module(60)
    elsewhere = SegmentFactory()
    demand(elsewhere, skill, BEFORE, [10, 10, 10], 50)
    demand(elsewhere, skill, AFTER, [40, 40, 40], 50)
    # when, then
    assert "Demand drift" not in panel(editor_client.get(HOME), "reminders")


# --- Who sees what, links, query count ---


def test_staff_without_content_permissions_see_no_content(client):
    # given
    me = UserFactory(is_staff=True)
    draft(SegmentFactory, me, name="My segment")
    unchanged_for(TrackFactory(title="Aged track"), 400)
    drifting_module(90)
    # when
    client.force_login(me)
    response = client.get(HOME)
    # then
    assert response.status_code == 200
    assert "My segment" not in panel(response, "drafts")
    assert "Aged track" not in panel(response, "reminders") and "Demand drift" not in panel(response, "reminders")


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


DRIFTING = itertools.count()  # drifting modules' titles, and their skills' names, are unique


def build_home(editor, n: int) -> None:
    """``n`` rows of each kind in every panel: drafts, recently published, due for review, drifting modules."""
    for _ in range(n):
        draft(SegmentFactory, editor)
        draft(TrackFactory, editor)
        draft(ModuleFactory, editor)
        for obj in (SegmentFactory(), TrackFactory(), ModuleFactory()):
            unchanged_for(obj, 400)
        drifting_module(90, title=f"Drifting {next(DRIFTING)}")


def test_every_link_on_the_home_answers(client):
    # given
    editor = make_editor()
    build_home(editor, 2)
    client.force_login(editor)
    parser = Links()
    # when
    parser.feed("".join(panel(client.get(HOME), p.key) for p in PANELS))
    # then
    assert len(parser.hrefs) > 20
    for href in set(parser.hrefs):
        assert client.get(href).status_code == 200, href


HOME_QUERIES = 21


def test_the_home_costs_the_same_number_of_queries_however_many_rows_it_shows(client, django_assert_num_queries):
    # given
    editor = make_editor()
    client.force_login(editor)
    build_home(editor, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    build_home(editor, 4)
    # when, then
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    assert len(few.captured_queries) == HOME_QUERIES
    assert "And 8 more." in panel(response, "drafts")  # six of each kind, ten shown
    assert panel(response, "reminders").count("Demand drift") == 6


@pytest.mark.parametrize("tracks", [9, 12])
def test_a_panels_source_is_one_function_of_the_user(editor, django_assert_num_queries, tracks):
    # given: a source returning a queryset, as the revision selectors do
    TrackFactory.create_batch(tracks)
    home = [Panel("tracks", "Tracks", "None.", source=lambda user: Track.objects.order_by("id"))]
    # when: one query, however many rows match
    with django_assert_num_queries(1):
        (shown,) = home_panels(editor, home)
    # then
    first = Track.objects.order_by("id").first()
    assert shown.items[0].title == str(first)
    assert shown.items[0].url == reverse("admin:curriculum_track_change", args=[first.pk])
    assert len(shown.items) == min(tracks, 10) and shown.more == max(tracks - 10, 0)


def test_a_row_about_another_object_links_to_that_object(editor):
    # given: rows with a content type and an object id (a log entry here, a revision once revisions exist)
    module = ModuleFactory(title="Serving")
    LogEntry.objects.create(user=editor, content_type=ContentType.objects.get_for_model(Module),
                            object_id=str(module.pk), object_repr=str(module), action_flag=CHANGE)
    home = [Panel("log", "Log", "None.", source=lambda user: LogEntry.objects.select_related("content_type"))]
    # when
    (shown,) = home_panels(editor, home)
    # then: to its revisions page (its admin has one)
    (item,) = shown.items
    assert item.kind == "Module"
    assert item.url == reverse("admin:curriculum_module_revisions", args=[module.pk])


def test_segments_are_named_on_drift_reminders(editor_client):
    module, _ = drifting_module(90)
    names = ", ".join(Segment.objects.filter(tracks=module.track).order_by("display_order", "name")
                      .values_list("name", flat=True))
    assert f"Demand in {names}, six months apart" in panel(editor_client.get(HOME), "reminders")
