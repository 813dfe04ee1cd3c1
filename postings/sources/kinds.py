"""Reading each provider's documented public format into rows of ``postings_import``.

A reader takes a source and the sync's HTTP client and returns a ``Listing``: one row per posting the
board lists (a dict in the import shape, or a ``RowError`` when the board's entry cannot become one),
and the external id of every listed posting, refused ones included (they are still on the board, so
not closed). A board that cannot be read at all, or answers with the wrong shape, raises
``FetchError``. Employer, segment and source are the source's; a posting whose board gives no date is
dated by the sync (``services``).

Formats, as the providers document them:

- Greenhouse Job Board API, ``GET /v1/boards/{board}/jobs?content=true``: ``{"jobs": [...]}``; a job has
  ``id``, ``title``, ``updated_at``, ``first_published``, ``location.name``, ``absolute_url``, ``content``
  (HTML, entity-escaped), ``departments[].name``, ``offices``.
- Lever Postings API, ``GET /v0/postings/{site}?mode=json``: a list; a posting has ``id``, ``text``,
  ``categories`` (``location``, ``team``, ``department``, ``commitment``), ``createdAt`` (ms), ``hostedUrl``,
  ``description``/``descriptionPlain``, ``lists[]`` (``text``, ``content``), ``additional``,
  ``workplaceType``, ``salaryRange`` (``min``, ``max``, ``currency``, ``interval``).
- Ashby public job posting API, ``GET /posting-api/job-board/{board}?includeCompensation=true``:
  ``{"jobs": [...]}``; a job has ``id``, ``title``, ``location``, ``department``, ``employmentType``,
  ``isRemote``, ``workplaceType``, ``publishedAt``, ``jobUrl``, ``descriptionHtml``/``descriptionPlain``,
  ``isListed``, ``compensation.summaryComponents[]``.
- ``feed``: a JSON Lines or CSV file in CareerHub's own import shape (``postings.ingest.readers``).
- ``jsonld``: schema.org ``JobPosting`` in a page's JSON-LD (``jsonld.py``).
"""

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.utils import timezone

from ..ingest.readers import ImportFileError, read_rows
from ..ingest.rows import RowError
from .http import Answer, Client, FetchError, decode_text
from .models import Source, SourceKind

JSON_TYPES = "application/json"


@dataclass
class Listing:
    """What a board lists now: the rows to import, every listed external id, and the answer's validators."""

    url: str
    rows: list[tuple[int, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    row_ids: dict[int, str] = field(default_factory=dict)  # row number -> external id, for the run record
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    # Pages that could not be read this time (jsonld): their postings stay open rather than close.
    unread_urls: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, external_id: Any, row: dict | RowError) -> None:
        number = len(self.rows) + 1
        if isinstance(row, RowError):
            row = RowError(number, row.field, row.message)
        self.rows.append((number, row))
        if external_id not in (None, "") and isinstance(external_id, str | int):
            self.ids.append(str(external_id)[:200])
            self.row_ids[number] = self.ids[-1]


def load_json(answer: Answer) -> Any:
    """The answer's JSON; HTML, another charset or broken JSON are refused with what was found."""
    head = answer.body.lstrip()[:1]
    if answer.content_type in ("text/html", "application/xhtml+xml") or head == b"<":
        raise FetchError(
            f"Expected JSON from {answer.url}, got HTML ({answer.content_type or 'no Content-Type'}): "
            "is the board name right, or is the provider showing an error page?"
        )
    text = decode_text(answer)
    try:
        return json.loads(text)
    except RecursionError:
        raise FetchError(f"The JSON of {answer.url} is nested too deeply to read.") from None
    except ValueError as exc:
        raise FetchError(f"The answer of {answer.url} is not valid JSON ({str(exc)[:120]}).") from None


def expect_jobs(data: Any, url: str) -> list:
    """The ``jobs`` list of a Greenhouse or Ashby answer."""
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        found = (
            f"an object with keys {', '.join(sorted(map(str, data))[:8])}"
            if isinstance(data, dict)
            else (f"a {type(data).__name__}")
        )
        raise FetchError(f'Expected an object with a list of "jobs" from {url}, got {found}.')
    return data["jobs"]


def _dig(value: Any, *path: str) -> Any:
    """``value[a][b]...`` where each step is an object, else None (a board's optional parts may be missing)."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _names(values: Any) -> str:
    """The names of a list of objects with a ``name`` (Greenhouse departments), joined."""
    if not isinstance(values, list):
        return ""
    return ", ".join(str(v["name"]) for v in values if isinstance(v, dict) and isinstance(v.get("name"), str))


def iso_date(value: Any) -> str | None:
    """An ISO 8601 date or date-time as the UTC date (YYYY-MM-DD); "" when absent, None when unreadable."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC)
    return parsed.date().isoformat()


def epoch_ms_date(value: Any) -> str | None:
    """Lever's ``createdAt`` (milliseconds since 1970) as a UTC date."""
    if value in (None, ""):
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


@dataclass(frozen=True)
class Entry:
    """One entry of a JSON board as a row: its external id, the row, and its date read (None: unreadable)."""

    external_id: Any
    row: dict
    posted_on: str | None
    raw_date: Any


def read_json_board(
    source: Source,
    client: Client,
    url: str,
    *,
    jobs: Callable[[Any, str], list],
    entry: Callable[[dict], Entry | None],
    noun: str,
) -> Listing:
    """The one reading of a provider's JSON board: a conditional GET, the answer's JSON, the list of its
    entries (``jobs``, which refuses the wrong shape), and each entry as a row (``entry``; None: not listed).
    An entry that is not an object, or whose date cannot be read, is refused on its own."""
    answer = client.get(url, etag=source.etag, last_modified=source.last_modified, accept=JSON_TYPES)
    listing = _listing(answer)
    if answer.not_modified:
        return listing
    for item in jobs(load_json(answer), url):
        if not isinstance(item, dict):
            listing.add(None, RowError(0, "-", f"Expected a {noun} object, got {type(item).__name__}."))
            continue
        if (read := entry(item)) is None:
            continue
        if read.posted_on is None:
            message = f"The board's date {str(read.raw_date)[:60]!r} cannot be read as a date."
            listing.add(read.external_id, RowError(0, "posted_on", message))
        else:
            listing.add(read.external_id, read.row | {"posted_on": read.posted_on})
    return listing


def _amount(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


def salary(low: Any, high: Any, currency: Any, period: str) -> dict:
    """Salary fields for a row, when the board gives at least one amount."""
    low, high = _amount(low), _amount(high)
    if low is None and high is None:
        return {}
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency.upper() if isinstance(currency, str) else "",
        "salary_period": period,
    }


def remote_in(location: Any) -> str:
    """Greenhouse has no remote flag: a location that says "Remote" is one."""
    return "remote" if isinstance(location, str) and "remote" in location.lower() else ""


# --- Greenhouse ---------------------------------------------------------------------------


def read_greenhouse(source: Source, client: Client) -> Listing:
    url = f"{source.endpoint}/v1/boards/{quote(source.board, safe='')}/jobs?content=true"
    return read_json_board(source, client, url, jobs=expect_jobs, entry=_greenhouse_entry, noun="job")


def _greenhouse_entry(job: dict) -> Entry:
    location = _dig(job, "location", "name")
    row = {
        "external_id": job.get("id"),
        "title": job.get("title"),
        # Greenhouse escapes the HTML of ``content`` once more; the import removes the tags.
        "description": _unescaped(job.get("content")),
        "location": location if isinstance(location, str) else "",
        "url": job.get("absolute_url") or "",
        "department": _names(job.get("departments"))[:200],
        "remote": remote_in(location),
    }
    published = job.get("first_published")
    return Entry(job.get("id"), row, iso_date(published), published)


def _unescaped(content: Any) -> Any:
    import html

    return html.unescape(content) if isinstance(content, str) else content


# --- Lever --------------------------------------------------------------------------------

LEVER_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite"}
LEVER_INTERVALS = {
    "per-year-salary": "year",
    "per-month-salary": "month",
    "per-week-salary": "week",
    "per-day-wage": "day",
    "per-hour-wage": "hour",
}


def read_lever(source: Source, client: Client) -> Listing:
    url = f"{source.endpoint}/v0/postings/{quote(source.board, safe='')}?mode=json"
    return read_json_board(source, client, url, jobs=_lever_postings, entry=_lever_entry, noun="posting")


def _lever_postings(data: Any, url: str) -> list:
    if not isinstance(data, list):
        raise FetchError(f"Expected a list of postings from {url}, got a {type(data).__name__}.")
    return data


def _lever_entry(posting: dict) -> Entry:
    categories = posting.get("categories") if isinstance(posting.get("categories"), dict) else {}
    pay = posting.get("salaryRange") if isinstance(posting.get("salaryRange"), dict) else {}
    row = {
        "external_id": posting.get("id"),
        "title": posting.get("text"),
        "description": _lever_text(posting),
        "location": _text_or_blank(categories.get("location")),
        "url": posting.get("hostedUrl") or "",
        "department": _text_or_blank(categories.get("department") or categories.get("team")),
        "employment_type": _text_or_blank(categories.get("commitment")),
        "remote": LEVER_WORKPLACE.get(str(posting.get("workplaceType", "")).lower(), ""),
    } | salary(pay.get("min"), pay.get("max"), pay.get("currency"), LEVER_INTERVALS.get(pay.get("interval"), ""))
    created = posting.get("createdAt")
    return Entry(posting.get("id"), row, epoch_ms_date(created), created)


def _lever_text(posting: dict) -> Any:
    """The description, then each list (requirements, ...) under its heading, then the closing text."""
    parts = [posting.get("description") or posting.get("descriptionPlain")]
    if not isinstance(parts[0], str):
        return parts[0]  # missing or of the wrong type: the import names the field
    for item in posting.get("lists") or []:
        if isinstance(item, dict) and isinstance(item.get("content"), str):
            parts.append(f"<h3>{item.get('text') or ''}</h3><ul>{item['content']}</ul>")
    if isinstance(posting.get("additional"), str):
        parts.append(posting["additional"])
    return "\n".join(parts)


def _text_or_blank(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- Ashby --------------------------------------------------------------------------------

ASHBY_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}
ASHBY_EMPLOYMENT = {
    "FullTime": "full-time",
    "PartTime": "part-time",
    "Intern": "internship",
    "Contract": "contract",
    "Temporary": "temporary",
}
ASHBY_INTERVALS = {"1 YEAR": "year", "1 MONTH": "month", "1 WEEK": "week", "1 DAY": "day", "1 HOUR": "hour"}


def read_ashby(source: Source, client: Client) -> Listing:
    url = f"{source.endpoint}/posting-api/job-board/{quote(source.board, safe='')}?includeCompensation=true"
    return read_json_board(source, client, url, jobs=expect_jobs, entry=_ashby_entry, noun="job")


def _ashby_entry(job: dict) -> Entry | None:
    if job.get("isListed") is False:
        return None  # hidden from the board: not a listed opening
    external_id = job.get("id") or str(job.get("jobUrl") or "").rstrip("/").rpartition("/")[2]
    workplace = str(job.get("workplaceType") or "").lower()
    row = {
        "external_id": external_id,
        "title": job.get("title"),
        "description": job.get("descriptionHtml") or job.get("descriptionPlain"),
        "location": _text_or_blank(job.get("location")),
        "url": job.get("jobUrl") or "",
        "department": _text_or_blank(job.get("department")),
        "employment_type": ASHBY_EMPLOYMENT.get(job.get("employmentType"), ""),
        "remote": ASHBY_WORKPLACE.get(workplace) or ("remote" if job.get("isRemote") is True else ""),
    } | _ashby_salary(job.get("compensation"))
    published = job.get("publishedAt")
    return Entry(external_id, row, iso_date(published), published)


def _ashby_salary(compensation: Any) -> dict:
    components = _dig(compensation, "summaryComponents")
    for part in components if isinstance(components, list) else []:
        if isinstance(part, dict) and part.get("compensationType") == "Salary":
            period = ASHBY_INTERVALS.get(part.get("interval"), "")
            return salary(part.get("minValue"), part.get("maxValue"), part.get("currencyCode"), period)
    return {}


# --- Feed ---------------------------------------------------------------------------------


def read_feed(source: Source, client: Client) -> Listing:
    url = source.board
    answer = client.get(url, etag=source.etag, last_modified=source.last_modified)
    listing = _listing(answer)
    if answer.not_modified:
        return listing
    csv = answer.content_type in ("text/csv", "application/csv") or url.lower().split("?")[0].endswith(".csv")
    if answer.body.lstrip()[:1] == b"<":
        raise FetchError(f"Expected {'CSV' if csv else 'JSON Lines'} from {url}, got HTML or XML.")
    try:
        for _, row in read_rows(io.BytesIO(answer.body), "csv" if csv else "jsonl"):
            listing.add(_dig(row, "external_id"), _feed_row(row, source))
    except ImportFileError as exc:
        raise FetchError(f"The feed at {url} cannot be read: {exc}") from None
    return listing


def _feed_row(row: Any, source: Source) -> Any:
    if not isinstance(row, dict):
        return row  # a RowError, or not an object: the import says so
    if row.get("source") not in (None, "", source.slug):
        named = str(row["source"])[:60]
        return RowError(0, "source", f"A feed row names source {named!r}; this feed is {source.slug!r}.")
    return row  # employer and segment, when a row leaves them out, are the source's (``services``)


def _listing(answer: Answer) -> Listing:
    return Listing(
        url=answer.url, not_modified=answer.not_modified, etag=answer.etag, last_modified=answer.last_modified
    )


def reader_for(kind: str) -> Callable[[Source, Client], Listing]:
    from .jsonld import read_jsonld

    return {
        SourceKind.GREENHOUSE: read_greenhouse,
        SourceKind.LEVER: read_lever,
        SourceKind.ASHBY: read_ashby,
        SourceKind.FEED: read_feed,
        SourceKind.JSONLD: read_jsonld,
    }[kind]


def today() -> datetime.date:
    return timezone.localdate()
