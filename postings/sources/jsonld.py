"""The ``jsonld`` kind: schema.org ``JobPosting`` read from a careers page, or from the pages a sitemap lists.

A careers page is read for every ``<script type="application/ld+json">`` block; a ``JobPosting`` may sit at
the top, in a list, in ``@graph`` or in an ``ItemList``. A sitemap (``urlset``, or a ``sitemapindex`` one
level deep) lists the pages to read, up to ``CAREERHUB_SOURCES_MAX_PAGES``. Every page's host is asked for
its ``robots.txt`` first, and a page it disallows is not read. A page that cannot be read is reported and
its postings stay open (they may still be there); the sync fails only when the page or sitemap it was
given cannot be read.
"""

import datetime
import json
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from ..ingest.rows import RowError
from .http import Answer, Client, FetchError, decode_text
from .kinds import Listing, iso_date, salary
from .models import Source

EMPLOYMENT_TYPES = {
    "FULL_TIME": "full-time",
    "PART_TIME": "part-time",
    "CONTRACTOR": "contract",
    "TEMPORARY": "temporary",
    "INTERN": "internship",
    "VOLUNTEER": "volunteer",
    "PER_DIEM": "per diem",
    "OTHER": "other",
}
SALARY_UNITS = {"YEAR": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}
NESTED_KEYS = ("@graph", "itemListElement", "item", "mainEntity", "hasPart")
SITEMAP_NS = re.compile(r"\{[^}]*\}")


class _ScriptBlocks(HTMLParser):
    """Collects the text of every JSON-LD script block of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script" and any(
            name == "type" and (value or "").split(";")[0].strip().lower() == "application/ld+json"
            for name, value in attrs
        ):
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def job_postings(node: Any, depth: int = 0) -> list[dict]:
    """Every ``JobPosting`` object in a JSON-LD document, wherever schema.org lets it sit."""
    if depth > 8:
        return []
    if isinstance(node, list):
        return [found for item in node for found in job_postings(item, depth + 1)]
    if not isinstance(node, dict):
        return []
    types = node.get("@type")
    if types == "JobPosting" or (isinstance(types, list) and "JobPosting" in types):
        return [node]
    return [found for key in NESTED_KEYS for found in job_postings(node.get(key), depth + 1)]


def page_postings(html_text: str) -> tuple[list[dict], list[str]]:
    """The page's ``JobPosting`` objects, and the problems of blocks that could not be read."""
    parser = _ScriptBlocks()
    parser.feed(html_text)
    parser.close()
    found, problems = [], []
    for number, block in enumerate(parser.blocks, start=1):
        try:
            found += job_postings(json.loads(block))
        except (ValueError, RecursionError) as exc:
            problems.append(f"JSON-LD block {number} is not valid JSON ({str(exc)[:80]})")
    return found, problems


def posting_row(posting: dict, page_url: str, index: int, count: int) -> tuple[str, dict | RowError]:
    """(external id, row) of one ``JobPosting``: its identifier, else its page's address (with its place)."""
    identifier = posting.get("identifier")
    if isinstance(identifier, dict):
        identifier = identifier.get("value")
    external_id = (
        str(identifier)
        if isinstance(identifier, str | int) and identifier != ""
        else (page_url if count == 1 else f"{page_url}#{index}")
    )
    location = _location(posting.get("jobLocation"))
    remote = "remote" if posting.get("jobLocationType") == "TELECOMMUTE" else ""
    row = {
        "external_id": external_id[:200],
        "title": posting.get("title") or posting.get("name"),
        "description": posting.get("description"),
        "location": location[:200],
        "url": posting.get("url") if isinstance(posting.get("url"), str) else page_url,
        "employment_type": _employment(posting.get("employmentType")),
        "remote": remote,
    } | _salary(posting.get("baseSalary"))
    posted = iso_date(posting.get("datePosted"))
    if posted is None:
        raw = str(posting.get("datePosted"))[:40]
        return external_id, RowError(0, "posted_on", f"datePosted {raw!r} is not a date.")
    return external_id, row | {"posted_on": posted}


def _location(value: Any) -> str:
    places = value if isinstance(value, list) else [value]
    names = []
    for place in places:
        address = place.get("address") if isinstance(place, dict) else None
        if isinstance(address, str):
            names.append(address)
        elif isinstance(address, dict):
            country = address.get("addressCountry")
            country = country.get("name") if isinstance(country, dict) else country
            parts = [address.get("addressLocality"), address.get("addressRegion"), country]
            names.append(", ".join(str(p) for p in parts if isinstance(p, str) and p))
    return "; ".join(name for name in names if name)


def _employment(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return ", ".join(EMPLOYMENT_TYPES.get(v, v.lower()) for v in values if isinstance(v, str) and v)[:60]


def _salary(value: Any) -> dict:
    if not isinstance(value, dict):
        return {}
    amount = value.get("value")
    if isinstance(amount, dict):
        low = amount.get("minValue", amount.get("value"))
        high = amount.get("maxValue", amount.get("value"))
        unit = SALARY_UNITS.get(str(amount.get("unitText", "")).upper(), "")
    else:
        low = high = amount
        unit = ""
    return salary(low, high, value.get("currency"), unit)


def _expired(posting: dict, today: datetime.date) -> bool:
    """A posting whose ``validThrough`` has passed is no longer open."""
    until = iso_date(posting.get("validThrough"))
    return bool(until) and datetime.date.fromisoformat(until) < today


def is_sitemap(answer: Answer) -> bool:
    head = answer.body.lstrip()[:300].lower()
    start = answer.body[:2000].lower()
    return answer.content_type in ("application/xml", "text/xml") or (
        head.startswith(b"<?xml") and (b"<urlset" in start or b"<sitemapindex" in start)
    )


def sitemap_urls(answer: Answer) -> tuple[list[str], list[str]]:
    """(page addresses, nested sitemap addresses) of a sitemap."""
    try:
        root = ET.fromstring(answer.body)
    except ET.ParseError as exc:
        raise FetchError(f"The sitemap at {answer.url} is not valid XML ({exc}).") from None
    tag = SITEMAP_NS.sub("", root.tag)
    locations = [(element.text or "").strip() for element in root.iter() if SITEMAP_NS.sub("", element.tag) == "loc"]
    locations = [url for url in locations if url.startswith(("http://", "https://"))]
    if tag == "sitemapindex":
        return [], locations
    if tag != "urlset":
        raise FetchError(f"Expected a sitemap (urlset or sitemapindex) at {answer.url}, got <{tag}>.")
    return locations, []


class Robots:
    """Each host's robots.txt, read once per sync with the sync's client and User-Agent."""

    def __init__(self, client: Client):
        self.client = client
        self.parsers: dict[str, urllib.robotparser.RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.parsers:
            self.parsers[origin] = self._read(origin)
        return self.parsers[origin].can_fetch(self.client.session.headers["User-Agent"], url)

    def _read(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            answer = self.client.get(f"{origin}/robots.txt", accept="text/plain")
            parser.parse(answer.body.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            # RFC 9309: a robots.txt that is "unavailable" (4xx) sets no rule; one that cannot be reached
            # (5xx, a network error) means keep out until it can.
            if exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True
        return parser


def read_jsonld(source: Source, client: Client) -> Listing:
    robots = Robots(client)
    if not robots.allowed(source.board):
        raise FetchError(f"robots.txt of {urlsplit(source.board).netloc} disallows {source.board}; not read.")
    answer = client.get(source.board, accept="text/html,application/xhtml+xml,application/xml")
    listing = Listing(url=answer.url)
    if not is_sitemap(answer):
        _read_page(listing, answer, fail=True)
        return listing
    pages, nested = sitemap_urls(answer)
    for sitemap in nested[: settings.CAREERHUB_SOURCES_MAX_PAGES]:
        child = client.get(sitemap, accept="application/xml")
        pages += sitemap_urls(child)[0]
    limit = settings.CAREERHUB_SOURCES_MAX_PAGES
    if len(pages) > limit:
        listing.notes.append(f"The sitemap lists {len(pages):,} pages; the first {limit:,} were read.")
    for url in pages[:limit]:
        if not robots.allowed(url):
            listing.unread_urls.append(url)
            listing.notes.append(f"robots.txt disallows {url}: not read.")
            continue
        try:
            page = client.get(url, accept="text/html,application/xhtml+xml")
        except FetchError as exc:
            listing.unread_urls.append(url)
            listing.notes.append(str(exc))
            continue
        _read_page(listing, page, fail=False)
    return listing


def _read_page(listing: Listing, answer: Answer, *, fail: bool) -> None:
    try:
        postings, problems = page_postings(decode_text(answer))
    except FetchError as exc:
        if fail:
            raise
        listing.unread_urls.append(answer.url)
        listing.notes.append(str(exc))
        return
    if fail and not postings and problems:
        raise FetchError(f"{answer.url}: " + "; ".join(problems))
    listing.notes += [f"{answer.url}: {problem}" for problem in problems]
    today = timezone.localdate()
    current = [posting for posting in postings if not _expired(posting, today)]
    for index, posting in enumerate(current, start=1):
        external_id, row = posting_row(posting, answer.url, index, len(current))
        listing.add(external_id, row)
