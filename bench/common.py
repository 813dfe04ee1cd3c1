"""What the benchmarks share: a database of their own, Django set up on it, generated postings, the JSON last line."""

import datetime
import json
import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
MONTHS = 24
GENERATED_SOURCE = "bench"
# The words around a generated posting's skills (``generate_postings(texts=True)``): the skills are
# listed right after STACK, so each link's evidence span is known without searching the text.
OPENING = "{employer} is hiring. As {title}, you will run machine learning in production. "
STACK = "Our stack includes "
CLOSING = ". You will help define how our models ship."


def bench_database_url(name: str) -> str:
    """BENCH_DATABASE_URL, or a database called ``name`` on the local PostgreSQL."""
    return os.environ.get("BENCH_DATABASE_URL") or f"{POSTGRES}/{name}"


def recreate_database(url: str) -> None:
    """Drop and create the benchmark's database: every run starts from the same empty state."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def generated_postings(url: str) -> int:
    """How many generated postings the benchmark's database holds (0 when it does not exist)."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute(
                "SELECT count(*) FROM postings_posting WHERE source = %s", [GENERATED_SOURCE]
            ).fetchone()[0]
    except psycopg.Error:
        return 0


def setup_django(database_url: str, broker_url: str = "") -> None:
    """Point Django at the benchmark's database (and broker), migrate, and load the seed content."""
    os.environ["DATABASE_URL"] = database_url
    if broker_url:
        os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_seed_content", verbosity=0)


def print_figures(figures: dict) -> None:
    """The last line of every benchmark: one JSON object of its figures."""
    print(json.dumps(figures), flush=True)


def generate_postings(
    postings: int, per_posting: int, *, employers: list[tuple[int, str]] | None = None, texts: bool = False
) -> int:
    """Published postings spread over the seed segments and 24 months, each linked to ``per_posting`` skills.

    Set-based: two ``INSERT ... SELECT`` over ``generate_series``, so a million postings take minutes.
    Posting ``g`` (its ``external_id``) is dated on one of the 720 days before this month, belongs to
    a segment and an employer drawn from a hash of ``g``, and asks for skills chosen from ``g`` alone,
    so the same call gives the same rows. ``employers``, ``(id, name)`` pairs, spreads them over those
    employers (default: one "Bench employer", created here). ``texts`` gives each a title, a location
    and a description naming its skills, and each link the evidence span of its skill in that text, as
    the extractor would: pages, search and highlighting then have words to show (the demand benchmark
    needs none). Returns the number of skill links.
    """
    from django.db import connection

    from postings.models import Employer, Skill
    from segments.models import Segment

    if employers is None:
        employer = Employer.objects.create(name="Bench employer", slug="bench-employer")
        employers = [(employer.pk, employer.name)]
    skills = list(Skill.objects.order_by("pk").values_list("pk", "name"))
    params = {
        "start": datetime.date.today().replace(day=1) - datetime.timedelta(days=MONTHS * 30),
        "employers": [pk for pk, _ in employers],
        "employer_names": [name for _, name in employers],
        "segments": list(Segment.objects.order_by("pk").values_list("pk", flat=True)),
        "skills": [pk for pk, _ in skills],
        "skill_names": [name for _, name in skills],
        # The skills of posting g depend on g modulo this period only: picked once per residue.
        "period": math.lcm(len(skills), 13),
        "postings": postings,
        "per_posting": per_posting,
        "source": GENERATED_SOURCE,
        "stack": STACK,
    } | (_text_params() if texts else {})
    with connection.cursor() as cursor:
        for statement in PICKS:
            cursor.execute(statement, params)
        with _indexes_dropped(cursor, ("postings_posting", "postings_postingskill")):
            cursor.execute(_postings_sql(texts), params)
            cursor.execute(_links_sql(texts), params)
        # As autovacuum would after a load this size: index-only scans need the visibility map.
        cursor.execute("VACUUM ANALYZE postings_posting")
        cursor.execute("VACUUM ANALYZE postings_postingskill")
        cursor.execute("SELECT count(*) FROM postings_postingskill")
        return cursor.fetchone()[0]


# Small tables the inserts join (array subscripts per row cost minutes at a million rows): the
# employers by position, and skill k of every residue r of g modulo the period, with the characters
# of the skill names listed before it in the posting's text ("A, B, C"). Skill k of r is distinct for
# k < per_posting, since the step (1 + r % 13) times any difference of two k stays below the number
# of skills.
PICKS = (
    "DROP TABLE IF EXISTS bench_employers, bench_picks, bench_stacks",
    """
    CREATE TEMPORARY TABLE bench_employers AS
    SELECT (i - 1)::int AS i, id, name FROM unnest(%(employers)s::bigint[], %(employer_names)s::text[])
        WITH ORDINALITY AS e(id, name, i)
    """,
    """
    CREATE TEMPORARY TABLE bench_picks AS
    SELECT r, k, s.id AS skill_id, s.name,
        (sum(length(s.name) + 2) OVER (PARTITION BY r ORDER BY k) - length(s.name) - 2)::int AS before
    FROM generate_series(0, %(period)s - 1) AS r
        CROSS JOIN generate_series(0, %(per_posting)s - 1) AS k
        JOIN unnest(%(skills)s::bigint[], %(skill_names)s::text[]) WITH ORDINALITY AS s(id, name, i)
            ON s.i - 1 = (r * 31 + k * (1 + r %% 13)) %% cardinality(%(skills)s::bigint[])
    """,
    "CREATE TEMPORARY TABLE bench_stacks AS SELECT r, string_agg(name, ', ' ORDER BY k) AS stack "
    "FROM bench_picks GROUP BY r",
    "ANALYZE bench_employers, bench_picks, bench_stacks",
)


@contextmanager
def _indexes_dropped(cursor, tables: tuple[str, ...]):
    """The tables' foreign keys and indexes (but their own keys'), dropped for a load and made again after it.

    Building an index once over millions of rows takes seconds, and adding a foreign key back checks
    every row in one join; keeping them up to date row by row took most of the load (the search
    documents' GIN index, and a locking lookup of the referenced row for every skill link).
    """
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
        """,
        [list(tables)],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = ANY(%s)
            AND indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _text_params() -> dict:
    from postings.demo import CLOSINGS, LOCATIONS, SEGMENTS

    return {
        "titles": sorted({title for profile in SEGMENTS.values() for title in profile["titles"]}),
        "locations": LOCATIONS,
        "closings": CLOSINGS,
        "opening": OPENING.format(employer="%s", title="%s"),
        "closing": CLOSING,
    }


def _postings_sql(texts: bool) -> str:
    if texts:
        text = """
            format(%(opening)s, e.name, t.title) || %(stack)s || st.stack || %(closing)s || ' '
            || (%(closings)s::text[])[1 + g %% cardinality(%(closings)s::text[])]
        """
        title, location = "t.title", "(%(locations)s::text[])[1 + g %% cardinality(%(locations)s::text[])]"
        join = """
            JOIN bench_stacks AS st ON st.r = g %% %(period)s,
            LATERAL (SELECT (%(titles)s::text[])[1 + (g * 13) %% cardinality(%(titles)s::text[])] AS title) AS t
        """
    else:
        title, text, location, join = "'Posting ' || g", "''", "''", ""
    # Segment and employer from hashes of g: neither follows the date (g * 7919 mod 720) or the other.
    return f"""
        INSERT INTO postings_posting (status, published_at, created_at, updated_at, title, description,
            location, posted_on, url, source, external_id, employer_id, segment_id, content_hash,
            version, department, employment_type, remote, salary_currency, salary_period)
        SELECT 'published', now(), now(), now(), {title}, {text}, {location},
            %(start)s::date + ((g * 7919) %% 720)::int, '', %(source)s, g::text, e.id,
            (%(segments)s::bigint[])[1 + (hashint8(g) + 2147483648) %% cardinality(%(segments)s::bigint[])],
            md5(g::text), 1, '', '', '', '', ''
        FROM generate_series(1, %(postings)s::bigint) AS g
            JOIN bench_employers AS e
                ON e.i = (hashint8extended(g, 1) & 9223372036854775807) %% cardinality(%(employers)s::bigint[])
            {join}
    """


def _links_sql(texts: bool) -> str:
    if texts:
        # The skills are listed after "title\n", the opening and STACK.
        base = ", length(title) + strpos(description, %(stack)s) + length(%(stack)s) AS base"
        evidence = "pk.name, p.base + pk.before, p.base + pk.before + length(pk.name)"
    else:
        base, evidence = "", "'', NULL::int, NULL::int"
    return f"""
        INSERT INTO postings_postingskill (posting_id, skill_id, state, matched_text, start, "end",
            extractor_version, counted_segment_id, counted_month)
        SELECT p.id, pk.skill_id, 'auto', {evidence}, 'bench', p.segment_id,
            date_trunc('month', p.posted_on)::date
        FROM (SELECT id, segment_id, posted_on, external_id::bigint %% %(period)s AS r {base}
              FROM postings_posting WHERE source = %(source)s) AS p
            JOIN bench_picks AS pk ON pk.r = p.r
    """
