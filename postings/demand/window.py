"""The one demand window: which months every share and trend on the site and in the API is computed over.

A month counts once it is complete. Today's calendar month (and any month after the latest complete
one, should a posting be dated ahead) is *to date*: kept out of every share and trend, and shown on
its own where a page shows months. So two pages never disagree because one counted a running month.

- **Share**: the postings of a scope (a segment, or all segments) over the ``WINDOW_MONTHS`` complete
  months that ask for a skill, out of all its postings in those months. Below ``MIN_SAMPLE`` postings
  in the scope there is no share ("too few postings"); with enough postings and none asking for the
  skill, the share is 0 ("mentioned in none of N postings").
- **Trend** (the one rule, ``trend_direction``): the share over the latest ``TREND_MONTHS`` complete
  months against the ``TREND_MONTHS`` before. *Rising* when it grew by at least ``TREND_MIN_POINTS``
  percentage points **and** by at least ``TREND_MIN_RELATIVE`` of its earlier value (any growth from
  0 is relative enough), with at least ``TREND_MIN_POSTINGS`` postings asking for the skill in the latest
  period; *falling* when it shrank by as much on both counts, with at least ``TREND_MIN_POSTINGS``
  asking in the earlier period; *stable* otherwise. Each period needs ``MIN_SAMPLE`` postings in the
  scope, else "too few postings".

- **Basis** (``BASES``): what a figure counts. Stored figures (every page, the demand rows, tiers and
  co-occurrence) count a posting once, in the month it was **first seen** (``posted_on``). The API's top
  skills and trends can count instead the postings **open** at any time in a period (from posted until
  closed on their job board, ``open_postings``). Every figure says which (``basis`` and its label).

``docs/demand.md`` describes the same rules with a worked example.
"""

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date

from .months import add_months, month_start

# Below this many postings of a scope in a period, a share is "too few postings", not a number: with 30
# postings one more or fewer moves a share by about 3 points, which is as fine as a page reads it.
MIN_SAMPLE = getattr(settings, "CAREERHUB_DEMAND_MIN_SAMPLE", 30)
WINDOW_MONTHS = 12
TREND_MONTHS = 3
# A trend moves when the share changed by at least this many percentage points ...
TREND_MIN_POINTS = getattr(settings, "CAREERHUB_DEMAND_TREND_THRESHOLD", 2.0)
# ... and by at least this fraction of the earlier share (0.2: 10% -> 12% rises, 50% -> 52% does not).
TREND_MIN_RELATIVE = 0.2
# ... with at least this many postings asking for the skill in the period with the larger share: 0 -> 2 of 80
# postings is 2.5 points "up" from nothing, which is chance, not a trend.
TREND_MIN_POSTINGS = 5

TOO_FEW = "too few postings"

BASIS_FIRST_SEEN = "first_seen"
BASIS_OPEN = "open"
BASES = {
    BASIS_FIRST_SEEN: "postings first seen (posted) in the period",
    BASIS_OPEN: "postings open at any time in the period",
}


def demand_today() -> datetime.date:
    """Today, for the demand window: ``CAREERHUB_DEMAND_TODAY`` when set (tests and fixed-date demos), else the
    local date. The one place the window reads the clock."""
    fixed = getattr(settings, "CAREERHUB_DEMAND_TODAY", None)
    if isinstance(fixed, str):
        fixed = parse_date(fixed)
    return fixed or timezone.localdate()


@dataclass(frozen=True)
class DemandWindow:
    """The complete months that shares and trends are computed over, ending with the latest complete month."""

    last: datetime.date  # the first day of the latest complete month
    months: int = WINDOW_MONTHS
    trend_months: int = TREND_MONTHS

    @classmethod
    def before(cls, today: datetime.date) -> "DemandWindow":
        """The window of a given day: every complete month before the month of ``today``."""
        return cls(last=add_months(month_start(today), -1))

    @classmethod
    def current(cls) -> "DemandWindow":
        return cls.before(demand_today())

    @property
    def first(self) -> datetime.date:
        """The first month of the share window."""
        return add_months(self.last, -self.months + 1)

    @property
    def to_date(self) -> datetime.date:
        """The first month left out as "to date" (the running month): it and every later month."""
        return add_months(self.last, 1)

    @property
    def trend_from(self) -> datetime.date:
        """The first month of the trend's latest period (the latest ``trend_months`` complete months)."""
        return add_months(self.last, -self.trend_months + 1)

    @property
    def previous_from(self) -> datetime.date:
        """The first month of the period the trend compares with (the ``trend_months`` before)."""
        return add_months(self.last, -2 * self.trend_months + 1)

    @property
    def start(self) -> datetime.date:
        """The earliest month any figure of the window reads."""
        return min(self.first, self.previous_from)

    @property
    def label(self) -> str:
        """'12 months to November 2026'."""
        return f"{self.months} months to {self.last:%B %Y}"

    @property
    def trend_label(self) -> str:
        """'Sep to Nov 2026 against Jun to Aug 2026' (with en dashes)."""
        previous_last = add_months(self.trend_from, -1)
        return f"{months_span(self.trend_from, self.last)} against {months_span(self.previous_from, previous_last)}"

    @property
    def basis_label(self) -> str:
        """What the window's stored figures count, for a page: "postings counted in the month first seen"."""
        return "each posting counted once, in the month it was first seen"

    @property
    def key(self) -> str:
        """What cached figures of this window are keyed by."""
        return f"{self.last:%Y-%m}:{self.months}:{self.trend_months}"


DASH = "\N{EN DASH}"


def months_span(first: datetime.date, last: datetime.date) -> str:
    """A run of months as a page names it: 'Sep 2026', 'Sep to Nov 2026', 'Nov 2025 to Jan 2026' (with en dashes)."""
    if first == last:
        return f"{last:%b %Y}"
    if first.year == last.year:
        return f"{first:%b}{DASH}{last:%b %Y}"
    return f"{first:%b %Y}{DASH}{last:%b %Y}"


def trend_direction(current: int, current_total: int, previous: int, previous_total: int) -> str:
    """The one trend rule (module docstring): "rising", "falling", "stable" or "too few postings".

    Computed with exact fractions, so a share that sits exactly on a threshold always reads the same.
    """
    if current_total < MIN_SAMPLE or previous_total < MIN_SAMPLE:
        return TOO_FEW
    now, before = Fraction(current, current_total), Fraction(previous, previous_total)
    points = Fraction(str(TREND_MIN_POINTS)) / 100
    relative = Fraction(str(TREND_MIN_RELATIVE))
    if now - before >= points and now >= before * (1 + relative) and current >= TREND_MIN_POSTINGS:
        return "rising"
    if before - now >= points and now <= before * (1 - relative) and previous >= TREND_MIN_POSTINGS:
        return "falling"
    return "stable"


def change_points(current: int, current_total: int, previous: int, previous_total: int) -> float | None:
    """The change of share in percentage points, or None when either period has too few postings."""
    if current_total < MIN_SAMPLE or previous_total < MIN_SAMPLE:
        return None
    return 100 * (current / current_total - previous / previous_total)
