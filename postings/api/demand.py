"""The demand endpoints: summary rows (cursor pages), top skills, trends and co-occurrence.

Only published skills and published segments are ever named; ``segment`` absent means all segments.
"""

import datetime

from django import forms
from django.db.models import Max
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from careerhub.core.api.views import OrderedCursorPagination, PublicViewSetMixin
from careerhub.core.filters import MonthField
from careerhub.core.visibility import can_see_drafts
from segments.selectors import segment_list, segment_refs

from ..demand.models import SegmentMonthTotal
from ..demand.months import add_months, month_start
from ..demand.selectors import TREND_HORIZONS, cooccurrence, demand_row_list, demand_rows, skill_trends, top_skills
from ..filters import DemandFilterSet
from ..selectors import skill_list
from .serializers import (
    CooccurrenceSerializer,
    DemandRowSerializer,
    TopSkillsSerializer,
    TrendsSerializer,
    share_or_none,
)

DEFAULT_PERIOD_MONTHS = 12


class DemandCursorPagination(OrderedCursorPagination):
    ordering = ("month", "-postings", "id")


class DemandQueryForm(forms.Form):
    """The parameters of the demand views; the period defaults to the 12 months ending with the latest data."""

    segment = forms.ModelChoiceField(queryset=segment_list(), to_field_name="slug", required=False)
    period_from = MonthField(required=False)
    period_to = MonthField(required=False)
    limit = forms.IntegerField(min_value=1, max_value=100, required=False)
    min_postings = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def __init__(self, data, *, request):
        renamed = {"period_from": data.get("from"), "period_to": data.get("to")}
        super().__init__({**{key: data.get(key) for key in ("segment", "limit", "min_postings")}, **renamed})
        self.fields["segment"].queryset = segment_refs(  # the slug is all the views read of it
            include_unpublished=can_see_drafts(request, "segments", "segment")
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        segment = data.get("segment")
        latest = (
            data.get("period_to")
            or SegmentMonthTotal.objects.filter(
                **({"segment": segment} if segment else {"segment__isnull": True})
            ).aggregate(m=Max("month"))["m"]
            or month_start(datetime.date.today())
        )
        data["period_to"] = latest
        data["period_from"] = data.get("period_from") or add_months(latest, -DEFAULT_PERIOD_MONTHS + 1)
        if data["period_from"] > data["period_to"]:
            raise forms.ValidationError({"period_from": "The first month comes after the last."})
        return data

    def api_errors(self) -> dict:
        names = {"period_from": "from", "period_to": "to", "__all__": "-"}
        return {names.get(field, field): [str(m) for m in messages] for field, messages in self.errors.items()}


SEGMENT = OpenApiParameter("segment", str, description="Segment slug; all segments together when absent.")
FROM = OpenApiParameter("from", str, description="First month, YYYY-MM (default: 11 months before `to`).")
TO = OpenApiParameter("to", str, description="Last month, YYYY-MM, included (default: the latest with data).")
LIMIT = OpenApiParameter("limit", int, description="How many rows, 1 to 100 (default 20).")


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

    def _query(self) -> dict:
        form = DemandQueryForm(self.request.query_params, request=self.request)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        return form.cleaned_data

    @extend_schema(parameters=[SEGMENT, FROM, TO, LIMIT], responses=TopSkillsSerializer, filters=False)
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=TopSkillsSerializer)
    def top(self, request):
        """The skills most asked for in a segment (or all) over a period, with their share of postings."""
        query = self._query()
        segment = query["segment"]
        ranked = top_skills(
            segment=segment, month_from=query["period_from"], month_to=query["period_to"], limit=query["limit"] or 20
        )
        total = ranked[0].total if ranked else 0
        return Response(
            {
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
        parameters=[SEGMENT, OpenApiParameter("to", str, description="The month trends end at (default: latest).")],
        responses=TrendsSerializer,
        filters=False,
    )
    @action(detail=False, filterset_class=None, pagination_class=None, serializer_class=TrendsSerializer)
    def trends(self, request):
        """Each published skill's share over the last 3, 6 and 12 months against the months before."""
        query = self._query()
        segment, as_of = query["segment"], query["period_to"]
        trends = skill_trends(segment=segment, as_of=as_of)
        skills = skill_list().filter(pk__in=list(trends)).order_by("name")
        return Response(
            {
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


def _skill(skill) -> dict:
    return {"slug": skill.slug, "name": skill.name, "category": skill.category.slug}
