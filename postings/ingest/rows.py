"""The one shape of an incoming posting, shared by file rows and API bodies, and its validation.

Validation is written out by hand rather than with a form or serializer: an import checks
hundreds of thousands of rows, and every check here is one the database would otherwise refuse
with a less helpful message (or, for NUL bytes and lone surrogates, not at all on SQLite).
"""

import datetime
import html
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from ..models import EARLIEST_POSTING_DATE, MAX_POSTING_TEXT

REQUIRED_FIELDS = ("external_id", "title", "employer", "segment", "posted_on", "description")
OPTIONAL_FIELDS = ("location", "url", "source")
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

# Field -> most characters accepted; the same limits as the models' columns.
MAX_LENGTHS = {
    "external_id": 200,
    "title": 300,
    "employer": 200,
    "segment": 120,
    "description": MAX_POSTING_TEXT,
    "location": 200,
    "url": 500,
    "source": 60,
    "posted_on": 10,
}

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
SOURCE_PATTERN = re.compile(r"[-a-z0-9_]+\Z")
# Block-level tags end a line; without this "<li>Go</li><li>Rust</li>" would become "GoRust".
BLOCK_END = re.compile(r"<\s*(?:br|/p|/li|/div|/h[1-6]|/tr|/ul|/ol)\b[^>]*>", re.IGNORECASE)
SPACES = re.compile(r"[ \t\f\v\u00a0]+")
validate_url = URLValidator(schemes=["http", "https"])


class RowError(NamedTuple):
    """Why a row was refused: its number (1-based, as an editor counts lines or list items), the field, why."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass(slots=True)
class PostingRow:
    """A validated, sanitised incoming posting; segment and employer are still names, resolved later."""

    row: int
    external_id: str
    title: str
    employer: str
    segment: str
    posted_on: datetime.date
    description: str
    location: str = ""
    url: str = ""
    source: str = ""


def plain_text(value: str) -> str:
    """Posting text as plain text: HTML tags and scripts removed, entities decoded.

    What is stored is plain text, and every page escapes it when rendering.
    """
    if "<" in value or "&" in value:
        value = html.unescape(nh3.clean(BLOCK_END.sub("\n", value), tags=set()))
    return value


def one_line(value: str) -> str:
    return SPACES.sub(" ", plain_text(value).replace("\r", " ").replace("\n", " ")).strip()


def _text(raw: dict, name: str, row: int, errors: list[RowError]) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if name in REQUIRED_FIELDS:
            errors.append(RowError(row, name, "This field is required."))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        errors.append(RowError(row, name, f"Expected text, got {type(value).__name__}."))
        return ""
    if isinstance(value, int):
        if name != "external_id":
            errors.append(RowError(row, name, "Expected text, got a number."))
            return ""
        value = str(value)
    if "\x00" in value:
        errors.append(RowError(row, name, "NUL characters are not allowed."))
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(RowError(row, name, "Not valid Unicode text (a lone surrogate)."))
        return ""
    limit = MAX_LENGTHS[name]
    if len(value) > limit * 4:  # far too long: refuse before spending time cleaning it
        errors.append(RowError(row, name, f"At most {limit:,} characters allowed (got {len(value):,})."))
        return ""
    if name == "posted_on":
        return value.strip()
    value = plain_text(value).strip() if name == "description" else one_line(value)
    if not value and name in REQUIRED_FIELDS:
        errors.append(RowError(row, name, "This field is required (nothing is left once HTML is removed)."))
    elif len(value) > limit:
        errors.append(RowError(row, name, f"At most {limit:,} characters allowed (got {len(value):,})."))
    return value


def _date(value: str, row: int, errors: list[RowError], today: datetime.date) -> datetime.date | None:
    if not value:
        return None
    if not DATE_PATTERN.match(value):
        errors.append(RowError(row, "posted_on", f"Expected a date as YYYY-MM-DD, got {value[:40]!r}."))
        return None
    try:
        posted_on = datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(RowError(row, "posted_on", f"{value} is not a calendar date."))
        return None
    if posted_on > today:
        errors.append(RowError(row, "posted_on", f"{value} is in the future."))
    elif posted_on < EARLIEST_POSTING_DATE:
        errors.append(RowError(row, "posted_on", f"{value} is before {EARLIEST_POSTING_DATE:%Y-%m-%d}."))
    return posted_on


def parse_row(
    raw: Any, *, row: int, default_source: str, today: datetime.date | None = None
) -> tuple[PostingRow | None, list[RowError]]:
    """Validate one incoming posting; return it cleaned, or ``None`` and every problem found in it."""
    if not isinstance(raw, dict):
        return None, [RowError(row, "-", f"Expected an object with the posting's fields, got {type(raw).__name__}.")]
    errors: list[RowError] = []
    unknown = sorted(str(key)[:60] for key in raw if key not in FIELDS)
    if unknown:
        errors.append(RowError(row, unknown[0], f"Unknown field(s): {', '.join(unknown)}. Known: {', '.join(FIELDS)}."))
    values = {name: _text(raw, name, row, errors) for name in FIELDS}
    posted_on = _date(values.pop("posted_on"), row, errors, today or timezone.localdate())
    if values["url"]:
        try:
            validate_url(values["url"])
        except ValidationError:
            errors.append(RowError(row, "url", "Enter a valid http(s) URL."))
    source = values.pop("source") or default_source
    if not SOURCE_PATTERN.match(source):
        errors.append(RowError(row, "source", "Use lowercase letters, digits, hyphens and underscores."))
    if errors:
        return None, errors
    return PostingRow(row=row, posted_on=posted_on, source=source, **values), []
