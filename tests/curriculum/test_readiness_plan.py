"""The plan, by hand and without a database: which modules, in which order, grouped how, with how many hours.

The curriculum below, tracks A (first on the path) then B:

    A1 teaches 1                A2 teaches 2, needs A1       A3 teaches 3          A4 teaches 6, needs B1
    B1 teaches 4, needs A2      B2 teaches 2 and 5, needs B1
"""

import logging
from decimal import Decimal

from curriculum.readiness.plan import knows_module, plan_modules
from curriculum.readiness.selectors import Curriculum, ModuleNode, SkillRef, TrackRef

A = TrackRef(1, "a", "Track A", 1)
B = TrackRef(2, "b", "Track B", 2)


def node(pk, track, order, skills, needs=(), hours=Decimal(5)):
    return ModuleNode(pk, track, order, f"m{pk}", f"Module {pk}", hours, frozenset(skills), tuple(needs))


A1, A2 = node(11, A, 1, {1}), node(12, A, 2, {2}, [11])
A3, A4 = node(13, A, 3, {3}, hours=None), node(14, A, 4, {6}, [21])
B1, B2 = node(21, B, 1, {4}, [12], hours=Decimal("2.5")), node(22, B, 2, {2, 5}, [21])
CURRICULUM = Curriculum(modules={m.id: m for m in (A1, A2, A3, A4, B1, B2)}, tracks=[A, B])


def skill(pk: int) -> SkillRef:
    return SkillRef(pk, f"s{pk}", f"Skill {pk}", "c", "Category")


def plan(missing, known=(), done=(), curriculum=CURRICULUM):
    return plan_modules(
        missing=[skill(pk) for pk in missing], known=set(known), done=set(done), curriculum=curriculum
    )


def ids(result) -> list[int]:
    return [step.module.id for step in result.steps]


def test_prerequisites_come_first_across_tracks_and_say_whom_they_serve():
    # when a learner knowing nothing misses skill 4 (taught by B1, which needs A2, which needs A1)
    result = plan([4])

    # then the chain is planned from its root, grouped by track, starting with track A
    assert ids(result) == [11, 12, 21]
    assert [(group.track, [s.module.id for s in group.steps]) for group in result.groups] == [(A, [11, 12]), (B, [21])]
    assert result.start == A
    steps = {step.module.id: step for step in result.steps}
    assert steps[21].teaches == (skill(4),) and steps[21].needed_by == ()
    assert steps[12].teaches == () and steps[12].needed_by == (B1,)
    assert steps[11].needed_by == (A2,)


def test_ties_go_to_the_module_first_on_the_path_not_the_skill_ranked_first():
    # given skill 3 ranked above skill 1, both taught by modules with nothing to wait for
    result = plan([3, 1])

    # then A1 (earlier on the path) comes before A3
    assert ids(result) == [11, 13]


def test_a_prerequisite_the_learner_knows_or_marked_done_is_left_out():
    # knowing what A2 teaches (2) skips A2, and with it the prerequisites behind it
    assert ids(plan([4], known={2})) == [21]
    # a module marked done is skipped the same way
    assert ids(plan([4], done={12})) == [21]
    # knowing what A1 teaches skips A1 alone
    assert ids(plan([4], known={1})) == [12, 21]


def test_a_skill_taught_by_a_planned_module_adds_no_other_module():
    # skill 2 goes to A2 (first on the path); skill 5 only B2 teaches, which also teaches 2
    result = plan([2, 5])

    # then B2 joins with its prerequisite B1 (A2 is planned already, A1 before it), and says it teaches both
    assert ids(result) == [11, 12, 21, 22]
    assert next(step for step in result.steps if step.module.id == 22).teaches == (skill(2), skill(5))


def test_a_track_comes_back_when_a_module_needs_a_later_track_first():
    # A4 needs B1 of the later track B: the plan goes A, B, then A again
    result = plan([6])

    assert ids(result) == [11, 12, 21, 14]
    assert [group.track for group in result.groups] == [A, B, A]
    assert result.start == A


def test_skills_no_module_teaches_are_listed_and_a_plan_of_nothing_has_no_start():
    result = plan([99, 98])

    assert result.steps == [] and result.groups == () and result.start is None
    assert result.untaught == (skill(99), skill(98))


def test_a_learner_with_every_skill_gets_an_empty_plan():
    result = plan([])
    assert result.steps == [] and result.untaught == () and result.hours == 0


def test_hours_add_up_per_track_and_count_the_modules_without_an_estimate():
    # A1 5 h, A2 5 h, A3 no estimate, B1 2.5 h
    result = plan([3, 4])

    assert [group.hours for group in result.groups] == [Decimal(10), Decimal("2.5")]
    assert [group.unestimated for group in result.groups] == [1, 0]
    assert result.hours == Decimal("12.5") and result.unestimated == 1


def test_a_cycle_in_the_rows_is_planned_in_path_order_and_logged(caplog):
    # given two modules that need each other (the services refuse this; the rows may hold it all the same)
    x, y = node(1, A, 1, {1}, [2]), node(2, A, 2, {2}, [1])
    curriculum = Curriculum(modules={1: x, 2: y}, tracks=[A])

    # when both are planned
    with caplog.at_level(logging.ERROR):
        result = plan([2], curriculum=curriculum)

    # then the page still gets a plan, in path order, and the cycle is reported
    assert ids(result) == [1, 2]
    assert "cycle" in caplog.text


def test_knowing_a_module_needs_something_to_know():
    assert knows_module(A1, {1}) and not knows_module(A2, {1})
    assert not knows_module(B2, {2}) and knows_module(B2, {2, 5, 9})  # part of what it teaches is not enough
    assert not knows_module(node(5, A, 5, set()), {1, 2, 3})  # a module teaching nothing is never known
