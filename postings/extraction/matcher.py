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
from functools import partial
from typing import NamedTuple

import ahocorasick

from .text import Folded, fold
from .wordlists import CONTEXT_CUES, NOT_KNOWLEDGE, ROLE_NOUNS

# How far (in characters, either side) the matcher looks for context around an ambiguous alias.
CONTEXT_WINDOW = 60
# Any of the cue words, in one search.
_CUES = re.compile("|".join(re.escape(cue) for cue in CONTEXT_CUES))
# "Java 11", "Python 3.10", "Angular 2+", "ES6": a version number after a name is part of the mention.
_VERSION = re.compile(r"(?: v?\d+(?:\.(?:\d+|x))*\+?)+(?= )")
# What the character after a mention's space must be for a version to follow: most mentions have
# none, and a string test costs far less than a regex call.
_VERSION_FIRST = frozenset("0123456789v")


class Match(NamedTuple):
    """One mention of a skill in a text: its span in the original text and the words found there."""

    skill_id: int
    start: int
    end: int
    text: str


# Match((a, b, c, d)) without the generated __new__'s Python frame: one C call per mention.
_new_match = partial(tuple.__new__, Match)


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


# A digit or symbol in an ASCII mention (str.isdigit() is also true of "²" and other digits, hence
# the generator for other text); a search is one C call where the generator steps per character.
_ASCII_SYMBOL = re.compile(r"[0-9+#./&]")


def mention_shape(text: str) -> str:
    """How a mention is written: with a digit or symbol, lower case, upper case, capitalised or mixed."""
    if _ASCII_SYMBOL.search(text) if text.isascii() else any(char.isdigit() or char in "+#./&" for char in text):
        return "sym"
    if text.islower():
        return "lower"
    if text.isupper():
        return "upper"
    if text[:1].isupper() and text[1:].islower():
        return "cap"
    return "mixed"


# Every value mention_shape() returns.
SHAPES = ("sym", "lower", "upper", "cap", "mixed")


def term_class(source: str, key: str, text: str) -> str:
    """The class a mention of a term falls in, for terms the lexicon has not seen: source, words, shape."""
    return class_prefix(source, key) + mention_shape(text)


def class_prefix(source: str, key: str) -> str:
    """The part of ``term_class`` that is the term's own (source and words), not the mention's."""
    return f"{source_group(source)}|{min(key.count(' ') + 1, 3)}|"


def dropped_shapes(prefix: str, unseen_drop: frozenset[str]) -> frozenset[str]:
    """The shapes (``mention_shape``) in which mentions of an unseen term of ``prefix`` fall in a dropped class.

    Only the shape depends on the mention, so the matcher settles the rest once, when it is built,
    and most terms need no check per mention at all.
    """
    return frozenset(shape for shape in SHAPES if prefix + shape in unseen_drop)


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
        self._terms = list(terms)
        # Spellings two skills share once folded ("CI/CD" and "CI CD"): the first skill keeps them.
        self.conflicts: list[tuple[str, int, int]] = []
        self._automaton = ahocorasick.Automaton()
        # payload: (skill id, exact text or None when case-insensitive, ambiguous, length of the key)
        self._payloads: list[tuple[int, str | None, bool, int]] = []
        # per payload: its source, and whether the lexicon judges its mentions by class (unseen terms)
        self._sources: list[str] = []
        # per payload: the shapes of mention that drop it, for unseen terms the lexicon judges by class
        self._dropped: list[frozenset[str]] = []
        # every folded spelling in the automaton (terms and learned phrases): its payload's index
        self._keys: dict[str, int] = {}
        every = self._add_terms(self._terms)
        self._add_phrases(every)
        self.size = len(self._payloads)
        self._flatten_payloads()
        self._keys_by_index: list[str] | None = None  # built on the first find_keys (learning only)
        if self.size:
            self._automaton.make_automaton()
            self._compact()

    def _add_terms(self, terms: list[Term]) -> dict[str, int]:
        """Put every term the stop-list keeps in the automaton; return every spelling's skill, stop-listed ones too.

        That return value is what a learned phrase is linked through (``_add_phrases``).
        """
        every: dict[str, int] = {}
        shapes_by_prefix: dict[str, frozenset[str]] = {}
        stop = self.lexicon.stop
        for term in terms:
            key = fold(term.text)
            if key:
                every.setdefault(key, term.skill_id)
            if not key or key in stop:
                continue
            if key in self._keys:
                self._add_second_spelling(term, self._keys[key])
            else:
                self._add_spelling(term, key, shapes_by_prefix)
        return every

    def _add_second_spelling(self, term: Term, index: int) -> None:
        """A spelling already in the automaton: the same skill spelled twice keeps the stricter reading.

        (Its name and an alias, say.) Spelled the same as another skill's term, it is a conflict: the
        first skill keeps the spelling.
        """
        skill_id, exact, ambiguous, length = self._payloads[index]
        if skill_id != term.skill_id:
            self.conflicts.append((term.text, skill_id, term.skill_id))
            return
        self._payloads[index] = (
            skill_id,
            exact if exact is not None else (term.text if term.case_sensitive else None),
            ambiguous or term.ambiguous,
            length,
        )

    def _add_spelling(self, term: Term, key: str, shapes_by_prefix: dict[str, frozenset[str]]) -> None:
        self._keys[key] = len(self._payloads)
        # Terms that are rarely a tool on their own ("design", "testing") need context too.
        ambiguous = term.ambiguous or key in NOT_KNOWLEDGE
        self._payloads.append((term.skill_id, term.text if term.case_sensitive else None, ambiguous, len(key)))
        self._sources.append(term.source)
        self._dropped.append(self._drop_shapes_of(term, key, shapes_by_prefix))
        self._automaton.add_word(f" {key} ", len(self._payloads) - 1)

    def _drop_shapes_of(self, term: Term, key: str, shapes_by_prefix: dict[str, frozenset[str]]) -> frozenset[str]:
        """The shapes of mention that drop a term: none, unless the lexicon judges the term by its class.

        Editors' own terms are trusted; only imported terms the lexicon has not seen are judged by class.
        Terms of one class share one set (``shapes_by_prefix``, filled as the terms are added).
        """
        lexicon = self.lexicon
        if not lexicon.unseen_drop or key in lexicon.seen or source_group(term.source) == "curated":
            return frozenset()
        prefix = class_prefix(term.source, key)
        if prefix not in shapes_by_prefix:
            shapes_by_prefix[prefix] = dropped_shapes(prefix, lexicon.unseen_drop)
        return shapes_by_prefix[prefix]

    def _add_phrases(self, every: dict[str, int]) -> None:
        """Put the lexicon's learned phrases that are not spellings already in the automaton.

        Each is linked to the skill of the longest spelling inside it (``every``: stop-listed ones
        too); a phrase with no spelling inside is left out.
        """
        for key in sorted(self.lexicon.phrases - self._keys.keys()):
            skill_id = _inner_skill(key, every)
            if skill_id is None:
                continue
            self._keys[key] = len(self._payloads)
            self._payloads.append((skill_id, None, False, len(key)))
            self._sources.append("learned")
            self._dropped.append(frozenset())
            self._automaton.add_word(f" {key} ", len(self._payloads) - 1)

    def _flatten_payloads(self) -> None:
        # The payloads' fields as flat lists indexed by the automaton's value: the scan reads one
        # field per candidate, and a list index is cheaper than unpacking the payload tuple.
        self._skill_ids = [payload[0] for payload in self._payloads]
        self._exacts = [payload[1] for payload in self._payloads]
        self._ambiguous = [payload[2] for payload in self._payloads]
        self._lengths = [payload[3] for payload in self._payloads]

    def _compact(self) -> None:
        """Replace the automaton with the same one rebuilt from its pickled form, laid out for scanning.

        Built word by word, a trie node and its array of children sit wherever they were allocated
        (the array is reallocated as children are added). Unpickling allocates each node with its
        children's array right after it, depth first, so a step of the scan touches one cache line
        where it touched two: the scan of 2,000-character postings takes about a fifth less time.
        """
        rebuild, arguments = self._automaton.__reduce__()
        self._automaton = None  # freed before the copy is made: the two tries never coexist
        self._automaton = rebuild(*arguments)

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

    def find(self, text: str) -> list[Match]:
        """The first mention of each skill, in text order: what a posting's skill links record."""
        if not self.size or not text:
            return []
        folded, chosen = self._scan(text)
        skill_ids = self._skill_ids
        seen: set[int] = set()
        first = []
        # Later mentions of a skill are dropped before they are mapped back and built: find() is
        # what ingestion calls on every posting.
        for mention in chosen:
            skill_id = skill_ids[mention[2]]
            if skill_id not in seen:
                seen.add(skill_id)
                first.append(mention)
        return self._matches(text, folded, first)

    def find_all(self, text: str) -> list[Match]:
        """Every mention, leftmost-longest, in text order (a skill may appear several times)."""
        if not self.size or not text:
            return []
        folded, chosen = self._scan(text)
        return self._matches(text, folded, chosen)

    def skill_ids(self, text: str) -> set[int]:
        """The skills a text mentions."""
        return {match.skill_id for match in self.find_all(text)}

    def find_keys(self, text: str) -> list[tuple[Match, str, str]]:
        """Every mention with the folded term that matched it and its ``term_class`` (what lexicons learn from)."""
        if not self.size or not text:
            return []
        if self._keys_by_index is None:
            self._keys_by_index = self._index_keys()
        keys = self._keys_by_index
        folded, chosen = self._scan(text)
        return [
            (match, keys[index], self._class(text, folded, start, end, index))
            for match, (start, end, index) in zip(self._matches(text, folded, chosen), chosen, strict=True)
        ]

    def _index_keys(self) -> list[str]:
        keys = [""] * len(self._payloads)
        for key, index in self._keys.items():
            keys[index] = key
        return keys

    def _class(self, text: str, folded: Folded, start: int, end: int, index: int) -> str:
        mention = text[folded.original(start - 1) : folded.original(end - 2) + 1]
        return term_class(self._sources[index], folded.padded[start:end], mention)

    # The scan runs on every posting ingested: its loops hoist attribute lookups into locals and
    # inline small helpers, and each rule is one pass over the few mentions rather than a pass per rule.

    def _scan(self, text: str) -> tuple[Folded, list]:
        """The chosen mentions as (start, end, payload index) in the folded text's padded coordinates."""
        folded = Folded(text)
        lengths = self._lengths
        # Candidates as (start, -end, payload) in padded coordinates of the word itself: iter() reports
        # by end position, and leftmost-longest wants start ascending, longest first (a plain tuple sort).
        candidates = [(end - lengths[index], -end, index) for end, index in self._automaton.iter(folded.padded)]
        if not candidates:
            return folded, []
        candidates.sort()
        chosen, needs_context = self._leftmost_longest(text, folded, candidates)
        return folded, self._kept(text, folded, chosen, needs_context)

    def _leftmost_longest(self, text: str, folded: Folded, candidates: list) -> tuple[list, bool]:
        """The sorted candidates that overlap no earlier kept one and match their exact spelling, if any.

        Also says whether any kept one is ambiguous (and so needs its context checked).
        """
        exacts = self._exacts
        ambiguous = self._ambiguous
        original = folded.original
        chosen = []
        last_end = -1
        needs_context = False
        for start, negative_end, index in candidates:
            if start < last_end:
                continue
            end = -negative_end
            exact = exacts[index]
            if exact is not None and text[original(start - 1) : original(end - 2) + 1] != exact:
                continue
            chosen.append((start, end, index))
            needs_context = needs_context or ambiguous[index]
            last_end = end + 1  # the next word starts after the separating space
        return chosen, needs_context

    def _kept(self, text: str, folded: Folded, chosen: list, needs_context: bool) -> list:
        """The chosen mentions that count, each extended over a modifier word before it.

        In order: an ambiguous mention needs context (an unambiguous mention or a cue word near it);
        a mention followed by a role word names a job ("Java developers"); an unseen term's mention
        in a dropped class (``Lexicon.unseen_drop``) is not a technology; then a modifier just before a
        mention joins it ("public cloud"), unless that word ends the previous mention.
        """
        padded = folded.padded
        original = folded.original
        ambiguous = self._ambiguous
        dropped = self._dropped  # all empty without unseen_drop
        roles = self.lexicon.roles
        modifiers = self.lexicon.modifiers
        # Context is judged against every chosen mention, before the other rules drop any.
        anchors = [(start, end) for start, end, index in chosen if not ambiguous[index]] if needs_context else []
        kept = []
        previous_end = 0
        for start, end, index in chosen:
            if needs_context and ambiguous[index] and not _in_context(padded, start, end, anchors):
                continue
            if roles:
                stop = padded.find(" ", end + 1)  # the folded word after the mention
                if stop > 0 and padded[end + 1 : stop] in roles:
                    continue
            shapes = dropped[index]
            if shapes and mention_shape(text[original(start - 1) : original(end - 2) + 1]) in shapes:
                continue
            if modifiers:
                before = padded.rfind(" ", 0, start - 1) + 1
                if before >= previous_end and padded[before : start - 1] in modifiers:
                    start = before
                previous_end = end + 1
            kept.append((start, end, index))
        return kept

    def _matches(self, text: str, folded: Folded, chosen: list) -> list[Match]:
        """The Match of each chosen mention: a version number and a head word added, offsets mapped back."""
        padded = folded.padded
        original = folded.original
        heads = self.lexicon.heads
        skill_ids = self._skill_ids
        matches = []
        for start, end, index in chosen:
            if padded[end + 1 : end + 2] in _VERSION_FIRST:
                version = _VERSION.match(padded, end)
                if version:
                    end = version.end()
            first, last = original(start - 1), original(end - 2) + 1
            if heads:
                # The next word as written ("services", or a token such as ")" that folding drops), when
                # one space separates it, else the next folded word.
                word = ""
                if text[last : last + 1] == " ":
                    stop = text.find(" ", last + 1)
                    word = text[last + 1 : stop if stop > 0 else len(text)]
                if word.lower() in heads:
                    last += len(word) + 1
                else:
                    stop = padded.find(" ", end + 1)
                    word = padded[end + 1 : stop] if stop > 0 else ""
                    if word in heads:
                        last = original(end + len(word) - 1) + 1
            matches.append(_new_match((skill_ids[index], first, last, text[first:last])))
        return matches


def _in_context(padded: str, start: int, end: int, anchors: list[tuple[int, int]]) -> bool:
    """Whether an unambiguous mention or a cue word lies within CONTEXT_WINDOW of a mention."""
    low, high = start - CONTEXT_WINDOW, end + CONTEXT_WINDOW
    for a_start, a_end in anchors:
        if low <= a_end and a_start <= high:
            return True
    return _CUES.search(padded, max(0, low), max(0, high)) is not None
