"""Coverage entry points used by the demand engine's task, the beat schedule, the command and the admin."""

import logging

from . import engine

logger = logging.getLogger(__name__)


def coverage_drain(*, trigger: str) -> dict[str, int]:
    """Recompute the coverage of every marked track (run by the demand engine's task after its own drain)."""
    result = engine.recompute_marked()
    if result.marks:
        logger.info(
            "Coverage drain (%s): %s marks, %s tracks, %s batches", trigger, result.marks, result.items, result.batches
        )
    return {"marks": result.marks, "tracks": result.items, "batches": result.batches}


def coverage_recompute_all(*, trigger: str, apply: bool = True) -> dict:
    """Recompute (or, without ``apply``, only compare) the coverage of every track; report the drift found."""
    comparison, written = engine.recompute_all(apply=apply)
    if comparison.drift:
        logger.error(
            "Coverage drift (%s): %s tracks differed from a fresh computation; first: %s",
            trigger,
            comparison.drift,
            comparison.sample(5),
        )
    return {
        "tracks": comparison.tracks,
        "written": written,
        "drift": comparison.drift,
        "pending": comparison.pending,
        "sample": comparison.sample(),
    }
