"""How well a row matches what someone typed: the tiers every search ranks by, best first.

A name (a title, or one of a skill's aliases) equal to the query beats a name starting with it,
which beats a name with a word starting with it, which beats a name holding all its words, which
beats a match in the text (a description, a body), which beats a name only spelt like the query
(a typo). The same tiers order the site search and the admin's skill autocomplete, on every
database; only how a text match and a near spelling are found differs by database (see
``careerhub/search.py``).
"""

import difflib
import unicodedata
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Model, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

EXACT, PREFIX, WORD, NAME, TEXT, SIMILAR = range(6)
TIERS = {EXACT: "exact", PREFIX: "prefix", WORD: "word", NAME: "name", TEXT: "text", SIMILAR: "similar"}

SEARCH_CONFIG = "english"  # the text search configuration of every stored search document
MAX_QUERY = 200  # characters searched; the rest is dropped with a note
MAX_WORDS = 10  # words of a query that must each appear
MIN_SIMILAR = 4  # shorter queries are not matched by spelling: too many near misses ("k8" ~ "k9s")
# What may come before a word inside a name: "Azure Kubernetes Service", "scikit-learn", "CI/CD", "(AKS)".
WORD_STARTS = (" ", "-", "/", "(", ".", "_")


def clean_query(raw: str) -> tuple[str, str | None]:
    """The query as searched, and a note for the searcher when it had to be changed or cannot match.

    NUL bytes and runs of white space become one space; a query over ``MAX_QUERY`` characters is
    cut; a query without a letter or a digit (only punctuation) is searched as nothing.
    """
    query = " ".join("".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw).split())
    if not query:
        return "", None
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY].rstrip()
        return query, f"Only the first {MAX_QUERY} characters of your search were used."
    if not any(ch.isalnum() for ch in query):
        return query, "Search for a word: letters or digits, not only punctuation."
    return query, None


def searchable(query: str) -> bool:
    """Whether a cleaned query can match anything (it holds a letter or a digit)."""
    return any(ch.isalnum() for ch in query)


def words_of(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def name_conditions(field: str, query: str, *, model: type[Model] | None = None) -> dict[int, object]:
    """For a name-like ``field``: the condition that puts a row in each name tier (``EXACT`` .. ``NAME``).

    Django's ``iexact``/``istartswith``/``icontains`` escape ``%`` and ``_``: a query is never a pattern.
    Given the ``model``, on PostgreSQL a name holding the query's words by their stems ("kubernets"
    and "Kubernetes" are both "kubernet") is a ``NAME`` match too, as the text search would find it.
    """
    every_word = reduce(and_, (Q(**{f"{field}__icontains": word}) for word in words_of(query)))
    if model is not None and connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
        stems = RawSQL(
            f"to_tsvector(%s::regconfig, {column}) @@ websearch_to_tsquery(%s::regconfig, %s)",
            (SEARCH_CONFIG, SEARCH_CONFIG, query),
            output_field=BooleanField(),
        )
        every_word = every_word | stems
    return {
        EXACT: Q(**{f"{field}__iexact": query}),
        PREFIX: Q(**{f"{field}__istartswith": query}),
        WORD: reduce(or_, (Q(**{f"{field}__icontains": start + query}) for start in WORD_STARTS)),
        NAME: every_word,
    }


def name_similarity(field: str, query: str):
    """How alike a name and the query are (0..1), to order rows within a tier: pg_trgm's ``similarity``
    on PostgreSQL, else 0 (SQLite orders by the name's length instead, see ``closeness``)."""
    if connection.vendor == "postgresql":
        return TrigramSimilarity(Upper(field), query)
    return Value(0.0, output_field=FloatField())


def closeness(name: str, query: str) -> float:
    """How alike a name and the query are (0..1, difflib's ratio, ignoring case): the order within a tier."""
    return difflib.SequenceMatcher(None, name.casefold(), query.casefold()).ratio()


def text_match(model: type[Model], fields: list[str], query: str):
    """The condition that a row's text matches ``query``.

    On PostgreSQL: the row's stored, stemmed ``search_document`` (a generated column with a GIN
    index, see ``docs/adding-a-model.md``) matches ``websearch_to_tsquery``, which accepts any
    input. Elsewhere: every word appears, ignoring case, in one of ``fields``.
    """
    if connection.vendor == "postgresql":
        document = f"{connection.ops.quote_name(model._meta.db_table)}.search_document"
        sql = f"{document} @@ websearch_to_tsquery(%s, %s)"
        return RawSQL(sql, (SEARCH_CONFIG, query), output_field=BooleanField())
    return reduce(
        and_, (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words_of(query))
    )


def text_rank(model: type[Model], query: str):
    """How well a row's text matches, to order rows within a tier: ``ts_rank`` on PostgreSQL, else 0."""
    if connection.vendor == "postgresql":
        document = f"{connection.ops.quote_name(model._meta.db_table)}.search_document"
        sql = f"ts_rank({document}, websearch_to_tsquery(%s, %s))"
        return RawSQL(sql, (SEARCH_CONFIG, query), output_field=FloatField())
    return Value(0.0, output_field=FloatField())


def tier_case(conditions: dict[int, object], default: int | None = None) -> Case:
    """The best (lowest) tier whose condition a row meets (``default`` for none): the first rank key."""
    whens = [When(conditions[tier], then=Value(tier)) for tier in sorted(conditions)]
    return Case(*whens, default=Value(default), output_field=IntegerField())


def name_tier(name: str, query: str) -> int | None:
    """The tier of one name for ``query``, as ``name_conditions`` would find it (to tell which name matched)."""
    name, query = name.casefold(), query.casefold()
    if name == query:
        return EXACT
    if name.startswith(query):
        return PREFIX
    if any(start + query in name for start in WORD_STARTS):
        return WORD
    if all(word in name for word in words_of(query)):
        return NAME
    return None
