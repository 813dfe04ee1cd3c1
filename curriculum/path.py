"""The learning path: tracks ordered by their prerequisites (``Track.prerequisites``), as a graph of ids.

The graph is small (one row per prerequisite link), so it is read whole and ordered with the standard
library's ``graphlib``: its ``TopologicalSorter`` gives the order, and its ``CycleError`` names the cycle
a new link would close. Everything here works on ids and plain tuples; ``curriculum.selectors.track_path``
reads the rows, and coverage (``curriculum.coverage``) counts what a track's ancestors teach.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

logger = logging.getLogger(__name__)

Edges = Iterable[tuple[int, int]]  # (track, one of its prerequisites)


def needs_of(edges: Edges) -> dict[int, set[int]]:
    """track: its direct prerequisites."""
    needs: dict[int, set[int]] = defaultdict(set)
    for track, prerequisite in edges:
        needs[track].add(prerequisite)
    return dict(needs)


def find_cycle(needs: dict[int, set[int]]) -> list[int] | None:
    """A cycle of the graph as ids, each needing the next and the first repeated last; None when there is none."""
    try:
        # Each track's predecessors are its prerequisites: they come first in the path.
        TopologicalSorter(needs).prepare()
    except CycleError as error:
        # graphlib lists each node before the one that needs it; reversed, each needs the next.
        return list(reversed(error.args[1]))
    return None


def cycle_from(cycle: list[int], start: int) -> list[int]:
    """The cycle turned to begin (and end) with ``start`` when it passes through it."""
    ring = cycle[:-1]
    if start in ring:
        at = ring.index(start)
        ring = ring[at:] + ring[:at]
    return [*ring, ring[0]]


def closes_cycle(node: int, wanted: Iterable[int], edges: Edges) -> list[int] | None:
    """The cycle ``node`` would close by needing exactly ``wanted`` (ids from ``node`` round to it), or None."""
    needs = needs_of((dependent, needed) for dependent, needed in edges if dependent != node)
    needs[node] = set(wanted)
    cycle = find_cycle(needs)
    return None if cycle is None else cycle_from(cycle, node)


@dataclass(frozen=True)
class Path:
    """Tracks in path order, each with its depth (0: no prerequisite), direct prerequisites and ancestors.

    ``prerequisites`` and ``ancestors`` list ids in path order. ``order`` holds only the tracks asked for.
    """

    order: list[int]
    depth: dict[int, int]
    prerequisites: dict[int, list[int]]
    ancestors: dict[int, list[int]]


def learning_path(tracks: Iterable[int], edges: Edges, *, key: Callable[[int], Hashable] = lambda pk: pk) -> Path:
    """Order ``tracks`` so that every track comes after its prerequisites, ties broken by ``key``.

    Links to or from a track outside ``tracks`` are left out (the public path holds published tracks only).
    A cycle cannot be saved (``track_set_prerequisites`` refuses it); should the rows hold one all the
    same, it is logged and its tracks' links are left out rather than a page failing.
    """
    nodes = set(tracks)
    needs = {track: set() for track in nodes} | needs_of(
        (track, prerequisite) for track, prerequisite in edges if track in nodes and prerequisite in nodes
    )
    if cycle := find_cycle(needs):
        logger.error("Track prerequisites form a cycle (ids %s); its links are left out of the path.", cycle)
        for track in cycle:
            needs[track] = set()
        return learning_path(nodes, [(t, p) for t, ps in needs.items() for p in ps], key=key)
    order = _ordered(needs, key)
    position = {track: n for n, track in enumerate(order)}
    depth: dict[int, int] = {}
    ancestors: dict[int, set[int]] = {}
    for track in order:  # prerequisites first: their depth and ancestors are known by then
        depth[track] = 1 + max((depth[p] for p in needs[track]), default=-1)
        ancestors[track] = set(needs[track]).union(*(ancestors[p] for p in needs[track]))
    by_position = position.__getitem__
    return Path(
        order=order,
        depth=depth,
        prerequisites={track: sorted(needs[track], key=by_position) for track in order},
        ancestors={track: sorted(ancestors[track], key=by_position) for track in order},
    )


def _ordered(needs: dict[int, set[int]], key: Callable[[int], Hashable]) -> list[int]:
    """A topological order taking, at each step, the first ready track by ``key``."""
    sorter = TopologicalSorter(needs)
    sorter.prepare()
    ready: list[int] = []
    order: list[int] = []
    while sorter.is_active():
        ready = sorted([*ready, *sorter.get_ready()], key=key)
        track = ready.pop(0)
        order.append(track)
        sorter.done(track)
    return order


def descendants_of(track_ids: Iterable[int], edges: Edges) -> set[int]:
    """Every track that needs one of ``track_ids``, directly or through others (the ids themselves left out)."""
    edges = list(edges)
    nodes = {track for edge in edges for track in edge}
    path = learning_path(nodes, edges)
    wanted = set(track_ids)
    return {track for track, ancestors in path.ancestors.items() if wanted.intersection(ancestors)} - wanted
