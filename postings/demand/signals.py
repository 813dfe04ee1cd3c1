"""Signals of the demand engine, for apps downstream of postings (postings never imports them).

Curriculum coverage connects to them in ``CurriculumConfig.ready``:

- ``summaries_changed`` (``segment_ids``): sent inside the transaction that replaced the summaries
  of those segments, so what a receiver writes (marks of its own) commits with them.
- ``demand_drained`` (``trigger``): sent after every drain and full recompute, in the same task, so
  one coalescing task keeps the summaries and everything derived from them current.
- ``skills_shown_changed`` (``skill_ids``): sent inside the transaction that publishes, unpublishes or
  deletes skills: no count moves, but what readers of published demand see does.
"""

from django.dispatch import Signal

summaries_changed = Signal()
demand_drained = Signal()
skills_shown_changed = Signal()


def send_skills_shown_changed(skill_ids) -> None:
    """Send ``skills_shown_changed`` for these skills, if there are any."""
    skills = set(skill_ids)
    if skills:
        skills_shown_changed.send(sender=None, skill_ids=skills)
