"""The skill matcher: every alias of every skill in one Aho-Corasick automaton.

Matches are whole words, case-folded and leftmost-longest ("machine learning engineering" is one
match of "machine learning", not also "learning"), resolved to canonical skills. An alias marked
case-sensitive must match its exact spelling ("Go" is not "go"); an alias marked ambiguous counts
only with supporting context: another unambiguous skill close by, or a cue word ("language",
"framework", ...) around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from .text import Folded, fold
from .wordlists import CONTEXT_CUES, NOT_KNOWLEDGE, ROLE_NOUNS

# How far (in characters, either side) the matcher looks for context around an ambiguous alias.
CONTEXT_WINDOW = 60
# "Java 11", "Python 3.10", "Angular 2+", "ES6": a version number after a name is part of the mention.
_VERSION = re.compile(r"(?: v?\d+(?:\.(?:\d+|x))*\+?)+(?= )")


class Match(NamedTuple):
    """One mention of a skill in a text: its span in the original text and the words found there."""

    skill_id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Term:
    """One spelling the matcher looks for: a skill's name or one of its aliases."""

    skill_id: int
    text: str
    case_sensitive: bool = False
    ambiguous: bool = False
    # Where the spelling came from (curated, onet, esco, terms): the lexicon judges unseen terms by it.
    source: str = ""


# Sources whose terms the lexicon judges separately; everything else is an editor's (curated).
IMPORTED_SOURCES = ("onet", "esco", "terms")


def source_group(source: str) -> str:
    return source if source in IMPORTED_SOURCES else "curated"


def mention_shape(text: str) -> str:
    """How a mention is written: with a digit or symbol, lower case, upper case, capitalised or mixed."""
    if any(char.isdigit() or char in "+#./&" for char in text):
        return "sym"
    if text.islower():
        return "lower"
    if text.isupper():
        return "upper"
    if text[:1].isupper() and text[1:].islower():
        return "cap"
    return "mixed"


def term_class(source: str, key: str, text: str) -> str:
    """The class a mention of a term falls in, for terms the lexicon has not seen: source, words, shape."""
    return f"{source_group(source)}|{min(key.count(' ') + 1, 3)}|{mention_shape(text)}"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word lists learned from labelled postings (``evaluate_extraction --learn``), applied to every match.

    - ``stop``: folded terms that are rarely a technology where postings use them ("communication",
      "users"): left out of the automaton.
    - ``heads``: words that belong to the mention they follow ("AWS services", "Spring framework").
    - ``roles``: words that make the mention before them a job title ("DevOps engineer", "Java
      developers"), which names a role, not a requirement: such mentions are not counted.
    """

    stop: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()
    roles: frozenset[str] = ROLE_NOUNS
    # Terms seen in the labelled postings (judged one by one), and the classes (``term_class``) of
    # terms not seen there whose mentions were mostly not technologies: those mentions are dropped.
    seen: frozenset[str] = frozenset()
    unseen_drop: frozenset[str] = frozenset()
    # Longer spellings that postings mostly mean as one mention ("agile software development",
    # "public cloud"): matched as a whole and linked to the skill of the longest term inside them.
    phrases: frozenset[str] = frozenset()
    # Words that belong to the mention they precede ("public cloud", "relational databases").
    modifiers: frozenset[str] = frozenset()

    def fingerprint(self) -> str:
        import hashlib

        digest = hashlib.sha1(usedforsecurity=False)
        for words in (self.stop, self.heads, self.roles, self.seen, self.unseen_drop, self.phrases, self.modifiers):
            digest.update("\n".join(sorted(words)).encode() + b"\0")
        return digest.hexdigest()[:8]


EMPTY_LEXICON = Lexicon(roles=frozenset())


def _inner_skill(phrase: str, keys: dict[str, int]) -> int | None:
    """The skill of the longest spelling inside a phrase (the rightmost of equally long ones), if any."""
    words = phrase.split(" ")
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size, -1, -1):
            skill_id = keys.get(" ".join(words[start : start + size]))
            if skill_id is not None:
                return skill_id
    return None


class Matcher:
    """An automaton over a taxonomy's terms. Build once per taxonomy version; ``find`` is thread-safe."""

    def __init__(self, terms: Iterable[Term], *, version: str = "", lexicon: Lexicon = EMPTY_LEXICON):
        self.version = version
        self.lexicon = lexicon
        terms = list(terms)
        self._terms = terms
        # Spellings two skills share once folded ("CI/CD" and "CI CD"): the first skill keeps them.
        self.conflicts: list[tuple[str, int, int]] = []
        self._automaton = ahocorasick.Automaton()
        # payload: (skill id, exact text or None when case-insensitive, ambiguous, length of the key)
        self._payloads: list[tuple[int, str | None, bool, int]] = []
        # per payload: its source, and whether the lexicon judges its mentions by class (unseen terms)
        self._sources: list[str] = []
        self._judged: list[bool] = []
        seen: dict[str, int] = {}
        # Every spelling's skill, stop-listed ones too: what a learned phrase is linked through.
        every: dict[str, int] = {}
        stop = lexicon.stop
        for term in terms:
            key = fold(term.text)
            if key:
                every.setdefault(key, term.skill_id)
            if not key or key in stop:
                continue
            if key in seen:
                # The same skill spelled twice (its name and an alias): keep the stricter reading.
                index = seen[key]
                skill_id, exact, ambiguous, length = self._payloads[index]
                if skill_id != term.skill_id:
                    self.conflicts.append((term.text, skill_id, term.skill_id))
                    continue
                self._payloads[index] = (
                    skill_id,
                    exact if exact is not None else (term.text if term.case_sensitive else None),
                    ambiguous or term.ambiguous,
                    length,
                )
                continue
            seen[key] = len(self._payloads)
            # Terms that are rarely a tool on their own ("design", "testing") need context too.
            ambiguous = term.ambiguous or key in NOT_KNOWLEDGE
            self._payloads.append((term.skill_id, term.text if term.case_sensitive else None, ambiguous, len(key)))
            self._sources.append(term.source)
            # Editors' own terms are trusted; only imported terms the lexicon has not seen are judged by class.
            self._judged.append(
                bool(lexicon.unseen_drop) and key not in lexicon.seen and source_group(term.source) != "curated"
            )
            self._automaton.add_word(f" {key} ", len(self._payloads) - 1)
        for key in sorted(lexicon.phrases - seen.keys()):
            skill_id = _inner_skill(key, every)
            if skill_id is None:
                continue
            seen[key] = len(self._payloads)
            self._payloads.append((skill_id, None, False, len(key)))
            self._sources.append("learned")
            self._judged.append(False)
            self._automaton.add_word(f" {key} ", len(self._payloads) - 1)
        self.size = len(self._payloads)
        self._lengths = [payload[3] for payload in self._payloads]
        self._keys = seen
        self._keys_by_index: list[str] | None = None  # built on the first find_keys (learning only)
        if self.size:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self.size

    def without_lexicon(self) -> Matcher:
        """The same terms with no learned word lists (what the lexicon is learned on)."""
        return self.with_lexicon(EMPTY_LEXICON)

    def with_lexicon(self, lexicon: Lexicon) -> Matcher:
        """The same terms with other word lists."""
        return Matcher(self._terms, version=self.version, lexicon=lexicon)

    def lookup(self, term: str) -> int | None:
        """The skill a spelling is matched to, if any (compared folded)."""
        index = self._keys.get(fold(term))
        return None if index is None else self._payloads[index][0]

    def find_all(self, text: str) -> list[Match]:
        """Every mention, leftmost-longest, in text order (a skill may appear several times)."""
        if not self.size or not text:
            return []
        folded, chosen = self._scan(text)
        return [self._match(text, folded, start, end, index) for start, end, index in chosen]

    def find_keys(self, text: str) -> list[tuple[Match, str, str]]:
        """Every mention with the folded term that matched it and its ``term_class`` (what lexicons learn from)."""
        if not self.size or not text:
            return []
        if self._keys_by_index is None:
            self._keys_by_index = self._index_keys()
        keys = self._keys_by_index
        folded, chosen = self._scan(text)
        return [
            (self._match(text, folded, start, end, index), keys[index], self._class(text, folded, start, end, index))
            for start, end, index in chosen
        ]

    def _index_keys(self) -> list[str]:
        keys = [""] * len(self._payloads)
        for key, index in self._keys.items():
            keys[index] = key
        return keys

    def _scan(self, text: str) -> tuple[Folded, list]:
        """The chosen matches as (start, end, payload index) in the folded text's padded coordinates."""
        folded = Folded(text)
        padded = folded.padded
        payloads = self._payloads
        lengths = self._lengths
        # Candidates as (start, -end, payload) in padded coordinates of the word itself: iter() reports
        # by end position, and leftmost-longest wants start ascending, longest first (a plain tuple sort).
        candidates = [(end - lengths[index], -end, index) for end, index in self._automaton.iter(padded)]
        if not candidates:
            return folded, []
        candidates.sort()
        chosen = []
        last_end = -1
        needs_context = False
        for start, negative_end, index in candidates:
            if start < last_end:
                continue
            end = -negative_end
            _skill_id, exact, ambiguous, _length = payloads[index]
            if exact is not None and text[folded.original(start - 1) : folded.original(end - 2) + 1] != exact:
                continue
            chosen.append((start, end, index))
            needs_context = needs_context or ambiguous
            last_end = end + 1  # the next word starts after the separating space
        if needs_context:
            chosen = self._with_context(padded, chosen)
        if self.lexicon.roles:
            chosen = [c for c in chosen if self._next_word(padded, c[1]) not in self.lexicon.roles]
        if self.lexicon.unseen_drop:
            chosen = [c for c in chosen if not self._judged[c[2]] or self._unseen_kept(text, folded, *c)]
        if self.lexicon.modifiers:
            chosen = self._with_modifiers(padded, chosen)
        return folded, chosen

    def _with_modifiers(self, padded: str, chosen: list) -> list:
        """Each mention extended over a modifier word just before it, unless that word ends another mention."""
        modifiers = self.lexicon.modifiers
        extended = []
        previous_end = 0
        for start, end, index in chosen:
            before = padded.rfind(" ", 0, start - 1) + 1
            if before >= previous_end and padded[before : start - 1] in modifiers:
                start = before
            extended.append((start, end, index))
            previous_end = end + 1
        return extended

    def _unseen_kept(self, text: str, folded: Folded, start: int, end: int, index: int) -> bool:
        """A term the lexicon has not seen counts unless mentions of its class were mostly not technologies."""
        return self._class(text, folded, start, end, index) not in self.lexicon.unseen_drop

    def _class(self, text: str, folded: Folded, start: int, end: int, index: int) -> str:
        mention = text[folded.original(start - 1) : folded.original(end - 2) + 1]
        return term_class(self._sources[index], folded.padded[start:end], mention)

    @staticmethod
    def _next_word(padded: str, end: int) -> str:
        """The folded word after a match ending at ``end`` (the space after it), or ''."""
        stop = padded.find(" ", end + 1)
        return padded[end + 1 : stop] if stop > 0 else ""

    def find(self, text: str) -> list[Match]:
        """The first mention of each skill, in text order: what a posting's skill links record."""
        seen: set[int] = set()
        first = []
        for match in self.find_all(text):
            if match.skill_id not in seen:
                seen.add(match.skill_id)
                first.append(match)
        return first

    def skill_ids(self, text: str) -> set[int]:
        """The skills a text mentions."""
        return {match.skill_id for match in self.find_all(text)}

    def _with_context(self, padded: str, chosen: list) -> list:
        payloads = self._payloads
        anchors = [(start, end) for start, end, index in chosen if not payloads[index][2]]
        kept = []
        for start, end, index in chosen:
            if payloads[index][2]:
                low, high = start - CONTEXT_WINDOW, end + CONTEXT_WINDOW
                near = any(low <= a_end and a_start <= high for a_start, a_end in anchors)
                if not near:
                    window = padded[max(0, low) : high]
                    near = any(cue in window for cue in CONTEXT_CUES)
                if not near:
                    continue
            kept.append((start, end, index))
        return kept

    def _match(self, text: str, folded: Folded, start: int, end: int, index: int) -> Match:
        padded = folded.padded
        version = _VERSION.match(padded, end)
        if version:
            end = version.end()
        heads = self.lexicon.heads
        first, last = folded.original(start - 1), folded.original(end - 2) + 1
        if heads:
            # The next word as written ("services", or a token such as ")" that folding drops), else folded.
            word = self._next_raw_word(text, last)
            if word.lower() in heads:
                last += len(word) + 1
            else:
                word = self._next_word(padded, end)
                if word in heads:
                    last = folded.original(end + len(word) - 1) + 1
        return Match(self._payloads[index][0], first, last, text[first:last])

    @staticmethod
    def _next_raw_word(text: str, last: int) -> str:
        """The word after ``last`` in the original text, as written, when one space separates them."""
        if text[last : last + 1] != " ":
            return ""
        stop = text.find(" ", last + 1)
        return text[last + 1 : stop if stop > 0 else len(text)]
