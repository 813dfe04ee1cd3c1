"""What a learner may send, checked the same way for the page and the API, with messages that name the problem.

The messages never quote the pasted text (not even a part of it): they state its size or what kind of
characters it holds. Slugs and module references are the learner's own choices from the site, so an
unknown one is reported back, shortened.
"""

import re
from collections.abc import Iterable

MAX_TEXT_BYTES = 50 * 1024  # a long CV or profile is 10-20 KB of text; 50 KB leaves room for a project list
MAX_SKILLS = 300  # the curated taxonomy has about 200 skills: more than this is not one person's list
MAX_MODULES = 200  # modules marked done (the curriculum has a few dozen)
MAX_VALUE_LENGTH = 255  # a skill slug's maximum length
# A pasted binary file, decoded as UTF-8, is mostly replacement characters and control codes; a messy
# PDF copy has a few of them. Above this share of the characters, the text is refused as binary.
MAX_ODD_SHARE = 0.01
_ODD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


class InputProblem(ValueError):
    """Input refused: ``field`` names what was wrong, ``message`` says why in words a learner can act on."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def text_problem(text: str) -> str | None:
    """Why a pasted text cannot be read, or None when it can. Never quotes the text."""
    if "\x00" in text:
        return "The text contains NUL characters, so it looks like a file's binary contents: paste plain text."
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return "The text is not valid Unicode (it holds unpaired surrogate characters): paste plain text."
    if size > MAX_TEXT_BYTES:
        return (
            f"The text is too long: at most {MAX_TEXT_BYTES // 1024} KB ({MAX_TEXT_BYTES:,} bytes), and it has "
            f"{size:,} bytes. Paste the part that lists your skills and projects."
        )
    odd = len(_ODD.findall(text))
    if odd and odd > MAX_ODD_SHARE * len(text):
        return (
            "The text looks like binary data (a file's raw bytes or a wrong character encoding), not text: "
            "paste the text itself, encoded as UTF-8."
        )
    return None


def split_values(values: Iterable[str]) -> list[str]:
    """Values given as repeated parameters, comma-separated lists or both, trimmed, without repeats, in order."""
    seen: dict[str, None] = {}
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part:
                seen.setdefault(part, None)
    return list(seen)


def checked_list(values: list[str], *, field: str, limit: int, noun: str) -> list[str]:
    """``values`` when there are at most ``limit`` and none is absurdly long; else an ``InputProblem``."""
    if len(values) > limit:
        raise InputProblem(field, f"Too many {noun}: at most {limit:,}, and {len(values):,} were sent.")
    if any(len(value) > MAX_VALUE_LENGTH for value in values):
        raise InputProblem(field, f"Each of the {noun} is at most {MAX_VALUE_LENGTH} characters long.")
    return values


def shortened(values: Iterable[str], *, limit: int = 20, width: int = 60) -> list[str]:
    """Unknown values as a page or an answer repeats them: at most ``limit``, each at most ``width`` characters."""
    shown = []
    for value in values:
        if len(shown) == limit:
            break
        shown.append(value if len(value) <= width else value[: width - 1] + "…")
    return shown
