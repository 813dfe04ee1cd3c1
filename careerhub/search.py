"""One search over segments, tracks, modules, skills and postings, ranked.

On PostgreSQL: full-text search (``websearch_to_tsquery``, English stemming, titles weighted
above text) over a stored search document per row with a GIN index (see the migrations of
segments, curriculum and postings); only the newest matching postings are ranked, so a common
word stays fast over 100,000 postings.
Elsewhere (SQLite): every word must appear in a title or text, and titles count more. Only
published content is ever searched: a draft module, or a module of a draft track, is never
found. One query in all on PostgreSQL, one per kind of content elsewhere.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.models import Employer, Posting, Skill
from segments.models import Segment

MAX_QUERY = 200
MAX_WORDS = 10
PER_KIND = 10
SNIPPET = 240  # characters of text shown under a hit
POSTING_CANDIDATES = 50  # newest matching postings that are ranked
# How many of the newest published postings are read in date order before the search falls back
# to the GIN index: ~2,000 row reads (5 to 10 ms, 100,000 postings on a 2-core machine) bound the
# cost of a word in at least 1 posting in 40, which is most searches.
POSTING_SCAN = 2000
CONFIG = "english"

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


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    rank: float
    demo: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def clean_query(raw: str) -> tuple[str, str | None]:
    """The query as searched, and a note when it had to be changed (NUL bytes, too long)."""
    query = " ".join(raw.replace("\x00", " ").split())
    if len(query) > MAX_QUERY:
        return query[:MAX_QUERY], f"Only the first {MAX_QUERY} characters of your search were used."
    return query, None


def _published(kind: str) -> QuerySet:
    model = KINDS[kind][0]
    queryset = model.objects.published()
    if kind == "module":
        queryset = queryset.filter(track__status=Status.PUBLISHED)
        queryset = queryset.select_related("track")
    if kind == "posting":
        queryset = queryset.select_related("employer")
    return queryset


def _title(kind: str, title: str, parent: str | None) -> str:
    """A posting is shown with its employer, a module with its track."""
    if kind == "posting":
        return f"{title}, {parent}"
    if kind == "module":
        return f"{title} ({parent})"
    return title


def _snippet(text: str) -> str:
    return text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")


def _hit(kind: str, obj, rank: float) -> Hit:
    title_field, text_fields = KINDS[kind][1], KINDS[kind][2]
    text = next((getattr(obj, field) for field in text_fields if getattr(obj, field)), "")
    parent = obj.employer.name if kind == "posting" else obj.track.title if kind == "module" else None
    return Hit(
        kind=kind,
        title=_title(kind, getattr(obj, title_field), parent),
        url=obj.get_absolute_url(),
        snippet=_snippet(text),
        rank=rank * KIND_WEIGHT[kind],
        demo=kind == "posting" and obj.source == "demo",
    )


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
    """
    table = connection.ops.quote_name(Posting._meta.db_table)
    match = "search_document @@ websearch_to_tsquery(%s, %s)"
    sql = f"""
        WITH recent AS (
            SELECT id FROM (
                SELECT id, posted_on, search_document FROM {table}
                WHERE status = %s ORDER BY posted_on DESC, id DESC LIMIT %s
            ) newest
            WHERE {match} ORDER BY posted_on DESC, id DESC LIMIT %s
        )
        SELECT id FROM recent
        UNION ALL
        SELECT id FROM (
            SELECT id FROM {table} WHERE status = %s AND {match} ORDER BY posted_on DESC, id DESC LIMIT %s
        ) older
        WHERE (SELECT count(*) FROM recent) < %s
    """
    params = [
        Status.PUBLISHED, POSTING_SCAN, CONFIG, query, POSTING_CANDIDATES,
        Status.PUBLISHED, CONFIG, query, POSTING_CANDIDATES,
        POSTING_CANDIDATES,
    ]  # fmt: skip
    return sql, params


def _best_of_kind(kind: str, query: str) -> tuple[str, list]:
    """SQL for the ``PER_KIND`` best published matches of one kind, as the columns a hit needs.

    Every kind has a stored, weighted search document with a GIN index (see the migrations of
    segments, curriculum and postings): a search neither parses nor weighs any text again.
    """
    model, title_field, text_fields = KINDS[kind]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)

    def column(field: str, of=model) -> str:
        return f"{quote(of._meta.db_table)}.{quote(of._meta.get_field(field).column)}"

    # The first text that is not empty, cut one character past the snippet (to know it goes on).
    text = "COALESCE(" + ", ".join(f"NULLIF({column(field)}, '')" for field in text_fields) + ", '')"
    slug = "NULL" if kind == "posting" else column("slug")
    parent, parent_slug, demo, join, join_params = "NULL", "NULL", "false", "", []
    if kind == "module":
        track = quote(Track._meta.db_table)
        join = f"JOIN {track} ON {track}.id = {column('track')} AND {column('status', Track)} = %s"
        join_params = [Status.PUBLISHED]
        parent, parent_slug = column("title", Track), column("slug", Track)
    if kind == "posting":
        employer = quote(Employer._meta.db_table)
        join = f"JOIN {employer} ON {employer}.id = {column('employer')}"
        parent, demo = column("name", Employer), f"{column('source')} = 'demo'"
        candidates, where_params = _newest_matching_postings(query)
        where = f"{table}.id IN ({candidates})"
    else:
        where, where_params = f"{table}.search_document @@ websearch_to_tsquery(%s, %s)", [CONFIG, query]
    sql = f"""
        (SELECT %s::text AS kind, {table}.id, {column(title_field)}::text AS title, {parent}::text AS parent,
                {slug}::text AS slug, {parent_slug}::text AS parent_slug, left({text}, {SNIPPET + 1}) AS text,
                ts_rank({table}.search_document, websearch_to_tsquery(%s, %s)) AS rank, {demo} AS demo
         FROM {table} {join}
         WHERE {column("status")} = %s AND {where}
         ORDER BY rank DESC, {table}.id LIMIT {PER_KIND})
    """
    return sql, [kind, CONFIG, query, *join_params, Status.PUBLISHED, *where_params]


def _url(kind: str, pk: int, slug: str | None, parent_slug: str | None) -> str:
    # The models' own get_absolute_url, on unsaved instances holding just what the URL needs.
    if kind == "posting":
        return Posting(pk=pk).get_absolute_url()
    if kind == "module":
        return Module(slug=slug, track=Track(slug=parent_slug)).get_absolute_url()
    return KINDS[kind][0](slug=slug).get_absolute_url()


def _search_postgresql(query: str) -> list[Hit]:
    # One query for every kind: a round trip each cost more than the searches themselves.
    parts = [_best_of_kind(kind, query) for kind in KINDS]
    sql = " UNION ALL ".join(part for part, _ in parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _, params in parts for param in params])
        rows = cursor.fetchall()
    return [
        Hit(
            kind=kind,
            title=_title(kind, title, parent),
            url=_url(kind, pk, slug, parent_slug),
            snippet=_snippet(text),
            rank=rank * KIND_WEIGHT[kind],
            demo=demo,
        )
        for kind, pk, title, parent, slug, parent_slug, text, rank, demo in rows
    ]


def _search_simple(kind: str, query: str) -> list[Hit]:
    _, title_field, text_fields = KINDS[kind]
    words = [word.lower() for word in query.split()[:MAX_WORDS]]
    queryset = _published(kind)
    for word in words:
        condition = Q(**{f"{title_field}__icontains": word})
        for field in text_fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    ordering = ["-posted_on", "-id"] if kind == "posting" else ["pk"]
    candidates = list(queryset.order_by(*ordering)[: POSTING_CANDIDATES if kind == "posting" else 200])
    hits = []
    for obj in candidates:
        title = getattr(obj, title_field).lower()
        text = " ".join(getattr(obj, field) or "" for field in text_fields).lower()
        score = sum(1.0 if word in title else 0.0 for word in words) + 0.2 * sum(text.count(w) > 0 for w in words)
        hits.append(_hit(kind, obj, score / max(len(words), 1)))
    return sorted(hits, key=lambda hit: -hit.rank)[:PER_KIND]


def site_search(query: str) -> list[Hit]:
    """Published segments, tracks, modules, skills and postings matching ``query``, best first."""
    if not query.strip():
        return []
    if connection.vendor == "postgresql":
        hits = _search_postgresql(query)
    else:
        hits = [hit for kind in KINDS for hit in _search_simple(kind, query)]
    order = list(KINDS)
    return sorted(hits, key=lambda hit: (-hit.rank, order.index(hit.kind), hit.title))


__all__ = ["Hit", "clean_query", "site_search"]
