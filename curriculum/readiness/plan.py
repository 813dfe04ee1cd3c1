"""A learner's plan: the modules that teach the skills they miss, prerequisites first, grouped by track.

1. For each missing skill, in rank order: if a module already in the plan teaches it, it is covered;
   otherwise the first module along the path that teaches it joins the plan. A skill no published
   module teaches is listed as not taught.
2. Each planned module's prerequisites join the plan too (and theirs, and so on), except a module the
   learner marked done or already knows (it teaches at least one skill and the learner has them all).
3. The plan is ordered so that every module comes after its prerequisites in the plan; among modules
   whose prerequisites are all placed, the one first along the path goes first (track in path order,
   then the module's place in its track). Consecutive modules of one track form a group; the first
   group's track is where to start.

Pure: it works on ``selectors.Curriculum`` and skill ids, so it is tested by hand without a database.
"""

import heapq
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .selectors import Curriculum, ModuleNode, SkillRef, TrackRef

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanStep:
    """A module of the plan: the missing skills it teaches (in rank order) and the planned modules that need it."""

    module: ModuleNode
    teaches: tuple[SkillRef, ...]
    needed_by: tuple[ModuleNode, ...]


@dataclass(frozen=True)
class TrackGroup:
    """Consecutive steps of one track, with their estimated hours."""

    track: TrackRef
    steps: tuple[PlanStep, ...]

    @property
    def hours(self) -> Decimal:
        """The hours of the steps that have an estimate (``unestimated`` says how many have none)."""
        return sum((step.module.hours for step in self.steps if step.module.hours is not None), Decimal(0))

    @property
    def unestimated(self) -> int:
        return sum(1 for step in self.steps if step.module.hours is None)


@dataclass(frozen=True)
class Plan:
    groups: tuple[TrackGroup, ...]
    untaught: tuple[SkillRef, ...]  # missing skills no published module teaches, in rank order

    @property
    def steps(self) -> list[PlanStep]:
        return [step for group in self.groups for step in group.steps]

    @property
    def hours(self) -> Decimal:
        return sum((group.hours for group in self.groups), Decimal(0))

    @property
    def unestimated(self) -> int:
        return sum(group.unestimated for group in self.groups)

    @property
    def start(self) -> TrackRef | None:
        """The track to start with: the one the plan's first module belongs to."""
        return self.groups[0].track if self.groups else None


def knows_module(module: ModuleNode, known: set[int]) -> bool:
    """Whether a learner knows what a module teaches: it teaches something, and they have every skill of it."""
    return bool(module.skill_ids) and module.skill_ids <= known


def plan_modules(*, missing: list[SkillRef], known: set[int], done: set[int], curriculum: Curriculum) -> Plan:
    """The plan for ``missing`` skills (ranked), see the module docstring.

    ``done`` are module ids the learner marked done (their skills are expected among ``known``).
    """
    modules, teaching, position = curriculum.modules, curriculum.teaching, curriculum.position
    chosen: list[int] = []
    untaught: list[SkillRef] = []
    for skill in missing:
        candidates = [module_id for module_id in teaching.get(skill.id, ()) if module_id not in done]
        if not candidates:
            untaught.append(skill)
        elif not any(module_id in chosen for module_id in candidates):
            chosen.append(candidates[0])
    needed_by = _with_prerequisites(chosen, known=known, done=done, modules=modules)
    steps = [
        PlanStep(
            module=modules[module_id],
            teaches=tuple(skill for skill in missing if skill.id in modules[module_id].skill_ids),
            needed_by=tuple(modules[other] for other in sorted(needed_by[module_id], key=position.__getitem__)),
        )
        for module_id in _ordered(set(needed_by), modules=modules, position=position)
    ]
    return Plan(groups=_grouped(steps), untaught=tuple(untaught))


def _with_prerequisites(
    chosen: list[int], *, known: set[int], done: set[int], modules: dict[int, ModuleNode]
) -> dict[int, set[int]]:
    """The chosen modules and every prerequisite they need, each with the planned modules that need it."""
    needed_by: dict[int, set[int]] = {module_id: set() for module_id in chosen}
    stack = list(chosen)
    while stack:
        module_id = stack.pop()
        for prerequisite in modules[module_id].prerequisite_ids:
            if prerequisite not in needed_by:
                if prerequisite in done or knows_module(modules[prerequisite], known):
                    continue
                needed_by[prerequisite] = set()
                stack.append(prerequisite)
            needed_by[prerequisite].add(module_id)
    return needed_by


def _ordered(ids: set[int], *, modules: dict[int, ModuleNode], position: dict[int, int]) -> list[int]:
    """``ids`` with every module after its prerequisites among them; ties go to the module first on the path."""
    waiting = {module_id: {p for p in modules[module_id].prerequisite_ids if p in ids} for module_id in ids}
    dependents: dict[int, list[int]] = defaultdict(list)
    for module_id, prerequisites in waiting.items():
        for prerequisite in prerequisites:
            dependents[prerequisite].append(module_id)
    ready = [(position[module_id], module_id) for module_id, prerequisites in waiting.items() if not prerequisites]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, module_id = heapq.heappop(ready)
        order.append(module_id)
        for dependent in dependents[module_id]:
            waiting[dependent].discard(module_id)
            if not waiting[dependent]:
                heapq.heappush(ready, (position[dependent], dependent))
    if len(order) < len(ids):
        # The services refuse a cycle of prerequisites; should the rows hold one all the same, its modules
        # follow in path order rather than a learner's page failing.
        left = sorted(ids - set(order), key=position.__getitem__)
        logger.error("Module prerequisites form a cycle among modules %s; planned in path order.", left)
        order += left
    return order


def _grouped(steps: list[PlanStep]) -> tuple[TrackGroup, ...]:
    groups: list[TrackGroup] = []
    for step in steps:
        if groups and groups[-1].track == step.module.track:
            groups[-1] = TrackGroup(groups[-1].track, (*groups[-1].steps, step))
        else:
            groups.append(TrackGroup(step.module.track, (step,)))
    return tuple(groups)
