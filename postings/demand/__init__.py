"""The demand engine: skill-demand summaries per (segment, skill, month), kept exact.

Writes mark the segment-months they touch in ``DemandMark`` inside their own transaction
(``marks.py``); a Celery task claims marks and recomputes the marked cells from the source
rows (``engine.py``); reads derive shares, ranks, trends and co-occurrence (``selectors.py``).
"""
