"""How figures read in words: shares, changes of share and months (pages, charts and their tables)."""

import datetime


def percent(value: float | None) -> str:
    """0.4231 -> "42%"; below 1% one decimal; None -> "n/a" (too few postings)."""
    if value is None:
        return "n/a"
    share = value * 100
    return f"{share:.1f}%" if 0 < share < 1 else f"{share:.0f}%"


def points(value: float | None) -> str:
    """A change of share in percentage points, signed: "+5.2 points"."""
    if value is None:
        return "n/a"
    return f"{value:+.1f} points"


def month_label(value: datetime.date | None) -> str:
    return value.strftime("%b %Y") if value else ""
