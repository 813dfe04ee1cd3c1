"""Folding text for matching: lower case, word separators turned into single spaces, offsets kept.

The matcher looks for `` alias `` (with a space on each side) in `` folded text ``, so every match
starts and ends on a word boundary without a check per match. Folding must therefore (1) turn every
character that separates words into a space, (2) keep the characters that live inside skill names
("c++", "c#", ".net", "node.js", "r&d"), and (3) let us map a match back to the original text, which
is what editors see as evidence.
"""

import re
from bisect import bisect_right
from itertools import accumulate
from operator import add, sub

# Separators become spaces. Kept inside words: letters, digits, "_", "+", "#", ".", "&", "@".
# "/" and "-" separate ("CI/CD" folds like "CI CD", "Python-based" contains "python").
_SEPARATORS = "\t\n\r\x0b\x0c !\"$%'()*,/:;<=>?[\\]^`{|}~-" + (
    "\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201c\u201d\u2022\u2026\u00b7\u25cf\u25aa\u2023\u2043"
)
_ASCII_SEPARATORS = "".join(char for char in _SEPARATORS if char.isascii())
_WIDE_SEPARATORS = tuple(char for char in _SEPARATORS if not char.isascii())
# bytes.translate runs at memory speed (str.translate walks every character in Python's slow path,
# a regex substitution over a character class is three times slower). On UTF-8 the table is safe for
# any text: bytes below 0x80 only ever encode ASCII characters, so the character count is kept.
# The same pass lowers ASCII letters.
_ASCII_TABLE = bytes.maketrans(
    _ASCII_SEPARATORS.encode("ascii") + b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    b" " * len(_ASCII_SEPARATORS) + b"abcdefghijklmnopqrstuvwxyz",
)
# A dot ends a word unless a word character follows it: "Python." and "etc." lose it, ".NET" and
# "node.js" keep it. Same for a trailing "+" or "#": they are kept ("C++ ", "C# ").
_LOOSE_DOT = re.compile(r"\.(?![\w])")
# Captured, so that one split yields both the words between runs and the runs themselves.
_SPACE_RUN = re.compile(r"(  +)")


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower to two ("İ" -> "i̇"); keep the first so offsets still line up.
    return "".join(char.lower()[0] for char in text)


def _lowered_and_spaced(text: str) -> str:
    """``text`` lower-cased, every separator and every loose dot turned into a space; same length."""
    if text.isascii():
        spaced = text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    else:
        spaced = _ascii_translated(text)
        if not spaced.islower():
            # An upper-case letter beyond ASCII (or no letter at all): lower the whole text first, as
            # str.lower() reads some letters in context (a final "Σ"). Otherwise there is nothing left
            # to lower: str.lower() maps every character that is not upper or title case to itself.
            spaced = _ascii_translated(_lower_same_length(text))
        # Wide separators are few and rare in a text: a test and a replace each beat one regex pass.
        for separator in _WIDE_SEPARATORS:
            if separator in spaced:
                spaced = spaced.replace(separator, " ")
    return _LOOSE_DOT.sub(" ", spaced) if "." in spaced else spaced


def _ascii_translated(text: str) -> str:
    # "surrogatepass": a lone surrogate (from a broken upstream decode) goes through unchanged.
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE).decode("utf-8", "surrogatepass")


class Folded:
    """``text`` folded for matching, with the map from folded offsets back to the original's.

    ``padded`` is the folded text with one space added at each end; runs of separators are
    collapsed to one space (so "CI / CD" reads as "ci cd"), and ``original(i)`` undoes that.
    """

    __slots__ = ("_removed", "_stops", "padded")

    def __init__(self, text: str):
        folded = _lowered_and_spaced(text)
        self._stops: list[int] = []  # folded offsets where characters were removed before them
        self._removed: list[int] = []  # how many were removed before each stop, cumulatively
        if "  " in folded:
            parts = _SPACE_RUN.split(folded)
            words, runs = parts[0::2], parts[1::2]
            count = range(1, len(runs) + 1)
            # Each run becomes one space: the k-th stop (from 1) follows the words before it and k
            # spaces, and the runs up to it lost all their characters but one each. map() and
            # accumulate() keep the per-run work out of the interpreter loop.
            self._stops = list(map(add, accumulate(map(len, words[:-1])), count))
            self._removed = list(map(sub, accumulate(map(len, runs)), count))
            folded = " ".join(words)
        self.padded = f" {folded} "

    def original(self, offset: int) -> int:
        """The offset in the original text of the character at ``offset`` in the folded text (unpadded)."""
        if not self._stops:
            return offset
        index = bisect_right(self._stops, offset)
        return offset + (self._removed[index - 1] if index else 0)


def fold(text: str) -> str:
    """The folded form of a term: what the matcher compares (an alias's key in the automaton)."""
    return Folded(text).padded.strip()
