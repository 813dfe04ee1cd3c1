"""Demand by postings **open** in a period, next to the stored figures, which count postings **first seen** in it.

The stored cells count a posting in the month it was posted (``posted_on``: when its board first listed
it). A posting stays open from that day until ``closed_on`` (the first sync that no longer saw it; never,
for postings not from a job board). So a posting posted in March and closed in June is *first seen* in
March only, and *open* in March, April, May and June. Open counts are computed on read from the source
rows, with the same counted rule (published, not a duplicate, link not rejected); they are not cached
cells, so they cost a scan of the scope's postings of the period (index ``posting_counted_segment_date``).
Top skills (``top_skills_open``) and trends (``skill_trends_open``) are counted this way on request; the
bases are named in ``window.BASES``.
"""

import datetime

from django.db.models import Count, Q

from careerhub.core.editorial import Status
from segments.models import Segment

from ..models import Posting, PostingSkill
from .marks import COUNTED_LINK, COUNTED_POSTING
from .months import add_months
from .selectors import TREND_HORIZONS, CategoryRef, SkillRef, SkillShare, Trend


def open_in(month_from: datetime.date, month_to: datetime.date, prefix: str = "") -> Q:
    """Postings open at some time between the first day of ``month_from`` and the last of ``month_to``."""
    end = add_months(month_to, 1)
    return Q(**{f"{prefix}posted_on__lt": end}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": month_from})
    )


def top_skills_open(
    *, segment: Segment | None, month_from: datetime.date, month_to: datetime.date, limit: int = 20
) -> list[SkillShare]:
    """``top_skills`` counted over the postings open in the period instead of those first seen in it."""
    postings = Posting.objects.filter(COUNTED_POSTING, open_in(month_from, month_to))
    links = PostingSkill.objects.filter(COUNTED_LINK, open_in(month_from, month_to, "posting__"),
                                        skill__status=Status.PUBLISHED)  # fmt: skip
    if segment is not None:
        postings, links = postings.filter(segment=segment), links.filter(posting__segment=segment)
    total = postings.count()
    rows = (
        links.values_list("skill_id", "skill__slug", "skill__name", "skill__category__slug")
        .annotate(n=Count("posting_id", distinct=True))
        .order_by("-n", "skill_id")[:limit]
    )
    ranked, rank, previous = [], 0, None
    for position, (skill_id, slug, name, category, n) in enumerate(rows, start=1):
        if n != previous:
            rank, previous = position, n
        ranked.append(SkillShare(skill=SkillRef(skill_id, slug, name, CategoryRef(category)), postings=n,
                                 total=total, rank=rank))  # fmt: skip
    return ranked


def skill_trends_open(
    *, segment: Segment | None, as_of: datetime.date, horizons: tuple[int, ...] = TREND_HORIZONS
) -> dict[int, dict[int, Trend]]:
    """``skill_trends`` counted over the postings open in each period: for each horizon N, the postings open
    in the last N months against those open in the N months before (a posting open across both counts in
    both). Two queries, as ``skill_trends``."""
    periods = {h: (add_months(as_of, -h + 1), add_months(as_of, -2 * h + 1)) for h in horizons}

    def counts(prefix: str, distinct: str) -> dict:
        annotations = {}
        for h, (current_from, previous_from) in periods.items():
            before = add_months(current_from, -1)
            annotations[f"c{h}"] = Count(distinct, distinct=True, filter=open_in(current_from, as_of, prefix))
            annotations[f"p{h}"] = Count(distinct, distinct=True, filter=open_in(previous_from, before, prefix))
        return annotations

    earliest = add_months(as_of, -2 * max(horizons) + 1)
    postings = Posting.objects.filter(COUNTED_POSTING, open_in(earliest, as_of))
    links = PostingSkill.objects.filter(COUNTED_LINK, open_in(earliest, as_of, "posting__"),
                                        skill__status=Status.PUBLISHED)  # fmt: skip
    if segment is not None:
        postings, links = postings.filter(segment=segment), links.filter(posting__segment=segment)
    totals = postings.aggregate(**counts("", "id"))
    trends: dict[int, dict[int, Trend]] = {}
    for row in links.values("skill_id").annotate(**counts("posting__", "posting_id")).order_by():
        trends[row["skill_id"]] = {
            h: Trend(skill_id=row["skill_id"], horizon=h, current=row[f"c{h}"], current_total=totals[f"c{h}"],
                     previous=row[f"p{h}"], previous_total=totals[f"p{h}"])
            for h in horizons
        }  # fmt: skip
    return trends
