"""Readiness and job-ad answers against ``build_readiness_world``, every figure computed by hand (its docstring)."""

import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careerhub.core.cache import CONTENT, bump
from curriculum.readiness.inputs import InputProblem
from curriculum.readiness.services import BASIS_CORE, BASIS_TOO_FEW, BASIS_TOP, job_ad_analysis, readiness_answer
from curriculum.services import module_update
from postings.extraction import get_matcher
from postings.models import Skill
from tests.factories import SegmentFactory
from tests.world import build_readiness_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_readiness_world()


def by_slug(answer) -> dict:
    return {item.segment.slug: item for item in answer.segments}


def slugs(rows) -> list[str]:
    return [row.skill.slug for row in rows]


def refs(plan) -> list[str]:
    return [step.module.ref for step in plan.steps]


def test_readiness_is_the_demand_weighted_share_of_the_core(world):
    # when a learner has Python and Terraform
    answer = readiness_answer(skills=["python", "terraform"])
    finance, health, flat, tiny = (by_slug(answer)[slug] for slug in ("finance", "health", "flat", "tiny"))

    # then Finance: core Python 40, Kubernetes 30, MLflow 30, SOX 20 postings; they have Python: 40 / 120
    assert finance.basis == BASIS_CORE and finance.postings == 80
    assert slugs(finance.core) == ["python", "kubernetes", "mlflow", "sox"]
    assert (finance.known_weight, finance.core_weight) == (40, 120)
    assert finance.readiness == pytest.approx(1 / 3)
    assert finance.known_share_sum == pytest.approx(0.5) and finance.core_share_sum == pytest.approx(1.5)
    # Health: core Kubernetes 20 and Airflow 12, neither theirs; Python (4 of 40) is no core skill there
    assert health.readiness == 0 and slugs(health.core) == ["kubernetes", "airflow"]
    # Flat: no skill reaches 25%, so its three skills stand in: Python 10 + Terraform 5 of 23
    assert flat.basis == BASIS_TOP and flat.readiness == pytest.approx(15 / 23)
    # Tiny: 10 postings, too few to judge: no readiness, no core, no plan
    assert tiny.basis == BASIS_TOO_FEW and tiny.readiness is None and tiny.core == ()
    # the hidden (draft) segment is not measured; the readiest segment is the target
    assert [item.segment.slug for item in answer.segments] == ["finance", "health", "flat", "tiny"]
    assert answer.target is flat


def test_missing_skills_rank_by_demand_then_trend_and_strengths_by_demand(world):
    answer = readiness_answer(skills=["python", "terraform"], segment="finance")
    finance = answer.target

    # Kubernetes and MLflow tie on 30 postings: Kubernetes is rising, MLflow stable
    assert slugs(finance.missing) == ["kubernetes", "mlflow", "sox"]
    assert [row.direction for row in finance.missing] == ["rising", "stable", "stable"]
    assert finance.missing[0].share == pytest.approx(0.375) and finance.missing[0].tiers == ("core", "rising")
    # strengths: the learner's skills Finance asks for, most first, in or out of the core
    assert slugs(finance.strengths) == ["python", "terraform"]
    assert [row.postings for row in finance.strengths] == [40, 10]
    # the draft skill (40 postings) is never named
    assert all(row.skill.slug != "secret-skill" for row in finance.core + finance.strengths)


def test_the_plan_teaches_the_missing_core_in_path_order(world):
    answer = readiness_answer(skills=["python", "terraform"], segment="finance")
    plan = answer.plan

    # Kubernetes -> Containers (first on the path; its prerequisite Python basics is known), MLflow -> Tracking
    # (needs Containers), SOX -> Compliance: Containers and Compliance are ready first, in path order
    assert refs(plan) == ["foundations/containers", "foundations/compliance", "platform/tracking"]
    assert [group.track.slug for group in plan.groups] == ["foundations", "platform"]
    assert plan.start.slug == "foundations"
    assert plan.hours == Decimal(20) and plan.unestimated == 1
    assert plan.steps[0].needed_by == (world_module(plan, "platform/tracking"),)


def world_module(plan, ref):
    return next(step.module for step in plan.steps if step.module.ref == ref)


def test_a_learner_with_nothing_gets_every_core_skill_planned_prerequisites_first(world):
    # only unknown slugs: reported, nothing counted
    answer = readiness_answer(skills=["cobol", "not-a-skill"], segment="finance")
    finance = answer.target

    assert answer.learner.unknown_skills == ["cobol", "not-a-skill"] and answer.learner.known == {}
    assert finance.readiness == 0 and slugs(finance.known) == [] and finance.strengths == ()
    assert refs(answer.plan) == [
        "foundations/python-basics", "foundations/containers", "foundations/compliance", "platform/tracking",
    ]
    assert all(item.readiness in (0, None) for item in answer.segments)


def test_a_learner_with_every_skill_is_fully_ready_with_nothing_to_plan(world):
    answer = readiness_answer(skills=["python", "kubernetes", "mlflow", "sox", "terraform", "airflow"])

    for slug in ("finance", "health", "flat"):
        item = by_slug(answer)[slug]
        assert item.readiness == 1 and item.missing == ()
    assert by_slug(answer)["tiny"].readiness is None
    assert answer.target.segment.slug == "finance"  # equal readiness: the first in display order
    assert answer.plan.steps == [] and answer.plan.untaught == () and answer.plan.start is None


def test_skills_found_in_a_text_count_with_the_words_that_matched(world):
    answer = readiness_answer(text="Ran k8s for three years. Some Python, more k8s, and MLflow.", segment="finance")

    found = {item.skill.slug: item for item in answer.learner.found}
    assert list(found) == ["kubernetes", "python", "mlflow"]  # first mention first
    assert found["kubernetes"].words == ("k8s",) and found["kubernetes"].mentions == 2
    assert answer.target.known_weight == 30 + 40 + 30


def test_modules_marked_done_count_their_skills_and_leave_the_plan(world):
    answer = readiness_answer(done=["foundations/python-basics", "foundations/containers", "nope/nothing"],
                              segment="finance")

    assert [skill.slug for skill in answer.learner.from_modules] == ["kubernetes", "python"]
    assert answer.learner.unknown_modules == ["nope/nothing"]
    assert answer.target.readiness == pytest.approx(70 / 120)
    assert refs(answer.plan) == ["foundations/compliance", "platform/tracking"]


def test_a_segment_with_too_few_postings_is_said_so_even_as_the_target(world):
    answer = readiness_answer(skills=["python"], segment="tiny")
    tiny = answer.target
    assert tiny.segment.slug == "tiny" and not tiny.enough and tiny.readiness is None and tiny.postings == 10
    assert answer.plan is None  # nothing to plan for a segment not judged


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"skills": ["x"] * 1 + [f"s{n}" for n in range(300)]}, "skills"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "é" * 30_000}, "text"),
        ({"segment": "hidden"}, "segment"),
        ({"done": [f"t/m{n}" for n in range(201)]}, "done"),
    ],
)
def test_bad_input_names_its_field(world, kwargs, field):
    with pytest.raises(InputProblem) as raised:
        readiness_answer(**kwargs)
    assert raised.value.field == field


def test_the_answer_reads_a_fixed_number_of_queries_whatever_the_segments(world, django_assert_num_queries):
    # given the extractor built, the skills and curriculum kept and the demand figures cached once
    get_matcher()
    readiness_answer(skills=["python"])

    # then: the taxonomy version and the segments (the rest is kept or cached), with a text or without
    with django_assert_num_queries(2):
        readiness_answer(skills=["python"], done=["foundations/python-basics"])
    with django_assert_num_queries(2):
        readiness_answer(text="Python and k8s")
    # more segments change nothing but the figures (once cached again)
    for n in range(5):
        SegmentFactory(slug=f"more-{n}", display_order=20 + n)
    readiness_answer(skills=["python"])
    with CaptureQueriesContext(connection) as captured:
        answer = readiness_answer(skills=["python"])
    assert len(captured) == 2 and len(answer.segments) == 9
    # and once content changed, the skills and the curriculum are read again: skills, modules, links,
    # prerequisites, the path's track links
    bump(CONTENT)
    with django_assert_num_queries(7):
        readiness_answer(skills=["python"])


def test_what_is_kept_between_answers_follows_every_write(world, django_capture_on_commit_callbacks):
    # given an answer, so the skills and curriculum are kept
    assert readiness_answer(skills=["python"], segment="finance").plan.unestimated == 1

    # when an editor estimates Compliance (a service write: the content generation moves at the commit)
    with django_capture_on_commit_callbacks(execute=True):
        module_update(module=world["compliance"], data={"hours": Decimal(4)})
    # then the next answer plans with it
    plan = readiness_answer(skills=["python"], segment="finance").plan
    assert plan.unestimated == 0 and plan.hours == Decimal(12 + 4 + 8)

    # and a skill renamed by any write at all (database triggers move the taxonomy version) is named anew
    Skill.objects.filter(slug="sox").update(name="Sarbanes-Oxley")
    missing = readiness_answer(skills=["python"], segment="finance").target.missing
    assert [row.skill.name for row in missing][-1] == "Sarbanes-Oxley"


def test_a_job_ad_resembles_the_segment_whose_shares_it_shares_most(world):
    ad = job_ad_analysis(text="We want Python and Kubernetes (k8s) in production. SOX too.", skills=["python"])

    assert [item.skill.slug for item in ad.found] == ["python", "kubernetes", "sox"]
    assert ad.found[1].words == ("Kubernetes", "k8s")
    # cosine of the ad (1 for each of its skills) with each segment's shares, by hand:
    finance = (0.5 + 0.375 + 0.25) / (math.sqrt(3) * math.sqrt(0.5**2 + 0.375**2 + 0.375**2 + 0.25**2 + 0.125**2))
    health = (0.1 + 0.5) / (math.sqrt(3) * math.sqrt(0.5**2 + 0.3**2 + 0.1**2))
    flat = 0.2 / (math.sqrt(3) * math.sqrt(0.2**2 + 0.16**2 + 0.1**2))
    assert [(item.segment.slug, round(item.similarity, 6)) for item in ad.resemblance] == [
        ("finance", round(finance, 6)), ("health", round(health, 6)), ("flat", round(flat, 6)),
    ]
    assert ad.closest.segment.slug == "finance" and ad.closest.shared == 3
    assert [segment.slug for segment in ad.too_few] == ["tiny"]
    # taught: Python by Python basics, Kubernetes by Containers then Orchestration; SOX by Compliance (the draft
    # track's module does not count)
    taught = {item.skill.slug: [module.ref for module in item.modules] for item in ad.taught}
    assert taught == {
        "python": ["foundations/python-basics"],
        "kubernetes": ["foundations/containers", "platform/orchestration"],
        "sox": ["foundations/compliance"],
    }
    assert ad.untaught == [] and [skill.slug for skill in ad.missing] == ["kubernetes", "sox"]


def test_a_job_ad_with_skills_nobody_teaches_or_asks_for(world):
    ad = job_ad_analysis(text="Terraform only.")

    assert [item.skill.slug for item in ad.found] == ["terraform"]
    assert [skill.slug for skill in ad.untaught] == ["terraform"]  # only a draft module teaches it
    assert not ad.learner.stated and [skill.slug for skill in ad.missing] == ["terraform"]
    assert ad.closest.segment.slug == "flat"  # Health does not ask for it: similarity 0
    assert [item.similarity for item in ad.resemblance][-1] == 0


def test_a_job_ad_without_any_known_skill_resembles_nothing(world):
    ad = job_ad_analysis(text="Friendly team, free coffee.")
    assert ad.found == [] and ad.closest is None and all(item.similarity == 0 for item in ad.resemblance)
    with pytest.raises(InputProblem) as raised:
        job_ad_analysis(text="   ")
    assert raised.value.field == "text"
