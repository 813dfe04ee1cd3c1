"""One search over segments, tracks, modules, skills and postings, ranked by how the name matches.

Every hit has a tier (``careerhub.core.ranking``): a title (or a skill's alias) equal to the query
comes first, then a title starting with it, then a title with a word starting with it, then a
title holding all its words, then a match in the text, then a skill spelt like the query (a typo).
Within a tier the text's relevance orders hits, and at equal relevance curated pages come before
postings. Skills are found by ``postings.skill_search`` (names, aliases, near spellings), the
selector the admin's skill autocomplete uses too; a skill found by an alias is shown with it
("Kubernetes", alias "k8s").

On PostgreSQL: a text match is full-text search (``websearch_to_tsquery``, English stemming) over
a stored search document per row with a GIN index (see the migrations of segments, curriculum and
postings); near spellings are pg_trgm's; only the newest matching postings are ranked, so a
common word stays fast over 100,000 postings. One query in all.
Elsewhere (SQLite): a text match is every word appearing in the title or text (no stemming); near
spellings come from difflib (see ``postings/skill_search.py``). One query per kind of content, and
one for the skills' spellings.
Only public content is ever searched (``careerhub.core.visibility.public``): a draft module, a module
of a draft track or a published posting of a draft segment is never found.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Left, Length, NullIf
from django.urls import reverse

from careerhub.core.editorial import Status
from careerhub.core.ranking import (
    NAME,
    TEXT,
    clean_query,
    closeness,
    name_conditions,
    name_similarity,
    name_tier,
    searchable,
    text_match,
    text_rank,
    tier_case,
)
from careerhub.core.visibility import public
from curriculum.models import Module, Track
from postings.models import Posting, Skill
from postings.skill_search import skill_search
from segments.models import Segment

PER_KIND = 10
SNIPPET = 240  # characters of text shown under a hit
POSTING_CANDIDATES = 50  # newest matching postings that are ranked
# How many of the newest published postings are read in date order before the search falls back
# to the GIN index: ~2,000 row reads (5 to 10 ms, 100,000 postings on a 2-core machine) bound the
# cost of a word in at least 1 posting in 40, which is most searches.
POSTING_SCAN = 2000
# Fewer matches than this among them, and the older matches are gathered from the GIN index rather than
# found by walking on in date order (``_newest_matching_postings``).
POSTING_RARE = 5

# (model, title field, text fields): what each kind of content is searched in.
KINDS = {
    "segment": (Segment, "name", ["summary", "optimises_for", "pitfalls"]),
    "track": (Track, "title", ["summary"]),
    "module": (Module, "title", ["summary", "body"]),
    "skill": (Skill, "name", ["description"]),
    "posting": (Posting, "title", ["description"]),
}
LABELS = {"segment": "Segment", "track": "Track", "module": "Module", "skill": "Skill", "posting": "Posting"}
# Postings are the evidence, not the destination: at equal relevance the curated pages come first.
KIND_WEIGHT = {"segment": 1.3, "track": 1.2, "module": 1.1, "skill": 1.2, "posting": 1.0}
# The columns every kind's rows have, in this order (a union of the kinds needs them alike).
COLUMNS = ("hit_kind", "hit_id", "hit_title", "hit_parent", "hit_slug", "hit_parent_slug", "hit_text", "hit_alias",
           "hit_tier", "hit_rank", "hit_demo")  # fmt: skip


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    tier: int  # careerhub.core.ranking's tier: lower is better
    alike: float  # how alike the title (or the alias) and the query are, 0..1: the order within a tier
    rank: float  # the text's relevance, weighted by kind: the order at equal likeness
    demo: bool = False
    alias: str | None = None  # the alias of a skill that matched the query better than its name

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _title(kind: str, title: str, parent: str | None) -> str:
    """A posting is shown with its employer, a module with its track."""
    if kind == "posting":
        return f"{title}, {parent}"
    if kind == "module":
        return f"{title} ({parent})"
    return title


def _snippet(text: str) -> str:
    return text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")


def _newest_matching_postings(query: str) -> tuple[str, list]:
    """SQL for the ids of the newest ``POSTING_CANDIDATES`` published postings matching ``query``.

    Two ways to find them, each fast where the other is slow: reading the newest postings in date
    order (the partial index of the public list) stops as soon as enough match, which is quick for a
    common word and slow for a rare one; the GIN index finds every match at once, which is quick for
    a rare word and slow for a common one (each match is read to sort it by date). PostgreSQL picks
    one by its estimate of how many postings match, and misjudges words that appear together (in
    the demo postings "feature store" is estimated at 238 matches and has 4,860, all read and
    sorted: 20 to 35 ms). So the first way is tried on the newest ``POSTING_SCAN`` postings, and
    the second runs only when they hold too few matches (a one-time filter: otherwise never
    executed). Either way the result is the newest matches by (posted_on, id).

    The second way has two forms, by how many of the newest postings matched. With at least
    ``POSTING_RARE`` (a word in 1 posting in 400 or more), the dates are walked on past the newest
    postings. With fewer, the matches are gathered whole in a materialized CTE and sorted: given
    "ORDER BY posted_on LIMIT 50" PostgreSQL would walk the dates for a word it cannot estimate, and a
    word in no posting read all 1,000,000 (3 to 16 s), where the GIN index answers it at once; gathered
    whole, a word in 40 of the newest 2,000 ("terraform aws", 26,655 matches) took 500 ms.
    """
    table = connection.ops.quote_name(Posting._meta.db_table)
    match = "search_document @@ websearch_to_tsquery('english', %s)"
    sql = f"""
        WITH recent AS (
            SELECT id FROM (
                SELECT id, posted_on, search_document FROM {table}
                WHERE status = %s ORDER BY posted_on DESC, id DESC LIMIT %s
            ) newest
            WHERE {match} ORDER BY posted_on DESC, id DESC LIMIT %s
        ), gathered AS MATERIALIZED (
            SELECT id, posted_on FROM {table} WHERE status = %s AND {match}
        )
        SELECT id FROM recent
        UNION ALL
        SELECT id FROM (
            SELECT id FROM {table} WHERE status = %s AND {match} ORDER BY posted_on DESC, id DESC LIMIT %s
        ) older
        WHERE (SELECT count(*) FROM recent) BETWEEN %s AND %s
        UNION ALL
        SELECT id FROM (SELECT id FROM gathered ORDER BY posted_on DESC, id DESC LIMIT %s) rare
        WHERE (SELECT count(*) FROM recent) < %s
    """
    params = [
        Status.PUBLISHED, POSTING_SCAN, query, POSTING_CANDIDATES,
        Status.PUBLISHED, query,
        Status.PUBLISHED, query, POSTING_CANDIDATES, POSTING_RARE, POSTING_CANDIDATES - 1,
        POSTING_CANDIDATES, POSTING_RARE,
    ]  # fmt: skip
    return sql, params


def _matching(kind: str, query: str) -> QuerySet:
    """The published rows of ``kind`` matching ``query``, with their tier and score (not yet as rows)."""
    model, title_field, text_fields = KINDS[kind]
    if kind == "skill":
        return skill_search(query).annotate(
            hit_tier=F("match_tier"),
            hit_by_alias=F("match_by_alias"),
            hit_alike=F("match_score"),
            hit_rank=F("text_score"),
            hit_alias=F("matched_alias"),
        )
    names = name_conditions(title_field, query, model=model)
    found = public(model.objects.all())  # a module of a draft track, a posting of a draft segment: never found
    if kind == "posting":
        # Only the newest matching postings are ranked; a match is the text's, the title tiers rank them.
        if connection.vendor == "postgresql":
            found = found.filter(pk__in=RawSQL(*_newest_matching_postings(query)))
        else:
            newest = found.filter(text_match(model, [title_field, *text_fields], query))
            found = found.filter(pk__in=newest.order_by("-posted_on", "-id").values("pk")[:POSTING_CANDIDATES])
        tier = tier_case(names, default=TEXT)
    else:
        text = text_match(model, [title_field, *text_fields], query)
        found = found.filter(names[NAME] | text)
        tier = tier_case({**names, TEXT: text})
    return found.annotate(
        hit_tier=tier,
        hit_by_alias=Value(False),
        hit_alike=name_similarity(title_field, query),
        hit_rank=text_rank(model, query),
        hit_alias=Value(None, output_field=CharField()),
    )


def _rows(kind: str, query: str) -> QuerySet:
    """The ``PER_KIND`` best published matches of one kind, as the ``COLUMNS`` a hit needs (its kind by index)."""
    _, title_field, text_fields = KINDS[kind]
    text = Coalesce(*(NullIf(field, Value("")) for field in text_fields), Value(""))
    none = Value(None, output_field=CharField())
    parents = {"module": (F("track__title"), F("track__slug")), "posting": (F("employer__name"), none)}
    parent, parent_slug = parents.get(kind, (none, none))
    demo = ExpressionWrapper(Q(source="demo"), BooleanField()) if kind == "posting" else Value(False)
    rows = _matching(kind, query).annotate(
        hit_kind=Value(list(KINDS).index(kind), output_field=IntegerField()),
        hit_id=F("pk"),
        hit_title=F(title_field),
        hit_parent=parent,
        hit_slug=none if kind == "posting" else F("slug"),
        hit_parent_slug=parent_slug,
        # The first text that is not empty, cut one character past the snippet (to know it goes on).
        hit_text=Left(text, SNIPPET + 1),
        hit_demo=demo,
    )
    ordering = ["hit_tier", "hit_by_alias", "-hit_alike", "-hit_rank", Length(title_field), title_field, "pk"]
    return rows.order_by(*ordering).values_list(*COLUMNS)[:PER_KIND]


# Each kind's page, reversed from the row's own columns: building unsaved instances for their
# get_absolute_url would run a query per hit (a new segment's or track's display order defaults to
# one past the highest, read from the database).
URL_NAMES = {"segment": "segments:detail", "track": "curriculum:track-detail", "skill": "postings:skill-detail"}


def _url(kind: str, pk: int, slug: str | None, parent_slug: str | None) -> str:
    if kind == "posting":
        return reverse("postings:posting-detail", kwargs={"pk": pk})
    if kind == "module":
        return reverse("curriculum:module-detail", kwargs={"track_slug": parent_slug, "slug": slug})
    return reverse(URL_NAMES[kind], kwargs={"slug": slug})


def _shown_alias(name: str, alias: str | None, query: str) -> str | None:
    """A skill's best matching alias, when it matches better than the skill's name (else ``None``)."""
    alias_tier = None if alias is None else name_tier(alias, query)
    own_tier = name_tier(name, query)
    if alias_tier is None or (own_tier is not None and own_tier <= alias_tier):
        return None
    return alias


def _hit(row: tuple, query: str) -> Hit:
    index, pk, title, parent, slug, parent_slug, text, alias, tier, rank, demo = row
    kind = list(KINDS)[index]
    alias = _shown_alias(title, alias, query)
    return Hit(
        kind=kind,
        title=_title(kind, title, parent),
        url=_url(kind, pk, slug, parent_slug),
        snippet=_snippet(text or ""),
        tier=tier,
        alike=max(closeness(title, query), closeness(alias, query) if alias else 0.0),
        rank=(rank or 0.0) * KIND_WEIGHT[kind],
        demo=bool(demo),
        alias=alias,
    )


@lru_cache(maxsize=256)
def _search_sql(query: str) -> tuple[str, tuple]:
    """The SQL and parameters of the one query that searches every kind for ``query`` (PostgreSQL).

    Kept per process for the queries searched most: building and compiling the five annotated parts
    costs about 15 ms of CPU, more than the database takes to answer, and the SQL depends on the query
    alone (only public rows are searched, whoever asks). The rows are read afresh on every search.
    """
    parts = [_rows(kind, query) for kind in KINDS]
    sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    return sql, tuple(params)


def site_search(query: str) -> list[Hit]:
    """Published segments, tracks, modules, skills and postings matching ``query``, best first.

    ``query`` is cleaned as ``clean_query`` does; one without a letter or a digit finds nothing.
    """
    query, _ = clean_query(query)
    if not searchable(query):
        return []
    kinds = list(KINDS)
    if connection.vendor == "postgresql":
        # One query for every kind: a round trip each cost more than the searches themselves.
        with connection.cursor() as cursor:
            cursor.execute(*_search_sql(query))
            rows = cursor.fetchall()
    else:
        rows = [row for kind in kinds for row in _rows(kind, query)]
    hits = [_hit(row, query) for row in rows]
    # Within a tier: a title match before an alias match, then the likeness, the text's relevance, the kind.
    return sorted(
        hits, key=lambda hit: (hit.tier, hit.alias is not None, -hit.alike, -hit.rank, kinds.index(hit.kind), hit.title)
    )


__all__ = ["Hit", "clean_query", "site_search"]
