"""One search over segments, tracks, modules, skills and postings, ranked.

On PostgreSQL: full-text search (``websearch_to_tsquery``, English stemming, titles weighted
above text) over a stored search document per row with a GIN index (see the migrations of
segments, curriculum and postings); only the newest matching postings are ranked, so a common
word stays fast over 100,000 postings.
Elsewhere (SQLite): every word must appear in a title or text, and titles count more. Only
published content is ever searched: a draft module, or a module of a draft track, is never
found. One query per kind of content.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from careerhub.editorial import Status
from curriculum.models import Module, Track
from postings.models import Posting, Skill
from segments.models import Segment

MAX_QUERY = 200
MAX_WORDS = 10
PER_KIND = 10
POSTING_CANDIDATES = 50  # newest matching postings that are ranked
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


def _hit(kind: str, obj, rank: float) -> Hit:
    title_field, text_fields = KINDS[kind][1], KINDS[kind][2]
    text = next((getattr(obj, field) for field in text_fields if getattr(obj, field)), "")
    title = getattr(obj, title_field)
    if kind == "posting":
        title = f"{title}, {obj.employer.name}"
    elif kind == "module":
        title = f"{title} ({obj.track.title})"
    return Hit(
        kind=kind,
        title=title,
        url=obj.get_absolute_url(),
        snippet=text[:240] + ("…" if len(text) > 240 else ""),
        rank=rank * KIND_WEIGHT[kind],
        demo=kind == "posting" and obj.source == "demo",
    )


def _document_match(column: str, query: str) -> tuple[RawSQL, RawSQL]:
    """Whether ``column`` (a stored search document) matches ``query``, and its rank."""
    matches = RawSQL(f"{column} @@ websearch_to_tsquery(%s, %s)", [CONFIG, query], output_field=BooleanField())
    rank = RawSQL(f"ts_rank({column}, websearch_to_tsquery(%s, %s))", [CONFIG, query], output_field=FloatField())
    return matches, rank


def _search_postgresql(kind: str, query: str) -> list[Hit]:
    # Every kind has a stored, weighted search document with a GIN index (see the migrations of
    # segments, curriculum and postings): a search neither parses nor weighs any text again.
    model = KINDS[kind][0]
    queryset = _published(kind)
    if kind == "posting":
        # The newest matching postings are found through the GIN index and only they are ranked.
        # Unqualified column name: inside the subquery it names the subquery's own table.
        candidates, _ = _document_match("search_document", query)
        _, rank = _document_match(connection.ops.quote_name(model._meta.db_table) + ".search_document", query)
        newest = Posting.objects.published().filter(candidates).order_by("-posted_on", "-id").values("pk")
        queryset = queryset.filter(pk__in=Subquery(newest[:POSTING_CANDIDATES]))
    else:
        # Qualified column name: a module's query joins its track, which has a document too.
        matches, rank = _document_match(connection.ops.quote_name(model._meta.db_table) + ".search_document", query)
        queryset = queryset.filter(matches)
    ranked = queryset.annotate(rank=rank).order_by("-rank", "pk")[:PER_KIND]
    return [_hit(kind, obj, obj.rank) for obj in ranked]


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
    search = _search_postgresql if connection.vendor == "postgresql" else _search_simple
    hits = [hit for kind in KINDS for hit in search(kind, query)]
    order = list(KINDS)
    return sorted(hits, key=lambda hit: (-hit.rank, order.index(hit.kind), hit.title))


__all__ = ["Hit", "clean_query", "site_search"]
