import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from careerhub.core.editorial import Status
from postings.demand import engine
from postings.demand.models import DemandMark, DemandRun, SegmentDayCount, SegmentMonthTotal, SkillDemand
from postings.demand.selectors import cooccurrence, demand_cells, skill_trends, top_skills
from postings.models import PostingSkill
from postings.services import (
    posting_delete,
    posting_link_duplicate,
    posting_set_status,
    posting_skill_save,
    posting_update,
)
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.world import create_posting

pytestmark = pytest.mark.django_db

OCT, NOV = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)


@pytest.fixture
def world():
    return {
        "finance": SegmentFactory(name="Finance"),
        "health": SegmentFactory(name="Health"),
        "k8s": SkillFactory(name="Kubernetes"),
        "mlflow": SkillFactory(name="MLflow"),
        "sox": SkillFactory(name="SOX"),
        "employer": EmployerFactory(),
    }


def post(world, segment, day, skills, status=Status.PUBLISHED, n=[0]):  # noqa: B006 - a counter on purpose
    n[0] += 1
    # The skills are named in the text, so the one write path finds them as it would in a real posting.
    text = "We use " + ", ".join(world[s].name for s in skills) + "." if skills else "x"
    return create_posting(
        employer=world["employer"], segment=world[segment], title=f"Job {n[0]}", description=text,
        posted_on=day, external_id=f"e{n[0]}", status=status,
    )


def cells():
    return {(c.segment.name if c.segment else "all", c.month, c.skill.name): c.postings
            for c in SkillDemand.objects.select_related("segment", "skill")}


def totals():
    return {(t.segment.name if t.segment else "all", t.month): t.postings
            for t in SegmentMonthTotal.objects.select_related("segment")}


def test_counts_shares_and_ranks_by_hand(world):
    # given: three published Finance postings in October, one in Health, one draft, one duplicate
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    original = post(world, "finance", datetime.date(2026, 10, 9), ["k8s"])
    post(world, "finance", datetime.date(2026, 10, 30), ["sox"])
    post(world, "health", datetime.date(2026, 10, 2), ["k8s"])
    post(world, "finance", datetime.date(2026, 10, 5), ["k8s"], status=Status.DRAFT)
    copy = post(world, "finance", datetime.date(2026, 10, 6), ["k8s"])
    posting_link_duplicate(posting=copy, original=original)

    # when
    engine.recompute_marked()

    # then
    assert cells() == {
        ("Finance", OCT, "Kubernetes"): 2, ("Finance", OCT, "MLflow"): 1, ("Finance", OCT, "SOX"): 1,
        ("Health", OCT, "Kubernetes"): 1,
        ("all", OCT, "Kubernetes"): 3, ("all", OCT, "MLflow"): 1, ("all", OCT, "SOX"): 1,
    }
    assert totals() == {("Finance", OCT): 3, ("Health", OCT): 1, ("all", OCT): 4}
    finance = {(c.skill.name, round(c.share, 3), c.rank) for c in demand_cells(segment=world["finance"])}
    assert finance == {("Kubernetes", 0.667, 1), ("MLflow", 0.333, 2), ("SOX", 0.333, 2)}
    everyone = {(c.skill.name, c.total, c.rank) for c in demand_cells(segment=None)}
    assert everyone == {("Kubernetes", 4, 1), ("MLflow", 4, 2), ("SOX", 4, 2)}
    assert not DemandMark.objects.exists()


def test_every_row_records_when_and_from_what_it_was_computed(world):
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    engine.recompute_marked()
    row = SkillDemand.objects.first()
    assert row.computed_at and row.taxonomy_version and row.extractor_version


def test_moves_and_rejections_leave_nothing_behind(world):
    posting = post(world, "finance", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    engine.recompute_marked()
    posting_update(posting=posting, data={"segment": world["health"], "posted_on": datetime.date(2026, 11, 2)})
    link = PostingSkill.objects.get(posting=posting, skill=world["mlflow"])
    link.state = PostingSkill.State.REJECTED
    posting_skill_save(posting_skill=link)
    engine.recompute_marked()
    assert cells() == {("Health", NOV, "Kubernetes"): 1, ("all", NOV, "Kubernetes"): 1}
    assert totals() == {("Health", NOV): 1, ("all", NOV): 1}


def test_deleting_an_original_lets_its_earliest_duplicate_count(world):
    # given: an original Finance posting and two exact duplicates of it, all asking for Kubernetes
    original = post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    first, second = (post(world, "finance", datetime.date(2026, 10, d), ["k8s"]) for d in (4, 5))
    for duplicate in (first, second):
        posting_link_duplicate(posting=duplicate, original=original)
    engine.recompute_marked()
    assert cells()[("Finance", OCT, "Kubernetes")] == 1

    # when: the original is deleted
    posting_delete(posting=original)
    engine.recompute_marked()

    # then: the earliest duplicate counts in its place, once, and the other stays its duplicate
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.duplicate_of_id, second.duplicate_of_id) == (None, first.pk)
    assert cells()[("Finance", OCT, "Kubernetes")] == 1
    assert totals()[("Finance", OCT)] == 1
    assert engine.compare(engine.stored_summaries(), engine.recount_everything()).drift == 0


def link_cells(posting):
    """Each of the posting's links: (skill name, the segment and month its copy says it counts in)."""
    return {
        (link.skill.name, link.counted_segment_id, link.counted_month)
        for link in PostingSkill.objects.filter(posting=posting).select_related("skill")
    }


def test_links_carry_the_cell_they_count_in_through_every_write(world):
    finance, health = world["finance"].pk, world["health"].pk
    # created published: every link counts in the posting's segment and month
    posting = post(world, "finance", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    assert link_cells(posting) == {("Kubernetes", finance, OCT), ("MLflow", finance, OCT)}

    # re-segmented and re-dated: the copies follow
    posting_update(posting=posting, data={"segment": world["health"], "posted_on": datetime.date(2026, 11, 2)})
    assert link_cells(posting) == {("Kubernetes", health, NOV), ("MLflow", health, NOV)}

    # an editor rejects one link: it counts nowhere; the other still counts
    link = PostingSkill.objects.get(posting=posting, skill=world["mlflow"])
    link.state = PostingSkill.State.REJECTED
    posting_skill_save(posting_skill=link)
    assert link_cells(posting) == {("Kubernetes", health, NOV), ("MLflow", None, None)}

    # unpublished, then a duplicate of another posting: nothing counts
    posting_set_status(postings=[posting], status=Status.DRAFT)
    assert link_cells(posting) == {("Kubernetes", None, None), ("MLflow", None, None)}
    posting_set_status(postings=[posting], status=Status.PUBLISHED)
    original = post(world, "finance", datetime.date(2026, 10, 1), ["sox"])
    posting_link_duplicate(posting=posting, original=original)
    assert link_cells(posting) == {("Kubernetes", None, None), ("MLflow", None, None)}

    # the original deleted: the duplicate is released and counts again
    posting_delete(posting=original)
    assert link_cells(posting) == {("Kubernetes", health, NOV), ("MLflow", None, None)}
    engine.recompute_marked()
    assert engine.recompute_all(apply=False, check_copies=True)[0].drift == 0


def test_verify_finds_stale_link_copies_and_full_recompute_repairs_them(world):
    posting = post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    engine.recompute_marked()
    # damage behind the engine's back: the link claims to count in Health
    PostingSkill.objects.filter(posting=posting).update(counted_segment_id=world["health"].pk)

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 summary cells differ"):
        call_command("recompute_demand", "--verify", stdout=out, stderr=err)
    assert (f"segment {world['finance'].pk}, month 2026-10, skill {world['k8s'].pk}: "
            "skill links' cells count 0, fresh 1") in err.getvalue()
    assert (f"segment {world['health'].pk}, month 2026-10, skill {world['k8s'].pk}: "
            "skill links' cells count 1, fresh 0") in err.getvalue()

    call_command("recompute_demand", "--full", "--verify", stdout=out, stderr=err)
    assert "Verified" in out.getvalue()
    assert link_cells(posting) == {("Kubernetes", world["finance"].pk, OCT)}


def test_totals_add_up_day_counts_that_verify_checks_and_full_recompute_repairs(world):
    # given: three postings on two days of October
    for day in (3, 3, 17):
        post(world, "finance", datetime.date(2026, 10, day), ["k8s"])
    engine.recompute_marked()
    finance = world["finance"].pk
    assert dict(SegmentDayCount.objects.values_list("day", "postings")) == {
        datetime.date(2026, 10, 3): 2, datetime.date(2026, 10, 17): 1}
    assert totals()[("Finance", OCT)] == 3
    # when: one more on the 17th, drained: only that day is recounted, the month adds up its days
    post(world, "finance", datetime.date(2026, 10, 17), ["sox"])
    assert set(DemandMark.objects.filter(skill__isnull=True).values_list("day", flat=True)) == {
        datetime.date(2026, 10, 17)}
    engine.recompute_marked()
    assert totals()[("Finance", OCT)] == 4 and totals()[("all", OCT)] == 4

    # then: a damaged day count is drift, named by day, and the full recompute repairs it
    SegmentDayCount.objects.filter(segment_id=finance, day=datetime.date(2026, 10, 3)).update(postings=7)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 summary cells differ"):
        call_command("recompute_demand", "--verify", stdout=out, stderr=err)
    assert f"segment {finance}, day 2026-10-03: stored day count 7, fresh 2" in err.getvalue()
    call_command("recompute_demand", "--full", "--verify", stdout=out, stderr=err)
    assert "Verified" in out.getvalue()
    assert SegmentDayCount.objects.get(segment_id=finance, day=datetime.date(2026, 10, 3)).postings == 2


def test_a_total_mark_without_a_day_recounts_every_day_of_its_month(world):
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    post(world, "finance", datetime.date(2026, 10, 31), ["k8s"])
    engine.recompute_marked()
    SegmentDayCount.objects.all().delete()
    SegmentMonthTotal.objects.all().delete()
    DemandMark.objects.create(segment=world["finance"], month=OCT, skill=None, day=None)
    engine.recompute_marked()
    assert totals()[("Finance", OCT)] == 2 and SegmentDayCount.objects.count() == 2
    call_command("recompute_demand", "--verify", stdout=io.StringIO())


def test_a_rolled_back_write_leaves_no_mark(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
        assert DemandMark.objects.count() == 2  # the cell and the segment-month total
        raise RuntimeError("the request failed after the write")
    assert not DemandMark.objects.exists()


def test_a_burst_coalesces_into_few_batches(world):
    for day in range(1, 29):
        post(world, "finance", datetime.date(2026, 10, day), ["k8s", "mlflow", "sox"])
    assert DemandMark.objects.count() == 28 * 4
    result = engine.recompute_marked()
    assert result.batches == 1
    assert result.marks == 112
    assert cells()[("Finance", OCT, "Kubernetes")] == 28


def test_trends_label_rising_falling_and_too_few(world, monkeypatch):
    # given: Kubernetes in every Finance posting for 3 months, then in none; MLflow the opposite
    for month in range(1, 7):
        for i in range(12):
            skills = ["k8s"] if month <= 3 else ["mlflow"]
            post(world, "finance", datetime.date(2026, month, i + 1), skills)
    post(world, "health", datetime.date(2026, 6, 1), ["sox"])
    engine.recompute_marked()

    # when
    finance = skill_trends(segment=world["finance"], as_of=datetime.date(2026, 6, 1))
    health = skill_trends(segment=world["health"], as_of=datetime.date(2026, 6, 1))

    # then: 36 postings per window, shares 100% -> 0% and 0% -> 100%
    assert finance[world["k8s"].pk][3].label == "falling"
    assert finance[world["k8s"].pk][3].change == pytest.approx(-100)
    assert finance[world["mlflow"].pk][3].label == "rising"
    assert finance[world["k8s"].pk][6].label == "too few postings"  # nothing before January
    assert health[world["sox"].pk][3].change is None


def test_top_skills_hide_the_share_below_the_minimum_sample(world):
    post(world, "health", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    post(world, "health", datetime.date(2026, 10, 4), ["k8s"])
    engine.recompute_marked()
    top = top_skills(segment=world["health"], month_from=OCT, month_to=OCT)
    assert [(s.skill.name, s.postings, s.rank) for s in top] == [("Kubernetes", 2, 1), ("MLflow", 1, 2)]
    assert top[0].share is None  # 2 postings is below the minimum sample


def test_cooccurrence_counts_pairs_with_lift(world):
    for _ in range(3):
        post(world, "finance", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    post(world, "finance", datetime.date(2026, 10, 3), ["sox"])
    pairs = cooccurrence(segment=world["finance"], month_from=OCT, month_to=OCT)
    assert [(p.skill_a, p.skill_b, p.postings) for p in pairs] == [(world["k8s"].pk, world["mlflow"].pk, 3)]
    assert pairs[0].lift == pytest.approx(3 * 4 / (3 * 3))


def test_verify_finds_drift_and_full_recompute_repairs_it(world):
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    engine.recompute_marked()
    SkillDemand.objects.filter(segment=world["finance"]).update(postings=7)  # damage behind the engine's back

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 summary cells differ"):
        call_command("recompute_demand", "--verify", stdout=out, stderr=err)
    assert (f"segment {world['finance'].pk}, month 2026-10, skill {world['k8s'].pk}: stored 7, fresh 1"
            in err.getvalue())

    call_command("recompute_demand", "--full", "--verify", stdout=out, stderr=err)
    assert "drift corrected: 1" in out.getvalue()
    assert "Verified" in out.getvalue()
    runs = list(DemandRun.objects.order_by("id").values_list("kind", "drift"))
    assert runs == [("incremental", 0), ("verify", 1), ("full", 1), ("verify", 0)]


def test_drain_command_reports_what_it_did(world):
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s", "mlflow"])
    out = io.StringIO()
    call_command("recompute_demand", stdout=out)
    assert "Recomputed 6 cells from 3 marks in 1 batches." in out.getvalue()
    assert DemandRun.objects.get().kind == "incremental"


def test_superusers_see_runs_and_can_recompute_now(admin_client, world):
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    page = admin_client.get(reverse("admin:postings_demandrun_changelist"))
    assert "Dirty marks waiting: <strong>2</strong>" in page.content.decode()
    response = admin_client.post(reverse("admin:postings_demandrun_recompute"), follow=True)
    assert "full recompute of the demand summaries has been started" in response.content.decode()
    run = DemandRun.objects.get()
    # the cell still marked is in flight, not drift; the full recompute writes it anyway
    assert (run.kind, run.trigger, run.drift, run.cells) == ("full", "admin", 0, 4)
    assert SkillDemand.objects.count() == 2
    for name in ("skilldemand", "segmentmonthtotal"):
        assert admin_client.get(reverse(f"admin:postings_{name}_changelist")).status_code == 200


def test_anonymous_cannot_trigger_a_recompute(client):
    response = client.post(reverse("admin:postings_demandrun_recompute"))
    assert response.status_code == 302
    assert not DemandRun.objects.exists()


def test_the_beat_schedule_drains_every_minute_and_rebuilds_nightly_recording_each_run(world, settings):
    from careerhub.celery import app

    # given: a write whose marks were never drained (its task lost)
    post(world, "finance", datetime.date(2026, 10, 3), ["k8s"])
    schedule = settings.CELERY_BEAT_SCHEDULE
    drain, nightly = schedule["demand-drain"], schedule["demand-full-recompute"]
    assert drain["schedule"] == 60.0 and (nightly["schedule"].hour, nightly["schedule"].minute) == ({3}, {15})
    # when beat sends its tasks (by name, as beat does)
    for entry in (drain, nightly):
        app.tasks[entry["task"]].apply(kwargs=entry["kwargs"]).get()
    # then: the marks are drained, and the nightly rebuild is recorded, finding no drift, for editors to see
    assert not DemandMark.objects.exists()
    assert list(DemandRun.objects.order_by("id").values_list("kind", "trigger", "drift")) == [
        ("incremental", "beat", 0), ("full", "beat", 0)]
    assert all(run.succeeded for run in DemandRun.objects.all())


def test_the_counted_rule_reads_the_same_in_queries_and_in_the_batch_write_path(world):
    # given: a posting in every status, each once as an original and once as a duplicate, links in every state
    from postings.demand.marks import COUNTED_LINK_STATE, COUNTED_POSTING, link_counts, posting_counts
    from postings.models import Posting

    original = post(world, "finance", datetime.date(2026, 10, 1), ["k8s"])
    for status in Status.values:
        post(world, "finance", datetime.date(2026, 10, 2), ["k8s"], status=status)
        copy = post(world, "health", datetime.date(2026, 10, 3), ["k8s"], status=status)
        posting_link_duplicate(posting=copy, original=original)
    link = PostingSkill.objects.first()
    for state in PostingSkill.State.values:
        link.state = state
        posting_skill_save(posting_skill=link)

        # then: the Q objects and the functions agree on every row
        assert {p.pk for p in Posting.objects.filter(COUNTED_POSTING)} == {
            p.pk for p in Posting.objects.all() if posting_counts(p.status, p.duplicate_of_id)
        }
        assert set(PostingSkill.objects.filter(COUNTED_LINK_STATE)) == {
            li for li in PostingSkill.objects.all() if link_counts(li.state)
        }
