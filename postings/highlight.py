"""Mark the skills found in a posting's text, from the evidence spans the extractor stored."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    skill: object | None = None  # the Skill this piece of text is evidence for


def highlight(text: str, spans: list[tuple[int, int, object]], *, offset: int = 0) -> list[Piece]:
    """``text`` cut into plain pieces and pieces marked with their skill.

    ``spans`` are ``(start, end, skill)`` offsets into a longer text of which ``text`` starts at
    ``offset``. Spans outside ``text``, empty, or overlapping an earlier one are ignored, so text
    edited since extraction never breaks the page; the text itself is never changed.
    """
    pieces, cursor = [], 0
    for start, end, skill in sorted(spans, key=lambda span: (span[0], -span[1])):
        start, end = start - offset, end - offset
        if start < cursor or end <= start or end > len(text):
            continue
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        pieces.append(Piece(text[start:end], skill))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces
