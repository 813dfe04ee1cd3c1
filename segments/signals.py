"""Signals of segments, for the apps downstream (segments never imports them).

- ``segments_shown_changed`` (``segment_ids``): sent inside the transaction that publishes, unpublishes or
  archives segments. No count of the segment moves, but what counts over all segments together does:
  those figures count only published segments (demand connects to it in ``PostingsConfig.ready``).
"""

from collections.abc import Iterable

from django.dispatch import Signal

segments_shown_changed = Signal()


def send_segments_shown_changed(segment_ids: Iterable[int]) -> None:
    """Send ``segments_shown_changed`` for these segments, if there are any."""
    segments = set(segment_ids)
    if segments:
        segments_shown_changed.send(sender=None, segment_ids=segments)
