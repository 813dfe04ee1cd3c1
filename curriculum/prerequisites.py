"""The rule for module prerequisites: no module needs itself, and no chain of prerequisites comes back round.

The graph is small (every module's prerequisites, one query), so it is checked whole with the standard
library's ``graphlib``, whose ``CycleError`` names the cycle it found.
"""

from collections import defaultdict
from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter

from .models import Module


def prerequisite_problem(*, module: Module, prerequisites: Iterable[Module]) -> str | None:
    """Why ``module`` cannot have exactly these prerequisites, or None when it can.

    A cycle is named from ``module`` onwards, each arrow read "needs": ``A → B → A``.
    """
    wanted = {prerequisite.pk for prerequisite in prerequisites}
    if module.pk is None:
        return None  # nothing needs a module that does not exist yet, so it closes no cycle
    if module.pk in wanted:
        return "A module cannot be its own prerequisite."
    needs: dict[int, set[int]] = defaultdict(set)
    for dependent, prerequisite in Module.prerequisites.through.objects.values_list("from_module_id", "to_module_id"):
        needs[dependent].add(prerequisite)
    needs[module.pk] = wanted
    try:
        # Each module's predecessors are its prerequisites: they come first in a learning order.
        TopologicalSorter(needs).prepare()
    except CycleError as error:
        return f"Prerequisites would form a cycle: {_cycle_names(error.args[1], start=module.pk)}."
    return None


def _cycle_names(cycle: list[int], *, start: int) -> str:
    """``graphlib``'s cycle (each node a prerequisite of the next) as titles, from ``start``, each needing the next."""
    ring = list(reversed(cycle[1:]))  # the first node is repeated at the end; reversed, each needs the next
    if start in ring:
        at = ring.index(start)
        ring = ring[at:] + ring[:at]
    titles = dict(Module.objects.filter(pk__in=ring).values_list("pk", "title"))
    return " → ".join(titles[pk] for pk in [*ring, ring[0]])
