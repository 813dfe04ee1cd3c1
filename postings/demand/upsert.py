"""The drain's recompute on PostgreSQL: claimed cells recounted and stored in two statements.

The portable path in ``engine`` builds a dozen ORM queries per batch; for the common case of a
few new postings that overhead is most of the drain's time. Here each batch is:

1. the per-segment cells and segment-month totals, each recounted from the source rows (the
   links' copies of their cell and the partial index of counted postings), then upserted, or
   deleted when nothing counts any more;
2. the all-segments rows of the same months, summed from the per-segment rows the first
   statement just wrote (visible to the next statement of the transaction), and the claimed
   marks deleted.

The result is the same rows the portable path writes; the invariant tests run on both.
"""

import datetime

from django.db import connection

from ..models import Posting, PostingSkill
from .models import DemandMark, SegmentMonthTotal, SkillDemand

_SUMMARY_SET = (
    "postings = EXCLUDED.postings, computed_at = EXCLUDED.computed_at, "
    "taxonomy_version = EXCLUDED.taxonomy_version, extractor_version = EXCLUDED.extractor_version"
)


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "links": quote(PostingSkill._meta.db_table),
        "postings": quote(Posting._meta.db_table),
        "cells": quote(SkillDemand._meta.db_table),
        "totals": quote(SegmentMonthTotal._meta.db_table),
        "marks": quote(DemandMark._meta.db_table),
    }


SEGMENT_ROWS = """
WITH claimed AS (
    SELECT * FROM unnest(%(segments)s::bigint[], %(months)s::date[], %(skills)s::bigint[])
        AS c(segment_id, month, skill_id)
), fresh AS (
    SELECT c.segment_id, c.month, c.skill_id, (
        SELECT count(*) FROM {links} AS l
        WHERE l.counted_segment_id = c.segment_id AND l.counted_month = c.month AND l.skill_id = c.skill_id
    ) AS n
    FROM claimed AS c
), removed AS (
    DELETE FROM {cells} AS d USING fresh AS f
    WHERE f.n = 0 AND d.segment_id = f.segment_id AND d.month = f.month AND d.skill_id = f.skill_id
), stored AS (
    INSERT INTO {cells} (segment_id, month, skill_id, postings, computed_at, taxonomy_version, extractor_version)
    SELECT segment_id, month, skill_id, n, %(now)s, %(taxonomy)s, %(extractor)s FROM fresh WHERE n > 0
    ON CONFLICT (segment_id, skill_id, month) WHERE segment_id IS NOT NULL DO UPDATE SET {summary_set}
), claimed_totals AS (
    SELECT * FROM unnest(%(total_segments)s::bigint[], %(total_months)s::date[]) AS t(segment_id, month)
), fresh_totals AS (
    SELECT t.segment_id, t.month, (
        SELECT count(*) FROM {postings} AS p
        WHERE p.segment_id = t.segment_id AND p.posted_on >= t.month
          AND p.posted_on < (t.month + interval '1 month')::date
          AND p.status = 'published' AND p.duplicate_of_id IS NULL
    ) AS n
    FROM claimed_totals AS t
), removed_totals AS (
    DELETE FROM {totals} AS d USING fresh_totals AS f
    WHERE f.n = 0 AND d.segment_id = f.segment_id AND d.month = f.month
), stored_totals AS (
    INSERT INTO {totals} (segment_id, month, postings, computed_at, taxonomy_version, extractor_version)
    SELECT segment_id, month, n, %(now)s, %(taxonomy)s, %(extractor)s FROM fresh_totals WHERE n > 0
    ON CONFLICT (segment_id, month) WHERE segment_id IS NOT NULL DO UPDATE SET {summary_set}
)
SELECT 1
"""

ALL_SEGMENT_ROWS = """
WITH claimed AS (
    SELECT DISTINCT month, skill_id FROM unnest(%(months)s::date[], %(skills)s::bigint[]) AS c(month, skill_id)
), fresh AS (
    SELECT c.month, c.skill_id, (
        SELECT coalesce(sum(d.postings), 0) FROM {cells} AS d
        WHERE d.segment_id IS NOT NULL AND d.month = c.month AND d.skill_id = c.skill_id
    ) AS n
    FROM claimed AS c
), removed AS (
    DELETE FROM {cells} AS d USING fresh AS f
    WHERE f.n = 0 AND d.segment_id IS NULL AND d.month = f.month AND d.skill_id = f.skill_id
), stored AS (
    INSERT INTO {cells} (segment_id, month, skill_id, postings, computed_at, taxonomy_version, extractor_version)
    SELECT NULL, month, skill_id, n, %(now)s, %(taxonomy)s, %(extractor)s FROM fresh WHERE n > 0
    ON CONFLICT (skill_id, month) WHERE segment_id IS NULL DO UPDATE SET {summary_set}
), claimed_totals AS (
    SELECT DISTINCT month FROM unnest(%(total_months)s::date[]) AS t(month)
), fresh_totals AS (
    SELECT t.month, (
        SELECT coalesce(sum(s.postings), 0) FROM {totals} AS s WHERE s.segment_id IS NOT NULL AND s.month = t.month
    ) AS n
    FROM claimed_totals AS t
), removed_totals AS (
    DELETE FROM {totals} AS d USING fresh_totals AS f WHERE f.n = 0 AND d.segment_id IS NULL AND d.month = f.month
), stored_totals AS (
    INSERT INTO {totals} (segment_id, month, postings, computed_at, taxonomy_version, extractor_version)
    SELECT NULL, month, n, %(now)s, %(taxonomy)s, %(extractor)s FROM fresh_totals WHERE n > 0
    ON CONFLICT (month) WHERE segment_id IS NULL DO UPDATE SET {summary_set}
), done AS (
    DELETE FROM {marks} WHERE id = ANY(%(mark_ids)s::bigint[])
)
SELECT 1
"""


def store_claimed(
    cells: list[tuple[int, datetime.date, int]],
    totals: set[tuple[int, datetime.date]],
    mark_ids: list[int],
    versions: tuple[str, str],
    now: datetime.datetime,
) -> None:
    """Recount and store the claimed per-segment cells and totals, then their all-segments rows; drop the marks."""
    tables = _tables()
    taxonomy, extractor = versions
    totals = sorted(totals)
    parameters = {
        "segments": [segment_id for segment_id, _, _ in cells],
        "months": [month for _, month, _ in cells],
        "skills": [skill_id for _, _, skill_id in cells],
        "total_segments": [segment_id for segment_id, _ in totals],
        "total_months": [month for _, month in totals],
        "mark_ids": mark_ids,
        "now": now,
        "taxonomy": taxonomy,
        "extractor": extractor,
    }
    with connection.cursor() as cursor:
        cursor.execute(SEGMENT_ROWS.format(summary_set=_SUMMARY_SET, **tables), parameters)
        cursor.execute(ALL_SEGMENT_ROWS.format(summary_set=_SUMMARY_SET, **tables), parameters)
