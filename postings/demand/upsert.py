"""The drain's recompute on PostgreSQL: claimed cells recounted and stored in three prepared statements.

The portable path in ``engine`` builds a dozen ORM queries per batch; for the common case of a
few new postings that overhead is most of the drain's time. Here each batch is three prepared
statements (``careerhub.core.prepared``: planned once per connection) in two round trips, sent in the
drain's one pipeline:

1. the claim: the oldest marks no other worker holds, the advisory locks of their segment-months
   (see ``engine``), and the taxonomy version the batch records;
2. the store, two statements sent together (``pipelined``): the per-segment cells and the
   segments' day counts, each recounted from the source rows (the links' copies of their cell and
   the partial index of counted postings), and the month totals added up from the days; then the
   all-segments rows of the same months summed from them, and the claimed marks deleted. Each row
   is upserted, or deleted when nothing counts any more.

The locks are taken by the claim, in its own statement, so the store reads a snapshot taken
after they were granted. The result is the same rows the portable path writes; the
invariant tests run on both.
"""

import datetime
import functools

from django.db import connection

from careerhub.core.prepared import execute_prepared

from ..extraction import EXTRACTOR_VERSION, taxonomy_version_columns, taxonomy_version_from
from ..models import Posting, PostingSkill
from .models import DemandMark, SegmentDayCount, SegmentMonthTotal, SkillDemand
from .months import month_start

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
        "days": quote(SegmentDayCount._meta.db_table),
        "marks": quote(DemandMark._meta.db_table),
    }


@functools.cache
def _sql(template: str) -> str:
    """A statement with the tables' names filled in; the same text every time, so psycopg reuses its conversion."""
    return template.format(summary_set=_SUMMARY_SET, versions=taxonomy_version_columns(), **_tables())


# (id, segment id, month, skill id or None for the total, the total's day or None for the whole month)
Mark = tuple[int, int, datetime.date, int | None, datetime.date | None]

# The advisory locks of ``engine``: the global key shared, then per claimed month one key per segment
# and one (the largest) for the all-segments rows, exclusive, all taken in key order by every worker.
CLAIM = """
WITH claimed AS MATERIALIZED (
    SELECT id, segment_id, month, skill_id, day FROM {marks} ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), lock_keys AS (
    SELECT %(global_a)s::int AS a, %(global_b)s::int AS b, true AS shared WHERE EXISTS (SELECT FROM claimed)
    UNION
    SELECT %(namespace)s::int + (extract(year FROM m.month) * 12 + extract(month FROM m.month))::int,
        CASE WHEN s.scope = 0 THEN m.segment_id::int ELSE %(all_segments)s::int END, false
    FROM (SELECT DISTINCT segment_id, month FROM claimed) AS m CROSS JOIN (VALUES (0), (1)) AS s(scope)
), locked AS (
    SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true),
        count(CASE WHEN shared THEN pg_advisory_xact_lock_shared(a, b) ELSE pg_advisory_xact_lock(a, b) END)
    FROM (SELECT a, b, shared FROM lock_keys ORDER BY a, b) AS ordered
)
SELECT c.id, c.segment_id, c.month, c.skill_id, c.day, {versions} FROM claimed AS c, locked ORDER BY c.id
"""

# The per-segment rows: cells and day counts recounted from the source rows, month totals added up
# from the days.
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
), claimed_days AS (
    SELECT * FROM unnest(%(day_segments)s::bigint[], %(days)s::date[]) AS t(segment_id, day)
), fresh_days AS (
    SELECT t.segment_id, t.day, (
        SELECT count(*) FROM {postings} AS p
        WHERE p.segment_id = t.segment_id AND p.posted_on = t.day
          AND p.status = 'published' AND p.duplicate_of_id IS NULL
    ) AS n
    FROM claimed_days AS t
), removed_days AS (
    DELETE FROM {days} AS d USING fresh_days AS f WHERE f.n = 0 AND d.segment_id = f.segment_id AND d.day = f.day
), stored_days AS (
    INSERT INTO {days} (segment_id, day, postings) SELECT segment_id, day, n FROM fresh_days WHERE n > 0
    ON CONFLICT (segment_id, day) DO UPDATE SET postings = EXCLUDED.postings
), fresh_totals AS (
    SELECT m.segment_id, m.month, (
        SELECT coalesce(sum(d.postings), 0) FROM {days} AS d
        WHERE d.segment_id = m.segment_id AND d.day >= m.month AND d.day < (m.month + interval '1 month')::date
          AND NOT EXISTS (SELECT FROM fresh_days AS f WHERE f.segment_id = d.segment_id AND f.day = d.day)
    ) + (
        SELECT coalesce(sum(f.n), 0) FROM fresh_days AS f
        WHERE f.segment_id = m.segment_id AND f.day >= m.month AND f.day < (m.month + interval '1 month')::date
    ) AS n
    FROM (SELECT DISTINCT segment_id, date_trunc('month', day)::date AS month FROM claimed_days) AS m
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

# The all-segments rows of the same months, summed from the per-segment rows the statement before
# wrote (a statement sees the earlier ones of its transaction), and the claimed marks deleted.
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
), fresh_totals AS (
    SELECT t.month, (
        SELECT coalesce(sum(s.postings), 0) FROM {totals} AS s WHERE s.segment_id IS NOT NULL AND s.month = t.month
    ) AS n
    FROM unnest(%(total_months)s::date[]) AS t(month)
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


def claim(
    limit: int, *, global_lock: tuple[int, int], namespace: int, all_segments: int
) -> tuple[list[Mark], tuple[str, str]]:
    """Claim up to ``limit`` marks and lock their segment-months; return them and the versions to record.

    The batch's commit does not wait for its WAL flush (``synchronous_commit`` off for this
    transaction): its writes are derived from the source rows, and if the server crashes before the
    flush its marks come back with them, so the cells are recomputed again.
    """
    # Run in the drain's pipeline (``engine.recompute_marked``), it goes out with the transaction's BEGIN.
    rows = execute_prepared(
        _sql(CLAIM),
        {"limit": limit, "global_a": global_lock[0], "global_b": global_lock[1], "namespace": namespace,
         "all_segments": all_segments},
    )
    if not rows:
        return [], ("", EXTRACTOR_VERSION)
    return [row[:5] for row in rows], (taxonomy_version_from(*rows[0][5:]), EXTRACTOR_VERSION)


def store_claimed(
    cells: list[tuple[int, datetime.date, int]],
    days: set[tuple[int, datetime.date]],
    mark_ids: list[int],
    versions: tuple[str, str],
    now: datetime.datetime,
) -> None:
    """Recount and store the claimed cells and segment-days, their months' totals and all-segments rows."""
    taxonomy, extractor = versions
    days = sorted(days)
    stamp = {"now": now, "taxonomy": taxonomy, "extractor": extractor}
    months = [month for _, month, _ in cells]
    skills = [skill_id for _, _, skill_id in cells]
    parameters = {
        "segments": [segment_id for segment_id, _, _ in cells],
        "months": months,
        "skills": skills,
        "day_segments": [segment_id for segment_id, _ in days],
        "days": [day for _, day in days],
        **stamp,
    }
    all_parameters = {
        "months": months,
        "skills": skills,
        "total_months": sorted({month_start(day) for _, day in days}),
        "mark_ids": mark_ids,
        **stamp,
    }
    # Nothing read back: in the drain's pipeline they go out with the statements the hooks add.
    execute_prepared(_sql(SEGMENT_ROWS), parameters, rows=False)
    execute_prepared(_sql(ALL_SEGMENT_ROWS), all_parameters, rows=False)
