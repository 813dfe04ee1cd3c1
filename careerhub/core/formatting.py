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


# A skill's demand figures in words. ``figures`` has ``postings``, ``total``, ``share`` (None below the minimum
# sample), ``direction`` and ``change``: ``postings.demand.figures.SkillFigures``, read here by duck typing.

UNKNOWN_DIRECTION = "too few postings"


def share_text(figures, min_sample: int) -> str:
    """'42% (87 of 206)'; 'mentioned in none of 206 postings' (a sample large enough, no posting asking);
    'too few postings (12, fewer than 30)' (a sample below the minimum: no share at all)."""
    if figures is None or figures.share is None:
        total = figures.total if figures is not None else 0
        return f"too few postings ({total}, fewer than {min_sample})"
    if not figures.postings:
        return f"mentioned in none of {figures.total} postings"
    return f"{percent(figures.share)} ({figures.postings} of {figures.total})"


def direction_text(figures) -> str:
    """'rising (+3.1 points)', 'stable (+0.4 points)', or 'trend unknown (too few postings)'."""
    if figures is None or figures.direction == UNKNOWN_DIRECTION:
        return "trend unknown (too few postings)"
    return f"{figures.direction} ({points(figures.change)})"
