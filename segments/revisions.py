"""Segments have revisions: every field an editor writes (registered from ``SegmentsConfig.ready``)."""

from careerhub.core.revisions.registry import RevisionAdapter, register

from . import services
from .models import Segment


def register_revisions() -> None:
    register(
        RevisionAdapter(
            model=Segment,
            fields=tuple(name for name in services.SEGMENT_EDITABLE_FIELDS if name != "status"),
            update=lambda segment, data: services.segment_update(segment=segment, data=data),
            set_status=lambda segments, status: services.segment_set_status(segments=segments, status=status),
        )
    )
