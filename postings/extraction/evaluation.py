"""Measuring the extractor against labelled job-posting sentences (SkillSpan), and learning its lexicon from them.

SkillSpan (Zhang et al., NAACL 2022) gives job-posting sentences as tokens with BIO tags; its
**knowledge** spans are the tools and technologies our extractor finds. A sentence is joined with
single spaces, the extractor runs over it, and each match becomes the span of tokens it covers.

- strict: a predicted span counts when it equals a gold span exactly;
- loose: a predicted span counts when it overlaps a gold span (precision), a gold span is found when
  a predicted span overlaps it (recall).

``lexicon_learn`` derives the extractor's word lists from a **training** split only (the figures
that matter are measured on a split it never saw): terms that are rarely knowledge where they
occur (the stop-list), and longer terms whose mentions postings mostly mean as a shorter term inside
them; head nouns and modifiers that belong to the mention they follow or precede ("AWS services",
"public cloud"); phrases that hold a term and are mostly meant whole ("agile software development");
and the classes of terms it never saw whose mentions were mostly wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .matcher import Lexicon, Matcher, Term
from .text import fold

Span = tuple[int, int]  # token offsets, end exclusive


class SkillSpanError(ValueError):
    """A SkillSpan file that cannot be read; the message names the line."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One labelled sentence: its tokens and its gold knowledge spans."""

    tokens: tuple[str, ...]
    gold: tuple[Span, ...]
    source: str = ""
    posting: int = 0  # the posting the sentence comes from (``idx``): folds keep a posting's sentences together


def bio_spans(tags: Iterable[str]) -> list[Span]:
    """Spans from BIO tags; an ``I`` without a ``B`` before it starts a span (as the CoNLL scorer reads it)."""
    spans, start = [], None
    tags = list(tags)
    for index, tag in enumerate([*tags, "O"]):
        if tag == "B" or tag == "O" or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, index))
                start = None
            if tag in ("B", "I"):
                start = index
    return spans


def read_skillspan(path: Path | str, *, source: str | None = None) -> list[Sentence]:
    """The sentences of a SkillSpan JSON-lines file, optionally of one source (``tech`` or ``house``)."""
    path = Path(path)
    sentences = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise SkillSpanError(f"{path}: not UTF-8 ({error.reason}).") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            tokens, tags = item["tokens"], item["tags_knowledge"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise SkillSpanError(f"{path}, line {number}: not a SkillSpan record ({error}).") from error
        if not isinstance(tokens, list) or not isinstance(tags, list) or len(tokens) != len(tags):
            raise SkillSpanError(f"{path}, line {number}: tokens and tags_knowledge must be lists of equal length.")
        if not all(isinstance(token, str) for token in tokens) or not set(tags) <= {"B", "I", "O"}:
            raise SkillSpanError(f"{path}, line {number}: tokens must be text and tags B, I or O.")
        if source and item.get("source") != source:
            continue
        posting = item.get("idx", 0)
        sentences.append(
            Sentence(
                tuple(tokens),
                tuple(bio_spans(tags)),
                str(item.get("source", "")),
                posting if isinstance(posting, int) else 0,
            )
        )
    return sentences


def predicted_spans(matcher: Matcher, tokens: tuple[str, ...]) -> list[Span]:
    """The token spans the extractor's matches cover in the sentence (joined with single spaces)."""
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    spans: list[Span] = []
    for match in matcher.find_all(" ".join(tokens)):
        covered = [i for i, start in enumerate(starts) if start < match.end and start + len(tokens[i]) > match.start]
        if covered:
            span = (covered[0], covered[-1] + 1)
            if span not in spans:
                spans.append(span)
    return spans


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < other[1] and other[0] < span[1] for other in others)


def _prf(true_predicted: int, predicted: int, true_gold: int, gold: int) -> dict[str, float]:
    precision = true_predicted / predicted if predicted else 0.0
    recall = true_gold / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(matcher: Matcher, sentences: Iterable[Sentence]) -> dict:
    """Strict and loose precision, recall and F1 of the extractor on the sentences, with the counts."""
    predicted = gold = strict = loose_predicted = loose_gold = count = 0
    for sentence in sentences:
        count += 1
        spans = predicted_spans(matcher, sentence.tokens)
        wanted = set(sentence.gold)
        predicted += len(spans)
        gold += len(wanted)
        strict += sum(1 for span in spans if span in wanted)
        loose_predicted += sum(1 for span in spans if _overlaps(span, wanted))
        loose_gold += sum(1 for span in wanted if _overlaps(span, spans))
    return {
        "strict": _prf(strict, predicted, strict, gold),
        "loose": _prf(loose_predicted, predicted, loose_gold, gold),
        "counts": {
            "sentences": count,
            "gold": gold,
            "predicted": predicted,
            "strict_true": strict,
            "loose_true_predicted": loose_predicted,
            "loose_true_gold": loose_gold,
        },
    }


def error_kinds(matcher: Matcher, sentences: Iterable[Sentence]) -> Counter:
    """The extractor's predictions and misses by kind: what to fix first.

    A prediction is ``exact`` (a gold span), ``wider`` or ``narrower`` than the gold span it overlaps
    (boundary errors), ``shifted`` (overlapping without either holding the other), or ``spurious``
    (overlapping no gold span). A gold span no prediction overlaps is ``missed_term`` when the taxonomy
    holds a term inside it (the lexicon or a rule dropped it) or ``missed_no_term`` when it holds none.
    """
    bare = matcher.without_lexicon()
    kinds: Counter = Counter()
    for sentence in sentences:
        spans = predicted_spans(matcher, sentence.tokens)
        wanted = set(sentence.gold)
        for span in spans:
            kinds[_prediction_kind(span, wanted)] += 1
        for start, end in wanted:
            if not _overlaps((start, end), spans):
                inside = _holds_term(bare, sentence.tokens[start:end])
                kinds["missed_term" if inside else "missed_no_term"] += 1
    return kinds


def _holds_term(bare: Matcher, tokens: tuple[str, ...]) -> bool:
    """Whether a run of tokens holds a spelling of the taxonomy, whatever context or lexicon would say of it."""
    return any(
        bare.lookup(" ".join(tokens[start:end])) is not None
        for start in range(len(tokens))
        for end in range(start + 1, len(tokens) + 1)
    )


def _prediction_kind(span: Span, wanted: set[Span]) -> str:
    if span in wanted:
        return "exact"
    overlapping = [gold for gold in sorted(wanted) if _overlaps(span, [gold])]
    if not overlapping:
        return "spurious"
    gold = overlapping[0]
    if span[0] <= gold[0] and gold[1] <= span[1]:
        return "wider"
    if gold[0] <= span[0] and span[1] <= gold[1]:
        return "narrower"
    return "shifted"


def cross_validate(matcher: Matcher, sentences: Iterable[Sentence], *, source: str | None = None) -> dict:
    """The lexicon's figures on postings it did not learn from, within one labelled split.

    The postings are cut into FOLDS folds (by ``Sentence.posting``); for each, the lexicon is learned
    from the others (all sources) and the fold's sentences of ``source`` (all when None) are scored.
    Returns the pooled strict and loose figures, the counts, and ``error_kinds`` over every fold: how
    settings and rules are chosen without looking at the split they are finally scored on.
    """
    bare = matcher.without_lexicon()
    sentences = list(sentences)
    counts: Counter = Counter()
    kinds: Counter = Counter()
    for fold_number in range(FOLDS):
        rest = [s for s in sentences if s.posting % FOLDS != fold_number]
        held = [s for s in sentences if s.posting % FOLDS == fold_number and (source is None or s.source == source)]
        learned = bare.with_lexicon(lexicon_learn(bare, rest))
        counts.update(evaluate(learned, held)["counts"])
        kinds.update(error_kinds(learned, held))
    return {
        "strict": _prf(counts["strict_true"], counts["predicted"], counts["strict_true"], counts["gold"]),
        "loose": _prf(counts["loose_true_predicted"], counts["predicted"], counts["loose_true_gold"], counts["gold"]),
        "counts": dict(counts),
        "errors": dict(sorted(kinds.items())),
    }


# A term is stop-listed when fewer than this share of its matches in training overlap a gold span...
STOP_BELOW = 0.35
# ...that share taking in the record of the term's class (source, words, shape) as this many mentions'
# worth: a term seen once or twice is judged mostly by how terms like it fared.
PRIOR_WEIGHT = 2
# A word just after (head) or before (modifier) matches that overlap a gold span becomes part of the
# mention when the gold span includes it at least this often, and at least HEAD_MIN_COUNT times.
HEAD_AT_LEAST = 0.4
HEAD_MIN_COUNT = 2
# Terms never seen in training are judged by class (source, words, shape): a class whose unseen terms'
# mentions overlapped gold spans less often than this, in cross-validation, is dropped.
UNSEEN_BELOW = 0.45
UNSEEN_MIN_COUNT = 10
FOLDS = 2
# A gold span that is not a term becomes a learned phrase when it holds a term, is exactly a gold span
# at least this many times, and in at least this share of the places it occurs.
PHRASE_MIN_COUNT = 2
PHRASE_AT_LEAST = 0.5


class _Learned(NamedTuple):
    stop: frozenset[str]
    heads: frozenset[str]
    modifiers: frozenset[str]
    seen: frozenset[str]


def lexicon_learn(matcher: Matcher, sentences: Iterable[Sentence]) -> Lexicon:
    """Learn the lexicon from training sentences only: stop-list, heads, modifiers, phrases, unseen classes.

    Stop-list, head nouns and modifiers come from how each term's matches compare with the gold spans;
    phrases are gold spans that hold a term and are mostly meant as that whole span. How to treat terms
    the training data never shows is learned by cross-validation: learn on one half of the postings,
    look at the other half's mentions of terms that half never showed, and drop the classes of such
    terms that were mostly wrong.
    """
    bare = matcher.without_lexicon()
    sentences = list(sentences)
    learned = _learn_terms(bare, sentences)
    counts: Counter = Counter()
    good: Counter = Counter()
    for fold_number in range(FOLDS):
        held = [s for s in sentences if s.posting % FOLDS == fold_number]
        rest = [s for s in sentences if s.posting % FOLDS != fold_number]
        fold_learned = _learn_terms(bare, rest)
        fold_matcher = bare.with_lexicon(
            Lexicon(stop=fold_learned.stop, heads=fold_learned.heads, modifiers=fold_learned.modifiers)
        )
        for sentence in held:
            wanted = set(sentence.gold)
            for span, key, term_class in _spans_with_keys(fold_matcher, sentence.tokens):
                if key not in fold_learned.seen:
                    counts[term_class] += 1
                    good[term_class] += _overlaps(span, wanted)
    unseen_drop = frozenset(
        term_class
        for term_class, count in counts.items()
        if count >= UNSEEN_MIN_COUNT
        and good[term_class] / count < UNSEEN_BELOW
        and not term_class.startswith("curated|")
    )
    return Lexicon(
        stop=learned.stop,
        heads=learned.heads,
        modifiers=learned.modifiers,
        seen=learned.seen - learned.stop,
        unseen_drop=unseen_drop,
        phrases=_learn_phrases(bare, sentences),
    )


def _learn_terms(matcher: Matcher, sentences: list[Sentence]) -> _Learned:
    hits: Counter = Counter()
    good: Counter = Counter()
    exact: Counter = Counter()
    inside: Counter = Counter()
    classes: dict[str, Counter] = {}
    class_hits: Counter = Counter()
    class_good: Counter = Counter()
    following: Counter = Counter()
    extended: Counter = Counter()
    preceding: Counter = Counter()
    widened: Counter = Counter()
    for sentence in sentences:
        tokens, wanted = sentence.tokens, set(sentence.gold)
        for span, key, term_class in _spans_with_keys(matcher, tokens):
            hit = _overlaps(span, wanted)
            hits[key] += 1
            good[key] += hit
            exact[key] += span in wanted
            inside[key] += any(span[0] <= g[0] and g[1] <= span[1] and g != span for g in wanted)
            classes.setdefault(key, Counter())[term_class] += 1
            class_hits[term_class] += 1
            class_good[term_class] += hit
            if not hit:
                continue  # a wrong mention is wrong whatever its boundaries: it says nothing about them
            if span[1] < len(tokens):
                # As written, so that a token like ")" can be learned too; the matcher compares both ways.
                word = tokens[span[1]].lower()
                following[word] += 1
                extended[word] += (span[0], span[1] + 1) in wanted
            if span[0] > 0:
                word = fold(tokens[span[0] - 1])
                if word and " " not in word:
                    preceding[word] += 1
                    widened[word] += (span[0] - 1, span[1]) in wanted
    stop = set()
    for key, count in hits.items():
        term_class = classes[key].most_common(1)[0][0]
        prior = class_good[term_class] / class_hits[term_class]
        if (good[key] + PRIOR_WEIGHT * prior) / (count + PRIOR_WEIGHT) < STOP_BELOW:
            stop.add(key)
        elif " " in key and inside[key] >= HEAD_MIN_COUNT and inside[key] > exact[key]:
            # Postings mostly mean a shorter term inside it ("Java Spring" is "Java" and "Spring"):
            # without it, the matcher finds the shorter terms.
            stop.add(key)
    return _Learned(
        stop=frozenset(stop),
        heads=_part_of_mention(following, extended),
        modifiers=_part_of_mention(preceding, widened),
        seen=frozenset(hits),
    )


def _part_of_mention(next_to: Counter, included: Counter) -> frozenset[str]:
    """Words next to good mentions that the gold span includes often enough."""
    return frozenset(
        word
        for word, count in next_to.items()
        if word and included[word] >= HEAD_MIN_COUNT and included[word] / count >= HEAD_AT_LEAST
    )


def _learn_phrases(matcher: Matcher, sentences: list[Sentence]) -> frozenset[str]:
    """Gold spans that are not terms but hold one, and that postings mostly mean as exactly that span."""
    gold: Counter = Counter()
    for sentence in sentences:
        for start, end in sentence.gold:
            key = fold(" ".join(sentence.tokens[start:end]))
            if key and matcher.lookup(key) is None:
                gold[key] += 1
    # Only phrases that hold a term: a learned phrase is linked to the skill of that term.
    candidates = [key for key, count in gold.items() if count >= PHRASE_MIN_COUNT and matcher.find_all(key)]
    if not candidates:
        return frozenset()
    # How often each candidate occurs at all, and how often exactly as a gold span.
    finder = Matcher([Term(index, key) for index, key in enumerate(candidates)])
    occurs: Counter = Counter()
    exact: Counter = Counter()
    for sentence in sentences:
        wanted = set(sentence.gold)
        for span, key, _class in _spans_with_keys(finder, sentence.tokens):
            occurs[key] += 1
            exact[key] += span in wanted
    return frozenset(
        key for key in candidates if exact[key] >= PHRASE_MIN_COUNT and exact[key] / occurs[key] >= PHRASE_AT_LEAST
    )


def _spans_with_keys(matcher: Matcher, tokens: tuple[str, ...]):
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    for match, key, term_class in matcher.find_keys(" ".join(tokens)):
        covered = [i for i, start in enumerate(starts) if start < match.end and start + len(tokens[i]) > match.start]
        if covered:
            yield (covered[0], covered[-1] + 1), key, term_class
