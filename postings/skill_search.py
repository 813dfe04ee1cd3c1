"""Finding skills by what people type: names and aliases first, then descriptions, then near spellings.

``skill_search`` is the one selector for it: the site search ranks its skills with it, and the
admin's skill search (the Module admin's autocomplete of skills) orders by it, so "Audit" offers
"Audit trails" before "Databricks Unity Catalog" (whose description mentions auditing). The tiers
are ``careerhub.core.ranking``'s: a name or an alias equal to the query, starting with it, with a
word starting with it, holding all its words; then the description; then a near spelling.

What differs by database:

- **PostgreSQL**: a description match is full-text (stemmed: "auditing" matches "audit"); a near
  spelling is pg_trgm's word similarity (``%>``, at least ``pg_trgm.word_similarity_threshold``,
  0.6 by default) of the query to the name or an alias, served by the GIN trigram indexes of
  migration 0014 (which also serve the ``LIKE`` of the name tiers).
- **SQLite** (the embedded mode): a description match is every word appearing in it, unstemmed;
  a near spelling is ``difflib.get_close_matches`` (ratio at least ``CLOSE_RATIO``) over the names,
  the aliases and their words, read in one query of at most ``MAX_SPELLINGS`` rows. It finds the
  same typos of whole words ("kubernets"); trigrams also find a misspelt part of a longer word.

Near spellings are only looked for in queries of at least ``MIN_SIMILAR`` characters.
"""

import difflib
import re
from functools import reduce
from operator import or_

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection
from django.db.models import Case, Exists, FloatField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Length, Upper

from careerhub.core.ranking import (
    MIN_SIMILAR,
    NAME,
    SIMILAR,
    TEXT,
    clean_query,
    name_conditions,
    name_similarity,
    searchable,
    text_match,
    text_rank,
    tier_case,
)

from .models import Skill, SkillAlias

CLOSE_RATIO = 0.8  # "kubernets" ~ "kubernetes" is 0.95; "kubeflow" ~ "kubernetes" 0.56
CLOSE_SPELLINGS = 10  # near spellings kept, the closest first
# Names and aliases read for near spellings on SQLite: the seed has ~1,000; an ESCO import ~30,000
# (difflib over 30,000 spellings takes ~60 ms on a 2-core machine).
MAX_SPELLINGS = 50_000
SPELLING_WORD = re.compile(r"\w{4,}")


def skill_search(query: str, *, skills: QuerySet[Skill] | None = None) -> QuerySet[Skill]:
    """The skills of ``skills`` (published ones unless given) matching ``query``, best first.

    Each skill carries ``match_tier`` (a ``careerhub.core.ranking`` tier), ``match_by_alias`` (whether
    its name holds the query's words: a name match comes first within a tier), ``match_score`` (how
    alike name and query are, higher first), ``text_score`` (the description's relevance) and
    ``matched_alias`` (its alias that matches the query best, or ``None``). A query without a letter
    or a digit matches nothing; ``%`` and ``_`` are plain text.
    """
    query, _ = clean_query(query)
    skills = Skill.objects.published() if skills is None else skills
    if not searchable(query):
        return skills.none()
    names = name_conditions("name", query, model=Skill)
    alias_names = name_conditions("text", query)
    aliases = SkillAlias.objects.filter(skill=OuterRef("pk"))
    conditions = {tier: names[tier] | Exists(aliases.filter(alias_names[tier])) for tier in names}
    conditions[TEXT] = text_match(Skill, ["name", "description"], query)
    similar, score = _near_spellings(query, skills, aliases)
    if similar is not None:
        conditions[SIMILAR] = similar
    matched = reduce(or_, (conditions[tier] for tier in (NAME, TEXT, SIMILAR) if tier in conditions))
    best_alias = (
        aliases.filter(alias_names[NAME])
        .annotate(alias_tier=tier_case(alias_names))
        .order_by("alias_tier", Length("text"), "text")
        .values("text")[:1]
    )
    return (
        skills.filter(matched)
        .annotate(
            match_tier=tier_case(conditions),
            # Within a tier, a skill found by its own name comes before one found by an alias.
            match_by_alias=Case(When(names[NAME], then=Value(False)), default=Value(True)),
            match_score=score,
            text_score=text_rank(Skill, query),
            matched_alias=Subquery(best_alias),
        )
        .order_by("match_tier", "match_by_alias", "-match_score", "-text_score", Length("name"), "name", "pk")
    )


def _near_spellings(query: str, skills: QuerySet[Skill], aliases: QuerySet[SkillAlias]) -> tuple:
    """The condition that a skill's name or an alias is spelt like ``query`` (``None``: not looked for),
    and how alike its name and the query are (0..1), the order within a tier."""
    if connection.vendor == "postgresql":
        if len(query) < MIN_SIMILAR:
            return None, name_similarity("name", query)
        # Upper(): the expression the trigram indexes are built on (pg_trgm ignores case anyway).
        condition = TrigramWordSimilar(Upper("name"), query) | Exists(
            aliases.filter(TrigramWordSimilar(Upper("text"), query))
        )
        return condition, name_similarity("name", query)
    close = close_spellings(query, skills) if len(query) >= MIN_SIMILAR else {}
    if not close:
        return None, Value(0.0, output_field=FloatField())
    whens = [When(pk=pk, then=Value(ratio)) for pk, ratio in close.items()]
    return Q(pk__in=list(close)), Case(*whens, default=Value(0.0), output_field=FloatField())


def close_spellings(query: str, skills: QuerySet[Skill]) -> dict[int, float]:
    """Skill ids whose name, an alias, or a word of either is spelt like ``query``, with the closeness (0..1).

    difflib's fallback for databases without trigrams: one query for the spellings.
    """
    spellings: dict[str, set[int]] = {}
    for pk, text in _spelling_rows(skills):
        text = text.casefold()
        for spelling in {text, *SPELLING_WORD.findall(text)}:
            spellings.setdefault(spelling, set()).add(pk)
    wanted = query.casefold()
    close: dict[int, float] = {}
    for spelling in difflib.get_close_matches(wanted, spellings, n=CLOSE_SPELLINGS, cutoff=CLOSE_RATIO):
        ratio = difflib.SequenceMatcher(None, wanted, spelling).ratio()
        for pk in spellings[spelling]:
            close[pk] = max(close.get(pk, 0.0), ratio)
    return close


def _spelling_rows(skills: QuerySet[Skill]) -> list[tuple[int, str]]:
    ids = skills.order_by().values("pk")
    names = Skill.objects.filter(pk__in=ids).order_by().values_list("pk", "name")
    alias_texts = SkillAlias.objects.filter(skill__in=ids).order_by().values_list("skill_id", "text")
    return list(names.union(alias_texts, all=True)[:MAX_SPELLINGS])


__all__ = ["close_spellings", "skill_search"]
