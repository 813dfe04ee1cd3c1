"""The rule for module prerequisites: no module needs itself, and no chain of prerequisites comes back round.

The graph is small (every module's prerequisites, one query), so it is checked whole by the same graph
functions as the learning path of tracks (``path``: the standard library's ``graphlib``).
"""

from collections.abc import Iterable

from .models import Module
from .path import closes_cycle


def prerequisite_problem(*, module: Module, prerequisites: Iterable[Module]) -> str | None:
    """Why ``module`` cannot have exactly these prerequisites, or None when it can.

    A cycle is named from ``module`` onwards, each arrow read "needs": ``A → B → A``.
    """
    wanted = {prerequisite.pk for prerequisite in prerequisites}
    if module.pk is None:
        return None  # nothing needs a module that does not exist yet, so it closes no cycle
    if module.pk in wanted:
        return "A module cannot be its own prerequisite."
    edges = Module.prerequisites.through.objects.values_list("from_module_id", "to_module_id")
    ring = closes_cycle(module.pk, wanted, edges)
    if ring is None:
        return None
    titles = dict(Module.objects.filter(pk__in=ring).values_list("pk", "title"))
    return f"Prerequisites would form a cycle: {' → '.join(titles[pk] for pk in ring)}."
