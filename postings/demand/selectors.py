"""Reads of the demand summaries: shares, ranks, top skills, trends and co-occurrence.

Shares and ranks are derived here from the stored counts and totals, so they can never
disagree with them. ``segment=None`` means all segments together.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Sum, When, Window
from django.db.models.functions import Cast, Rank

from careerhub.core.editorial import Status
from careerhub.core.visibility import public_q
from segments.models import Segment

from ..models import Posting, PostingSkill, Skill
from .models import SegmentMonthTotal, SkillDemand
from .months import add_months
from .window import MIN_SAMPLE, change_points, trend_direction

TREND_HORIZONS = (3, 6, 12)


def _scope(segment: Segment | None) -> Q:
    return Q(segment=segment) if segment is not None else Q(segment__isnull=True)


def demand_cells(
    *, segment: Segment | None = None, month_from: datetime.date | None = None, month_to: datetime.date | None = None
) -> QuerySet[SkillDemand]:
    """Monthly cells of one scope, with the segment-month total, the share and the rank within it.

    Only published skills are listed (their rank counts every skill, so ranks match the source).
    """
    totals = SegmentMonthTotal.objects.filter(month=OuterRef("month"))
    total = Case(
        When(segment__isnull=True, then=Subquery(totals.filter(segment__isnull=True).values("postings")[:1])),
        default=Subquery(totals.filter(segment_id=OuterRef("segment_id")).values("postings")[:1]),
    )
    cells = SkillDemand.objects.filter(_scope(segment))
    if month_from:
        cells = cells.filter(month__gte=month_from)
    if month_to:
        cells = cells.filter(month__lte=month_to)
    return (
        cells.select_related("skill", "segment")
        .annotate(
            total=total,
            share=Cast(F("postings"), FloatField()) / Cast(F("total"), FloatField()),
            rank=Window(Rank(), partition_by=[F("segment_id"), F("month")], order_by=F("postings").desc()),
        )
        .order_by("month", "rank", "skill__name")
    )


_demand_rows: list[QuerySet[SkillDemand]] = []


def demand_row_list() -> QuerySet[SkillDemand]:
    """Every summary cell of published skills, with its segment-month ``total`` and its ``rank`` in the month.

    The rank is a correlated count (1 + the published skills of the same scope and month with more
    postings), not a window function: a cursor page filters rows by month, and a window would then rank
    only the rows left on the page. Ranks are among the skills the public sees (the one visibility
    rule): a hidden skill never pushes a visible one down, so the first row shown is rank 1.

    The query (four subqueries) is built once per process and cloned for each caller, as DRF does
    with a view's ``queryset``: building it cost more than a page of its rows.
    """
    if not _demand_rows:
        _demand_rows.append(_demand_row_list())
    return _demand_rows[0].all()


def _demand_row_list() -> QuerySet[SkillDemand]:
    totals = SegmentMonthTotal.objects.filter(month=OuterRef("month"))
    total = Case(
        When(segment__isnull=True, then=Subquery(totals.filter(segment__isnull=True).values("postings")[:1])),
        default=Subquery(totals.filter(segment_id=OuterRef("segment_id")).values("postings")[:1]),
    )
    above = SkillDemand.objects.filter(
        public_q(Skill, "skill__"), month=OuterRef("month"), postings__gt=OuterRef("postings")
    ).order_by()
    ahead = Case(
        When(segment__isnull=True, then=Subquery(_count(above.filter(segment__isnull=True)))),
        default=Subquery(_count(above.filter(segment_id=OuterRef("segment_id")))),
    )
    return (
        SkillDemand.objects.filter(public_q(Skill, "skill__"))
        .select_related("skill__category", "segment")
        # What a row shows; not the segment's long texts nor the skill's description and sources.
        .only("id", "month", "postings", "segment__slug", "skill__slug", "skill__name", "skill__category__slug")
        .annotate(total=total, rank=ahead + 1)
        .order_by("month", "-postings", "id")
    )


DEMAND_ROW_FIELDS = (
    "id", "segment_id", "segment__slug", "skill__slug", "skill__name", "skill__category__slug", "month", "postings",
    "total", "rank",
)


def demand_rows() -> QuerySet:
    """``demand_row_list`` as plain rows (``DEMAND_ROW_FIELDS``): what a page of the API shows, no model instances."""
    return demand_row_list().values(*DEMAND_ROW_FIELDS)


def _count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(n=Func(F("id"), function="COUNT")).values("n")


class CategoryRef(NamedTuple):
    slug: str


class SkillRef(NamedTuple):
    """What a ranking names of a skill: read with the ranking itself, not as a model instance."""

    id: int
    slug: str
    name: str
    category: CategoryRef


@dataclass(frozen=True)
class SkillShare:
    skill: SkillRef
    postings: int
    total: int
    rank: int

    @property
    def share(self) -> float | None:
        """The share of postings, or None when the sample is too small to show one."""
        return self.postings / self.total if self.total >= MIN_SAMPLE else None


def top_skills(
    *, segment: Segment | None, month_from: datetime.date, month_to: datetime.date, limit: int = 20
) -> list[SkillShare]:
    """The skills most asked for in a scope over a period of months (inclusive), with their share."""
    total = (
        SegmentMonthTotal.objects.filter(_scope(segment), month__gte=month_from, month__lte=month_to)
        .aggregate(n=Sum("postings"))["n"]
        or 0
    )
    rows = (
        SkillDemand.objects.filter(_scope(segment), month__gte=month_from, month__lte=month_to,
                                   skill__status=Status.PUBLISHED)
        # The skill's slug, name and category depend on its id alone: grouping by them changes nothing.
        .values_list("skill_id", "skill__slug", "skill__name", "skill__category__slug")
        .annotate(n=Sum("postings"))
        .order_by("-n", "skill_id")[:limit]
    )
    ranked, rank, previous = [], 0, None
    for position, (skill_id, slug, name, category, n) in enumerate(rows, start=1):
        if n != previous:
            rank, previous = position, n
        skill = SkillRef(skill_id, slug, name, CategoryRef(category))
        ranked.append(SkillShare(skill=skill, postings=n, total=total, rank=rank))
    return ranked


@dataclass(frozen=True)
class Trend:
    skill_id: int
    horizon: int  # months
    current: int
    current_total: int
    previous: int
    previous_total: int

    @property
    def enough(self) -> bool:
        return self.current_total >= MIN_SAMPLE and self.previous_total >= MIN_SAMPLE

    @property
    def change(self) -> float | None:
        """Change of share in percentage points, or None with too few postings."""
        return change_points(self.current, self.current_total, self.previous, self.previous_total)

    @property
    def label(self) -> str:
        """The direction by the one trend rule (``window.trend_direction``)."""
        return trend_direction(self.current, self.current_total, self.previous, self.previous_total)


def skill_trends(
    *, segment: Segment | None, as_of: datetime.date, skill_ids: list[int] | None = None,
    horizons: tuple[int, ...] = TREND_HORIZONS,
) -> dict[int, dict[int, Trend]]:
    """For each skill: its share over the last N months against the N months before, for each horizon N.

    ``{skill_id: {horizon: Trend}}``; two queries whatever the number of skills.
    """
    start = add_months(as_of, -2 * max(horizons) + 1)
    windows = {h: (add_months(as_of, -h + 1), add_months(as_of, -2 * h + 1)) for h in horizons}

    def window_sums(queryset, key):
        annotations = {}
        for h, (current_from, previous_from) in windows.items():
            annotations[f"c{h}"] = Sum("postings", filter=Q(month__gte=current_from, month__lte=as_of), default=0)
            annotations[f"p{h}"] = Sum("postings", filter=Q(month__gte=previous_from, month__lt=current_from),
                                       default=0)
        return queryset.values(*key).annotate(**annotations).order_by() if key else queryset.aggregate(**annotations)

    totals = window_sums(SegmentMonthTotal.objects.filter(_scope(segment), month__gte=start, month__lte=as_of), None)
    cells = SkillDemand.objects.filter(_scope(segment), month__gte=start, month__lte=as_of)
    if skill_ids is not None:
        cells = cells.filter(skill_id__in=skill_ids)
    trends: dict[int, dict[int, Trend]] = {}
    for row in window_sums(cells, ["skill_id"]):
        trends[row["skill_id"]] = {
            h: Trend(skill_id=row["skill_id"], horizon=h, current=row[f"c{h}"], current_total=totals[f"c{h}"] or 0,
                     previous=row[f"p{h}"], previous_total=totals[f"p{h}"] or 0)
            for h in horizons
        }
    return trends


@dataclass(frozen=True)
class SkillPair:
    skill_a: int
    skill_b: int
    postings: int
    lift: float


def cooccurrence(
    *, segment: Segment | None, month_from: datetime.date, month_to: datetime.date, limit: int = 20,
    min_postings: int = 3, published_skills_only: bool = False,
) -> list[SkillPair]:
    """The pairs of skills most often asked for together, with their lift (how much more often than chance).

    Computed from the source rows with one self-join, so it can never drift from them.
    ``published_skills_only`` leaves out pairs with a skill that is not published (the public's view).
    """
    postings = Posting._meta.db_table
    links = PostingSkill._meta.db_table
    skills = Skill._meta.db_table
    where = ["p.status = %s", "p.duplicate_of_id IS NULL", "p.posted_on >= %s", "p.posted_on < %s"]
    params: list = [Status.PUBLISHED, month_from, add_months(month_to, 1)]
    if segment is not None:
        where.append("p.segment_id = %s")
        params.append(segment.pk)
    counted = f"""
        SELECT l.posting_id, l.skill_id FROM {links} l JOIN {postings} p ON p.id = l.posting_id
        WHERE l.state <> 'rejected' AND {' AND '.join(where)}
    """
    published_pairs = (
        f"WHERE a.skill_id IN (SELECT id FROM {skills} WHERE status = %s)"
        f" AND b.skill_id IN (SELECT id FROM {skills} WHERE status = %s)"
        if published_skills_only
        else ""
    )
    pair_params = [Status.PUBLISHED, Status.PUBLISHED] if published_skills_only else []
    # The pairs join the counted links to the links table itself (b), not to a second scan of ``counted``:
    # a posting's other links are an index lookup, so even a plan made without statistics (a freshly loaded
    # database) stays linear in the links; a nested loop over two scans of ``counted`` was quadratic (40 s
    # at 30,000 postings). ``b`` needs only the link's own filter: its posting is ``a``'s, already counted.
    sql = f"""
        WITH counted AS ({counted}),
             singles AS (SELECT skill_id, COUNT(*) AS n FROM counted GROUP BY skill_id),
             total AS (SELECT COUNT(DISTINCT posting_id) AS n FROM counted),
             pairs AS (
                 SELECT a.skill_id AS skill_a, b.skill_id AS skill_b, COUNT(*) AS together
                 FROM counted a
                 JOIN {links} b ON b.posting_id = a.posting_id AND b.skill_id > a.skill_id AND b.state <> 'rejected'
                 {published_pairs}
                 GROUP BY a.skill_id, b.skill_id
                 HAVING COUNT(*) >= %s
             )
        SELECT pairs.skill_a, pairs.skill_b, pairs.together,
               pairs.together * 1.0 * (SELECT n FROM total) / (sa.n * sb.n) AS lift
        FROM pairs
        JOIN singles sa ON sa.skill_id = pairs.skill_a
        JOIN singles sb ON sb.skill_id = pairs.skill_b
        ORDER BY together DESC, lift DESC, pairs.skill_a, pairs.skill_b
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pair_params, min_postings, limit])
        return [SkillPair(skill_a=a, skill_b=b, postings=n, lift=float(lift)) for a, b, n, lift in cursor.fetchall()]


# --- Reads for the public pages: several segments and skills at once, in a fixed number of queries ---


def scopes_filter(segment_ids: list[int | None]) -> Q:
    """Rows of the given segments; ``None`` among them is the scope of all segments together."""
    ids = [segment_id for segment_id in segment_ids if segment_id is not None]
    scope = Q(segment_id__in=ids) if ids else Q(pk__in=[])
    if None in segment_ids:
        scope |= Q(segment__isnull=True)
    return scope


@dataclass(frozen=True)
class SharePoint:
    """One point of a share-over-time series: postings asking for the skill out of all postings, in a window."""

    month: datetime.date  # the last month of the window
    postings: int
    total: int

    @property
    def share(self) -> float | None:
        return self.postings / self.total if self.total >= MIN_SAMPLE else None


def rolling_shares(
    *, segment_ids: list[int | None], skill_ids: list[int], as_of: datetime.date, months: int = 12, window: int = 3
) -> dict[tuple[int | None, int], list[SharePoint]]:
    """Share over time per (segment, skill): for each of the last ``months`` months, the share over the
    ``window`` months ending there, so one quiet month does not swing the line. Two queries."""
    first = add_months(as_of, -months + 1)
    start = add_months(first, -window + 1)
    span = Q(month__gte=start, month__lte=as_of) & scopes_filter(segment_ids)
    totals: dict[tuple[int | None, datetime.date], int] = {
        (segment_id, month): n
        for segment_id, month, n in SegmentMonthTotal.objects.filter(span).values_list("segment_id", "month",
                                                                                        "postings")
    }
    counts: dict[tuple[int | None, int, datetime.date], int] = {
        (segment_id, skill_id, month): n
        for segment_id, skill_id, month, n in SkillDemand.objects.filter(span, skill_id__in=skill_ids).values_list(
            "segment_id", "skill_id", "month", "postings"
        )
    }
    ends = [add_months(first, i) for i in range(months)]
    series = {}
    for segment_id in segment_ids:
        for skill_id in skill_ids:
            points = []
            for end in ends:
                window_months = [add_months(end, -i) for i in range(window)]
                points.append(SharePoint(
                    month=end,
                    postings=sum(counts.get((segment_id, skill_id, m), 0) for m in window_months),
                    total=sum(totals.get((segment_id, m), 0) for m in window_months),
                ))
            series[(segment_id, skill_id)] = points
    return series


def skills_asked_with(
    *, skill_id: int, month_from: datetime.date, month_to: datetime.date, limit: int = 10, min_postings: int = 3
) -> list[SkillPair]:
    """The published skills most often asked for in the same postings as ``skill_id``, with their lift.

    ``skill_a`` is always ``skill_id``. The pairs are counted from the source rows (the postings that
    ask for the skill, then their other skills); each skill's own count and the number of postings
    come from the summaries of all segments, which equal the source by the engine's invariant.
    """
    postings, links, skills = Posting._meta.db_table, PostingSkill._meta.db_table, Skill._meta.db_table
    sql = f"""
        WITH mine AS (
                 SELECT l.posting_id FROM {links} l JOIN {postings} p ON p.id = l.posting_id
                 WHERE l.skill_id = %s AND l.state <> 'rejected' AND p.status = %s AND p.duplicate_of_id IS NULL
                   AND p.posted_on >= %s AND p.posted_on < %s
             ),
             together AS (
                 SELECT l.skill_id, COUNT(*) AS n FROM {links} l JOIN mine m ON m.posting_id = l.posting_id
                 WHERE l.skill_id <> %s AND l.state <> 'rejected'
                 GROUP BY l.skill_id HAVING COUNT(*) >= %s
             )
        SELECT t.skill_id, t.n FROM together t JOIN {skills} k ON k.id = t.skill_id
        WHERE k.status = %s
        ORDER BY t.n DESC, t.skill_id
        LIMIT %s
    """
    params = [skill_id, Status.PUBLISHED, month_from, add_months(month_to, 1), skill_id, min_postings,
              Status.PUBLISHED, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    months = Q(segment__isnull=True, month__gte=month_from, month__lte=month_to)
    total = SegmentMonthTotal.objects.filter(months).aggregate(n=Sum("postings"))["n"] or 0
    singles = dict(
        SkillDemand.objects.filter(months, skill_id__in=[skill_id, *(b for b, _ in rows)])
        .values_list("skill_id")
        .annotate(n=Sum("postings"))
        .order_by()
    )
    mine = singles.get(skill_id, 0)
    return [
        SkillPair(skill_a=skill_id, skill_b=b, postings=n,
                  lift=(n * total / (mine * singles[b])) if mine and singles.get(b) else 0.0)
        for b, n in rows
    ]
