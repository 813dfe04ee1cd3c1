"""Finding candidate terms in posting text: what looks like a skill but matches nothing in the taxonomy.

Three kinds of candidate, each a cheap rule over the words the matcher did not claim:

- **product-like names**: a capital inside a word ("PyTorch", "LangChain"), letters and digits together
  ("S3", "EC2", "GPT4"), a product suffix ("Node.js", "Dagster.io"), or an acronym in capitals ("RLHF");
- **technical phrases**: a word before a technical head noun ("feature store", "vector database",
  "model registry");
- **near-misses**: a word one edit (insert, delete, replace, swap) from a known spelling of five
  letters or more ("Kubernets", "Terrafrom"); plurals are not near-misses.

Counting postings, not mentions, and only queuing terms several postings use (``CAREERHUB_NEW_TERM_MIN_POSTINGS``)
keeps out most of what one posting happens to say.
"""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..extraction import Matcher, taxonomy_terms
from ..extraction.text import fold

TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[.\-][A-Za-z0-9+#]+)*")
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.MULTILINE)
INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
LETTER_DIGIT = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")
PRODUCT_SUFFIXES = (".js", ".ai", ".io", ".py", ".rs")
EXAMPLE_CHARS = 240


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitals that are not tools: places, roles, legal and HR words postings use.
ACRONYMS_NOT_TOOLS = _words(
    "A AN AND ARE AS AT BE BY FOR FROM IN IS IT OF ON OR THE TO US WE YOU OUR "
    "USA UK EU EMEA APAC LATAM NYC SF LA UTC EST PST CET GMT "
    "CEO CTO CFO COO CIO CISO VP SVP EVP HR PTO EEO EOE ADA OFCCP FTE TBD FAQ NA N/A "
    "BS BA MS MSC PHD MBA BSC OK ETC IE EG AM PM Q1 Q2 Q3 Q4 H1 H2 KPI KPIS OKR OKRS ROI "
    "LLC INC LTD GMBH PLC NOTE"
)
# Head nouns a technical phrase ends with, and the words before them that say nothing technical.
TECH_HEADS = _words(
    "database databases store stores registry registries framework frameworks platform platforms "
    "pipeline pipelines orchestration orchestrator engine engines warehouse lakehouse lake mesh "
    "queue queues cache caches cluster clusters runtime runtimes sdk api apis compiler protocol "
    "serving monitoring observability tracing scheduler schedulers"
)
GENERIC_WORDS = _words(
    "a an the our your their this that these those its new large small big internal existing modern "
    "scalable robust complex reliable efficient secure high low best great strong good other various "
    "multiple several many more most all any each every key core main same own such and or of for with "
    "to in on at by from as into across within without using use used build building built "
    "design designing maintain maintaining manage managing data model models ml ai team teams company "
    "production"
)
MIN_NEAR_MISS = 5  # spellings shorter than this have too many one-edit neighbours that are ordinary words


@dataclass
class Candidate:
    """A term found in one batch of postings: how it is written, why it was flagged, where."""

    key: str
    text: str
    reason: str
    near_skill_id: int | None = None
    posting_ids: set[int] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)


def deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance 1, or two neighbouring letters swapped (a != b)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def inflection(a: str, b: str) -> bool:
    """Plural and singular of one word are not a misspelling."""
    return a in (b + "s", b + "es") or b in (a + "s", a + "es")


class NearMisses:
    """The taxonomy's one-word spellings, indexed by their one-letter deletions (symmetric delete lookup)."""

    def __init__(self, spellings: Iterable[tuple[str, int]]):
        self.index: dict[str, set[tuple[str, int]]] = {}
        for key, skill_id in spellings:
            if len(key) < MIN_NEAR_MISS or " " in key:
                continue
            for variant in {key, *deletes(key)}:
                self.index.setdefault(variant, set()).add((key, skill_id))

    def lookup(self, word: str) -> int | None:
        """The skill of a known spelling one edit from ``word`` (folded), if exactly one skill is that close."""
        if len(word) < MIN_NEAR_MISS:
            return None
        found = set()
        for variant in {word, *deletes(word)}:
            for key, skill_id in self.index.get(variant, ()):
                if one_edit_apart(word, key) and not inflection(word, key):
                    found.add(skill_id)
        return found.pop() if len(found) == 1 else None


_lock = threading.Lock()
_near: tuple[str, NearMisses] | None = None


def near_misses(matcher: Matcher) -> NearMisses:
    """The index for the matcher's taxonomy version, built once per version and process."""
    global _near
    with _lock:
        if _near is None or _near[0] != matcher.version:
            spellings = [(fold(term.text), term.skill_id) for term in taxonomy_terms()]
            _near = (matcher.version, NearMisses(spellings))
        return _near[1]


def product_like(token: str) -> bool:
    if token.lower().endswith(PRODUCT_SUFFIXES) and len(token) > 4:
        return True
    if INNER_CAPITAL.search(token) or LETTER_DIGIT.search(token):
        return len(token) >= 2 and not token[0].isdigit()
    letters = token.replace("-", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper() and token not in ACRONYMS_NOT_TOOLS


def _near_miss_worthy(token: str, first_in_sentence: bool) -> bool:
    """Lower-case words one edit from a tool are often ordinary words ("scale" and Scala): ask for more."""
    return len(token) >= 7 or (not first_in_sentence and token[:1].isupper())


class Finder:
    """Finds candidates in posting texts against one matcher (one taxonomy version)."""

    def __init__(self, matcher: Matcher, near: NearMisses):
        self.matcher, self.near = matcher, near
        self.found: dict[str, Candidate] = {}

    def read(self, posting_id: int, text: str) -> None:
        known = [(match.start, match.end) for match in self.matcher.find_all(text)]
        for sentence in SENTENCE.finditer(text):
            tokens = [t for t in TOKEN.finditer(sentence.group()) if not _claimed(known, sentence.start() + t.start())]
            for position, token in enumerate(tokens):
                self._token(posting_id, sentence.group(), token.group(), first=token.start() == _first(sentence))
                if position and token.group().lower() in TECH_HEADS:
                    self._phrase(posting_id, sentence.group(), tokens[position - 1].group(), token.group())

    def _token(self, posting_id: int, sentence: str, token: str, *, first: bool) -> None:
        key = fold(token)
        if not key or self.matcher.lookup(token) is not None:
            return
        skill_id = self.near.lookup(key) if _near_miss_worthy(token, first) else None
        if skill_id is not None:
            self._add(key, token, "near_miss", posting_id, sentence, skill_id)
        elif product_like(token):
            self._add(key, token, "product", posting_id, sentence)

    def _phrase(self, posting_id: int, sentence: str, before: str, head: str) -> None:
        if not before.isalpha() or not before.islower() or before in GENERIC_WORDS or len(before) < 3:
            return
        text = f"{before} {head.lower()}"
        if self.matcher.lookup(text) is None:
            self._add(fold(text), text, "phrase", posting_id, sentence)

    def _add(self, key, text, reason, posting_id, sentence, skill_id=None) -> None:
        key = key[:100]
        candidate = self.found.get(key)
        if candidate is None:
            candidate = self.found[key] = Candidate(key, text[:100], reason, skill_id)
        if posting_id not in candidate.posting_ids:
            candidate.posting_ids.add(posting_id)
            if len(candidate.examples) < 3:
                example = " ".join(sentence.split())[:EXAMPLE_CHARS]
                if example not in candidate.examples:
                    candidate.examples.append(example)


def _claimed(known: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in known)


def _first(sentence: re.Match) -> int:
    text = sentence.group()
    return len(text) - len(text.lstrip())
