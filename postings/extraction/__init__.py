"""Skill extraction: find the taxonomy's skills in posting text.

``get_matcher()`` returns the matcher for the current taxonomy, built once per taxonomy version
and cached in the process; ``Matcher.find(text)`` returns one ``Match`` per skill (its first
mention) with the offsets editors see as evidence.
"""

import datetime
import json
import threading
from pathlib import Path

from django.db import connection
from django.utils.dateparse import parse_datetime

from careerhub.core.editorial import Status

from .matcher import Lexicon, Match, Matcher, Term

# Bump when the matcher's rules or word lists change: summaries and links record it.
EXTRACTOR_VERSION = "ac-3"
# Learned from SkillSpan's training split by `evaluate_extraction --learn` (never from the split it is scored on).
LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.json"

__all__ = [
    "EXTRACTOR_VERSION",
    "LEXICON_FILE",
    "Lexicon",
    "Match",
    "Matcher",
    "Term",
    "build_matcher",
    "get_matcher",
    "invalidate",
    "lexicon_load",
    "taxonomy_terms",
    "taxonomy_version",
]

_lock = threading.Lock()
_cached: Matcher | None = None


def taxonomy_version() -> str:
    """The taxonomy's version: it changes whenever a skill or alias is added, edited or removed."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {taxonomy_version_columns()}")
        return taxonomy_version_from(*cursor.fetchone())


def taxonomy_version_columns() -> str:
    """The SQL select list whose values ``taxonomy_version_from`` turns into the version.

    Its own query, or columns of another (every demand batch records the version): one row of
    ``TaxonomyRevision``, which database triggers move on every write to skills and aliases.
    """
    from ..models import TaxonomyRevision

    quote = connection.ops.quote_name
    table = quote(TaxonomyRevision._meta.db_table)
    return f"(SELECT revision FROM {table} WHERE id = 1), (SELECT changed_at FROM {table} WHERE id = 1)"


def taxonomy_version_from(revision: int | None, changed_at) -> str:
    if revision is None:
        return "empty"
    # SQLite answers the time as text; either way it tells apart the revisions of a database emptied in between.
    if not isinstance(changed_at, datetime.datetime):
        changed_at = parse_datetime(changed_at)
    return f"r{revision}-{changed_at:%Y%m%d%H%M%S%f}"


def taxonomy_terms() -> list[Term]:
    """Every name and alias of every skill that is not archived, as matcher terms."""
    from ..models import Skill, SkillAlias

    live = Skill.objects.exclude(status=Status.ARCHIVED)
    terms = [
        Term(skill_id, name, case_sensitive=False, ambiguous=ambiguous, source=source)
        for skill_id, name, ambiguous, source in live.values_list("id", "name", "name_ambiguous", "source").order_by(
            "id"
        )
    ]
    aliases = SkillAlias.objects.filter(skill__in=live).order_by("id")
    terms += [
        Term(skill_id, text, case_sensitive=case_sensitive, ambiguous=ambiguous, source=source)
        for skill_id, text, case_sensitive, ambiguous, source in aliases.values_list(
            "skill_id", "text", "case_sensitive", "ambiguous", "source"
        )
    ]
    return terms


def lexicon_load(path: Path = LEXICON_FILE) -> Lexicon:
    """The learned word lists (stop-list, heads, modifiers, phrases, ...) the matcher applies; none when absent."""
    if not path.is_file():
        return Lexicon()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Lexicon(
        stop=frozenset(data.get("stop", ())),
        heads=frozenset(data.get("heads", ())),
        seen=frozenset(data.get("seen", ())),
        unseen_drop=frozenset(data.get("unseen_drop", ())),
        phrases=frozenset(data.get("phrases", ())),
        modifiers=frozenset(data.get("modifiers", ())),
    )


_lexicon: Lexicon | None = None


def build_matcher(version: str | None = None, *, lexicon: Lexicon | None = None) -> Matcher:
    """A fresh matcher over the taxonomy as it is in the database now, with the learned lexicon."""
    global _lexicon
    if lexicon is None:
        if _lexicon is None:
            _lexicon = lexicon_load()
        lexicon = _lexicon
    return Matcher(
        taxonomy_terms(), version=version if version is not None else taxonomy_version(), lexicon=lexicon
    )


def get_matcher(version: str | None = None) -> Matcher:
    """The matcher for the current taxonomy version (two small queries to check it; rebuilt when it changed).

    ``version``: the ``taxonomy_version()`` a caller read already in this request (no second check)."""
    global _cached
    version = version or taxonomy_version()
    matcher = _cached
    if matcher is not None and matcher.version == version:
        return matcher
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_matcher(version)
        return _cached


def invalidate() -> None:
    """Forget the cached matcher and lexicon (tests, and after a taxonomy import in this process)."""
    global _cached, _lexicon
    _cached = None
    _lexicon = None
