"""The learning path drawn as a layered diagram: server-side SVG, no script.

Tracks sit in layers by their depth on the path (a track one layer below its deepest prerequisite), top
to bottom, in path order within a layer; arrows run from each prerequisite down to the track after it.
A layer holds at most ``PER_ROW`` tracks side by side and wraps onto further rows beyond that, so the
drawing stays narrow: scaled down through its ``viewBox`` to a 375 px screen its text stays readable.
``templates/curriculum/_path_diagram.html`` draws what ``path_diagram`` lays out, and the page lists the
same path as an ordered list (the diagram's text alternative).
"""

from dataclasses import dataclass
from itertools import groupby

from .selectors import PathStep, TrackPath

PER_ROW = 2
NODE_WIDTH = 232
NODE_HEIGHT = 100
GAP_X = 24
GAP_Y = 46
MARGIN = 6
LINE_CHARACTERS = 22  # of a title at 16 px in a node: about 9 px a character, inside 12 px padding
TITLE_LINES = 2


@dataclass(frozen=True)
class DiagramNode:
    """A track's box: its place, its title in lines, its hours (own and along the path) and its coverage."""

    step: PathStep
    x: int
    y: int
    lines: list[tuple[int, str]]  # (baseline y, text)
    note: str
    note_y: int
    hours: str
    hours_y: int
    bar: int  # the width of the coverage bar, in user units

    width: int = NODE_WIDTH
    height: int = NODE_HEIGHT

    @property
    def hours_text(self) -> str:
        return hours_text(self.step)

    @property
    def label(self) -> str:
        """What the node's link says to a screen reader: its place, title, prerequisites and coverage."""
        after = ", ".join(track.title for track in self.step.prerequisites)
        place = f"{self.step.position}. {self.step.track.title}{f', after {after}' if after else ''}"
        return f"{place}: {hours_text(self.step)}; {self.note}"


@dataclass(frozen=True)
class DiagramEdge:
    """An arrow from a prerequisite's box down to the box of the track after it, as an SVG path."""

    d: str


@dataclass(frozen=True)
class Diagram:
    """The laid-out path: the drawing's size (its ``viewBox``), boxes, arrows and a one-paragraph description."""

    width: int
    height: int
    nodes: list[DiagramNode]
    edges: list[DiagramEdge]
    description: str


def coverage_note(step: PathStep) -> str:
    """What a box says of the track's coverage (cumulative: with the tracks before it)."""
    coverage = step.track.path_coverage
    if coverage is None:
        return "coverage not computed yet"
    return f"{round(coverage * 100)}% covered"


def _hours(value) -> str:
    return f"{value.normalize():f} h"


def hours_note(step: PathStep) -> str:
    """What a box says of the track's hours: its own, and along the path when tracks come before it."""
    if step.hours is None and step.path_hours is None:
        return "hours not estimated"
    own = _hours(step.hours) if step.hours is not None else "not estimated"
    if not step.ancestors or step.path_hours == step.hours:
        return own
    return f"{own} · {_hours(step.path_hours)} on the path"


def hours_text(step: PathStep) -> str:
    """The track's hours in words (the text alternative and the links' labels)."""
    if step.hours is None and step.path_hours is None:
        return "hours not estimated"
    own = f"about {_hours(step.hours)}" if step.hours is not None else "hours not estimated"
    if not step.ancestors:
        return own
    return f"{own}, {_hours(step.path_hours)} along the path with the tracks before it"


def title_lines(title: str) -> list[str]:
    """The title cut into at most ``TITLE_LINES`` lines of about ``LINE_CHARACTERS``, the last shortened with …."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_CHARACTERS:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > TITLE_LINES:
        lines = [*lines[: TITLE_LINES - 1], " ".join(lines[TITLE_LINES - 1 :])]
    return [line if len(line) <= LINE_CHARACTERS else line[: LINE_CHARACTERS - 1] + "…" for line in lines]


def _rows(path: TrackPath) -> list[list[PathStep]]:
    """The steps by layer (depth), in path order within a layer, each layer cut into rows of ``PER_ROW``."""
    rows = []
    for _, layer in groupby(sorted(path.steps, key=lambda step: (step.depth, step.position)), key=lambda s: s.depth):
        steps = list(layer)
        rows += [steps[start : start + PER_ROW] for start in range(0, len(steps), PER_ROW)]
    return rows


def _node(step: PathStep, x: int, y: int) -> DiagramNode:
    lines = title_lines(step.track.title)
    first = y + (23 if len(lines) > 1 else 30)
    coverage = step.track.path_coverage
    return DiagramNode(
        step=step,
        x=x,
        y=y,
        lines=[(first + 20 * n, line) for n, line in enumerate(lines)],
        hours=hours_note(step),
        hours_y=first + 20 * len(lines) + 2,
        note=coverage_note(step),
        note_y=first + 20 * len(lines) + 22,
        bar=0 if coverage is None else round(coverage * (NODE_WIDTH - 24)),
    )


def path_diagram(path: TrackPath) -> Diagram:
    """Lay the path out in rows, top to bottom, each row centred in the drawing."""
    rows = _rows(path)
    columns = max((len(row) for row in rows), default=1)
    width = 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * GAP_X
    nodes: dict[int, DiagramNode] = {}
    for number, row in enumerate(rows):
        used = len(row) * NODE_WIDTH + (len(row) - 1) * GAP_X
        left, top = (width - used) // 2, MARGIN + number * (NODE_HEIGHT + GAP_Y)
        for column, step in enumerate(row):
            nodes[step.track.pk] = _node(step, left + column * (NODE_WIDTH + GAP_X), top)
    edges = [_arrow(nodes[prerequisite.pk], nodes[track.pk]) for prerequisite, track in path.edges]
    height = 2 * MARGIN + len(rows) * NODE_HEIGHT + max(len(rows) - 1, 0) * GAP_Y
    return Diagram(width, height, [nodes[step.track.pk] for step in path.steps], edges, describe(path))


def _arrow(start: DiagramNode, end: DiagramNode) -> DiagramEdge:
    """A curve from the bottom middle of ``start`` to just above the top middle of ``end`` (the arrowhead's room)."""
    x1, y1 = start.x + start.width // 2, start.y + start.height
    x2, y2 = end.x + end.width // 2, end.y - 4
    bend = (y2 - y1) // 2
    return DiagramEdge(d=f"M{x1} {y1} C{x1} {y1 + bend} {x2} {y2 - bend} {x2} {y2}")


def describe(path: TrackPath) -> str:
    """The path in words, for the drawing's ``<desc>``: each track in order with what it comes after."""
    if not path.steps:
        return "No track is published yet."
    parts = []
    for step in path.steps:
        after = " and ".join(track.title for track in step.prerequisites)
        parts.append(f"{step.position}. {step.track.title}" + (f", after {after}" if after else ", a starting point"))
    return "The learning path, in order: " + "; ".join(parts) + "."
