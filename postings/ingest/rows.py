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

from ..models import EARLIEST_POSTING_DATE, MAX_POSTING_TEXT, SalaryPeriod, WorkplaceType

REQUIRED_FIELDS = ("external_id", "title", "employer", "segment", "posted_on", "description")
# What job boards give beside the text: kept where the provider gives it (``postings.sources``).
DETAIL_FIELDS = ("remote", "department", "employment_type")
SALARY_FIELDS = ("salary_min", "salary_max", "salary_currency", "salary_period")
OPTIONAL_FIELDS = ("location", "url", "source", *DETAIL_FIELDS, *SALARY_FIELDS)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
TEXT_FIELDS = tuple(name for name in FIELDS if name not in ("salary_min", "salary_max"))

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
    "remote": 10,
    "department": 200,
    "employment_type": 60,
    "salary_currency": 3,
    "salary_period": 10,
}
REMOTE_CHOICES = tuple(WorkplaceType.values)
SALARY_PERIODS = tuple(SalaryPeriod.values)
MAX_SALARY = 100_000_000  # a yearly pay beyond this is a typo or another unit, not a salary
CURRENCY_PATTERN = re.compile(r"[A-Z]{3}\Z")

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
    remote: str = ""
    department: str = ""
    employment_type: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = ""
    salary_period: str = ""


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


def _amount(raw: dict, name: str, row: int, errors: list[RowError]) -> int | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdecimal():  # CSV cells are text
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(RowError(row, name, "Expected a whole amount of money, as a number."))
        return None
    if not 0 <= value <= MAX_SALARY:
        errors.append(RowError(row, name, f"Expected an amount between 0 and {MAX_SALARY:,}."))
        return None
    return value


def _salary(raw: dict, values: dict[str, Any], row: int, errors: list[RowError]) -> dict[str, Any]:
    """The salary range: amounts, with a currency (ISO 4217 code) whenever an amount is given."""
    low, high = _amount(raw, "salary_min", row, errors), _amount(raw, "salary_max", row, errors)
    currency, period = values["salary_currency"], values["salary_period"]
    if low is not None and high is not None and low > high:
        errors.append(RowError(row, "salary_max", f"The range ends ({high:,}) below where it starts ({low:,})."))
    if (low is not None or high is not None) and not currency:
        errors.append(RowError(row, "salary_currency", "A salary needs its currency (a code such as USD)."))
    if currency and not CURRENCY_PATTERN.match(currency):
        errors.append(RowError(row, "salary_currency", "Expected a three-letter currency code such as USD or EUR."))
    if period and period not in SALARY_PERIODS:
        errors.append(RowError(row, "salary_period", f"Expected one of {', '.join(SALARY_PERIODS)}, or nothing."))
    return {"salary_min": low, "salary_max": high}


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
    values: dict[str, Any] = {name: _text(raw, name, row, errors) for name in TEXT_FIELDS}
    posted_on = _date(values.pop("posted_on"), row, errors, today or timezone.localdate())
    values |= _salary(raw, values, row, errors)
    if values["remote"] and values["remote"] not in REMOTE_CHOICES:
        errors.append(RowError(row, "remote", f"Expected one of {', '.join(REMOTE_CHOICES)}, or nothing."))
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
