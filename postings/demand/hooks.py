"""Extension points of the demand engine for apps downstream of postings.

Postings never imports those apps: they register here (from their ``AppConfig.ready``) and the
engine calls them.

- ``on_summaries_changed(fn)``: ``fn(segment_ids)`` runs inside the transaction that replaces the
  summaries of those segments, so what it writes (dirty marks of its own) commits with them.
- ``on_drained(fn)``: ``fn(trigger)`` runs after every drain and full recompute, in the same task,
  so one coalescing task keeps the summaries and everything derived from them current.
- ``on_skills_shown_changed(fn)``: ``fn(skill_ids)`` runs inside the transaction that publishes,
  unpublishes or deletes skills: the counts do not move, but what readers of published demand see does.
"""

from collections.abc import Callable, Iterable

SummariesChanged = Callable[[set[int]], object]
Drained = Callable[[str], object]

_summaries_changed: list[SummariesChanged] = []
_drained: list[Drained] = []
_skills_shown_changed: list[SummariesChanged] = []


def on_summaries_changed(callback: SummariesChanged) -> SummariesChanged:
    if callback not in _summaries_changed:
        _summaries_changed.append(callback)
    return callback


def on_drained(callback: Drained) -> Drained:
    if callback not in _drained:
        _drained.append(callback)
    return callback


def on_skills_shown_changed(callback: SummariesChanged) -> SummariesChanged:
    if callback not in _skills_shown_changed:
        _skills_shown_changed.append(callback)
    return callback


def summaries_changed(segment_ids: Iterable[int | None]) -> None:
    """Tell the registered apps which segments' summaries the current transaction replaced."""
    segments = {segment_id for segment_id in segment_ids if segment_id is not None}
    if not segments:
        return
    for callback in _summaries_changed:
        callback(segments)


def drained(trigger: str) -> None:
    """Let the registered apps drain their own marks after the demand engine's run."""
    for callback in _drained:
        callback(trigger)


def skills_shown_changed(skill_ids: Iterable[int]) -> None:
    """Tell the registered apps that these skills were published, unpublished or deleted in this transaction."""
    skills = set(skill_ids)
    if not skills:
        return
    for callback in _skills_shown_changed:
        callback(skills)
