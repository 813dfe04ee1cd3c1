"""The demand endpoints: summary rows (cursor pages), top skills, trends, co-occurrence and skill tiers.

Only published skills and published segments are ever named; ``segment`` absent means all segments.
Periods default to the one demand window (``demand.window.DemandWindow``): complete months only. Every
answer names its basis (``basis``, ``basis_label``): postings first seen in a period (the stored
figures), or, for top skills and trends on request, postings open at any time in it.
"""

from django import forms
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from careerhub.core.api.views import OrderedCursorPagination, PublicViewSetMixin
from careerhub.core.filters import MonthField
from careerhub.core.visibility import can_see_drafts
from segments.selectors import segment_list, segment_refs

from ..demand.months import add_months
from ..demand.open_postings import skill_trends_open, top_skills_open
from ..demand.selectors import TREND_HORIZONS, cooccurrence, demand_row_list, demand_rows, skill_trends, top_skills
from ..demand.tiers import TIER_NAMES, tier_rules, tier_table, tier_thresholds
from ..demand.window import BASES, BASIS_FIRST_SEEN, BASIS_OPEN, DemandWindow
from ..filters import DemandFilterSet
from ..selectors import skill_list
from .serializers import (
    CooccurrenceSerializer,
    DemandRowSerializer,
    TiersSerializer,
    TopSkillsSerializer,
    TrendsSerializer,
    share_or_none,
)


class DemandCursorPagination(OrderedCursorPagination):
    ordering = ("month", "-postings", "id")


class DemandQueryForm(forms.Form):
    """The parameters of the demand views; the period defaults to the demand window's months (complete ones)."""

    segment = forms.ModelChoiceField(queryset=segment_list(), to_field_name="slug", required=False)
    period_from = MonthField(required=False)
    period_to = MonthField(required=False)
    limit = forms.IntegerField(min_value=1, max_value=100, required=False)
    basis = forms.ChoiceField(choices=list(BASES.items()), required=False)
    min_postings = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def __init__(self, data, *, request):
        renamed = {"period_from": data.get("from"), "period_to": data.get("to")}
        kept = ("segment", "limit", "min_postings", "basis")
        super().__init__({**{key: data.get(key) for key in kept}, **renamed})
        self.fields["segment"].queryset = segment_refs(  # the slug is all the views read of it
            include_unpublished=can_see_drafts(request, "segments", "segment")
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        window = DemandWindow.current()
        data["period_to"] = data.get("period_to") or window.last
        data["period_from"] = data.get("period_from") or add_months(data["period_to"], -window.months + 1)
        if data["period_from"] > data["period_to"]:
            raise forms.ValidationError({"period_from": "The first month comes after the last."})
        return data

    def api_errors(self) -> dict:
        names = {"period_from": "from", "period_to": "to", "__all__": "-"}
        return {names.get(field, field): [str(m) for m in messages] for field, messages in self.errors.items()}


class TiersQueryForm(forms.Form):
    """The parameters of the tiers view: a published segment (required) and, optionally, one tier."""

    segment = forms.ModelChoiceField(
        queryset=segment_refs(), to_field_name="slug",
        error_messages={
            "required": "Name a published segment by its slug (?segment=big-tech).",
            "invalid_choice": "No published segment has this slug.",
        },
    )
    tier = forms.ChoiceField(choices=[("", "any"), *TIER_NAMES.items()], required=False)

    def __init__(self, data):
        super().__init__({key: data.get(key) for key in ("segment", "tier")})


SEGMENT = OpenApiParameter("segment", str, description="Segment slug; all segments together when absent.")
FROM = OpenApiParameter("from", str, description="First month, YYYY-MM (default: 11 months before `to`).")
TO = OpenApiParameter(
    "to", str, description="Last month, YYYY-MM, included (default: the latest complete month)."
)
LIMIT = OpenApiParameter("limit", int, description="How many rows, 1 to 100 (default 20).")
BASIS = OpenApiParameter(
    "basis", str, enum=list(BASES),
    description="first_seen (default): postings first seen (posted) in the period; open: postings open at any "
    "time in it (from posted until closed on their board).",
)  # fmt: skip
FIRST_SEEN_ONLY = OpenApiParameter(
    "basis", str, enum=[BASIS_FIRST_SEEN], description="Co-occurrence counts postings first seen in the period only."
)


class DemandViewSet(PublicViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Skill demand of published postings, per segment (or all segments) and month."""

    model_label = ("postings", "skilldemand")
    editor_fields = ()
    serializer_class = DemandRowSerializer
    filterset_class = DemandFilterSet
    pagination_class = DemandCursorPagination
    supports_fields = True

    def get_queryset(self):
        if self.action == "list" and "ordering" not in self.request.query_params:
            return demand_rows()  # plain rows; the cursor reads its position (month) from them too
        return demand_row_list()

    def _query(self, *, bases: tuple[str, ...] = (BASIS_FIRST_SEEN,)) -> dict:
        form = DemandQueryForm(self.request.query_params, request=self.request)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        data = form.cleaned_data
        data["basis"] = data["basis"] or BASIS_FIRST_SEEN
        if data["basis"] not in bases:
            raise ValidationError({"basis": [f"This figure counts {BASES[BASIS_FIRST_SEEN]} only (basis=first_seen)."]})
        return data

    @extend_schema(parameters=[SEGMENT, FROM, TO, LIMIT, BASIS], responses=TopSkillsSerializer, filters=False)
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=TopSkillsSerializer)
    def top(self, request):
        """The skills most asked for in a segment (or all) over a period, with their share of postings."""
        query = self._query(bases=(BASIS_FIRST_SEEN, BASIS_OPEN))
        segment, basis = query["segment"], query["basis"]
        count = top_skills_open if basis == BASIS_OPEN else top_skills
        ranked = count(
            segment=segment, month_from=query["period_from"], month_to=query["period_to"], limit=query["limit"] or 20
        )
        total = ranked[0].total if ranked else 0
        return Response(
            {
                **_basis(basis),
                "segment": segment.slug if segment else None,
                "period_from": f"{query['period_from']:%Y-%m}",
                "period_to": f"{query['period_to']:%Y-%m}",
                "total": total,
                "results": [
                    {
                        "rank": row.rank,
                        "skill": _skill(row.skill),
                        "postings": row.postings,
                        "share": share_or_none(row.postings, row.total),
                    }
                    for row in ranked
                ],
            }
        )

    @extend_schema(
        parameters=[
            SEGMENT,
            OpenApiParameter("to", str, description="The month trends end at (default: the latest complete month)."),
            BASIS,
        ],
        responses=TrendsSerializer,
        filters=False,
    )
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=TrendsSerializer)
    def trends(self, request):
        """Each published skill's share over the last 3, 6 and 12 months against the months before.

        Labels follow the one trend rule (docs/demand.md); the pages' direction is the 3-month one.
        """
        query = self._query(bases=(BASIS_FIRST_SEEN, BASIS_OPEN))
        segment, as_of, basis = query["segment"], query["period_to"], query["basis"]
        trends = (skill_trends_open if basis == BASIS_OPEN else skill_trends)(segment=segment, as_of=as_of)
        skills = skill_list().filter(pk__in=list(trends)).order_by("name")
        return Response(
            {
                **_basis(basis),
                "segment": segment.slug if segment else None,
                "as_of": f"{as_of:%Y-%m}",
                "results": [
                    {
                        "skill": _skill(skill),
                        "trends": [
                            {
                                "months": h,
                                "current": t.current,
                                "current_total": t.current_total,
                                "previous": t.previous,
                                "previous_total": t.previous_total,
                                "change": None if t.change is None else round(t.change, 2),
                                "label": t.label,
                            }
                            for h in TREND_HORIZONS
                            for t in [trends[skill.pk][h]]
                        ],
                    }
                    for skill in skills
                ],
            }
        )

    @extend_schema(
        parameters=[
            SEGMENT,
            FROM,
            TO,
            LIMIT,
            OpenApiParameter("min_postings", int, description="Pairs seen together at least this often."),
            FIRST_SEEN_ONLY,
        ],
        responses=CooccurrenceSerializer,
        filters=False,
    )
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=CooccurrenceSerializer)
    def cooccurrence(self, request):
        """The pairs of published skills most often asked for together, with their lift."""
        query = self._query()
        segment = query["segment"]
        pairs = cooccurrence(
            segment=segment,
            month_from=query["period_from"],
            month_to=query["period_to"],
            limit=query["limit"] or 20,
            min_postings=query["min_postings"] or 3,
            published_skills_only=True,
        )
        skills = skill_list().in_bulk({pair.skill_a for pair in pairs} | {pair.skill_b for pair in pairs})
        return Response(
            {
                **_basis(BASIS_FIRST_SEEN),
                "segment": segment.slug if segment else None,
                "period_from": f"{query['period_from']:%Y-%m}",
                "period_to": f"{query['period_to']:%Y-%m}",
                "results": [
                    {
                        "skill_a": _skill(skills[p.skill_a]),
                        "skill_b": _skill(skills[p.skill_b]),
                        "postings": p.postings,
                        "lift": round(p.lift, 4),
                    }
                    for p in pairs
                ],
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("segment", str, required=True, description="Slug of a published segment."),
            OpenApiParameter("tier", str, enum=list(TIER_NAMES), description="Only this tier (default: any)."),
        ],
        responses=TiersSerializer,
        filters=False,
    )
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=TiersSerializer)
    def tiers(self, request):
        """The core, distinguishing and rising skills of a published segment over the demand window.

        Complete months only; the rules and thresholds are in the answer (``rules``, ``thresholds``) and in
        docs/demand.md. A skill can be in several tiers; skills in none are left out.
        """
        form = TiersQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
        segment, window = form.cleaned_data["segment"], DemandWindow.current()
        table = tier_table(window=window, segment_ids=[segment.pk])
        rows = table.in_tier(segment.pk, form.cleaned_data["tier"] or None)
        skills = skill_list().in_bulk([row.skill_id for row in rows])
        return Response(
            {
                **_basis(BASIS_FIRST_SEEN),
                "segment": segment.slug,
                "window": _window(window),
                "total": table.total(segment.pk).postings,
                "thresholds": tier_thresholds(),
                "rules": tier_rules(window),
                "results": [_tier_row(row, skills[row.skill_id]) for row in rows if row.skill_id in skills],
            }
        )


def _basis(basis: str) -> dict:
    return {"basis": basis, "basis_label": BASES[basis]}


def _window(window: DemandWindow) -> dict:
    return {
        "label": window.label,
        "first": f"{window.first:%Y-%m}",
        "last": f"{window.last:%Y-%m}",
        "months": window.months,
        "to_date_from": f"{window.to_date:%Y-%m}",
        "trend_current": [f"{window.trend_from:%Y-%m}", f"{window.last:%Y-%m}"],
        "trend_previous": [f"{window.previous_from:%Y-%m}", f"{add_months(window.trend_from, -1):%Y-%m}"],
    }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _tier_row(row, skill) -> dict:
    figures = row.figures
    return {
        "skill": _skill(skill),
        "tiers": list(row.tiers),
        "postings": figures.postings,
        "share": _rounded(figures.share),
        "other_postings": row.other_postings,
        "other_total": row.other_total,
        "other_share": _rounded(row.other_share),
        "lift": _rounded(row.lift),
        "trend": {
            "current": figures.current,
            "current_total": figures.current_total,
            "previous": figures.previous,
            "previous_total": figures.previous_total,
            "change": _rounded(figures.change, 2),
            "direction": figures.direction,
        },
    }


def _skill(skill) -> dict:
    return {"slug": skill.slug, "name": skill.name, "category": skill.category.slug}
