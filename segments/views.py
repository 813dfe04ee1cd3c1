"""Segment pages: what each kind of employer hires for, with its demand evidence, and two segments compared."""

from django.contrib.humanize.templatetags.humanize import apnumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.core.presenters import share_bars, share_lines
from careerhub.core.visibility import can_see_drafts
from curriculum.selectors import track_list
from postings.demand.fragments import (
    MIN_SAMPLE,
    TIERS,
    DemandWindow,
    TierTable,
    demand_tiers,
    segment_demand,
    tier_rules,
)
from postings.selectors import skills_by_id

from .forms import SegmentCompareForm
from .models import Segment
from .selectors import segment_get, segment_list

TOP_SKILLS = 10


def segment_list_view(request: HttpRequest) -> HttpResponse:
    segments = list(segment_list())
    return render(
        request,
        "segments/segment_list.html",
        {
            "segments": segments,
            "kinds": apnumber(len(segments)),  # "five kinds of employer": as many as are published
            "choices": [(segment.slug, segment.name) for segment in segments],
        },
    )


def _tier_groups(table: TierTable, segment_id: int, skills: dict) -> list[dict]:
    """The segment's skills in each tier, with their names: ``[{"tier", "name", "rule", "rows"}, ...]``."""
    rules = {rule["tier"]: rule for rule in tier_rules(table.window)}
    return [
        {
            **rules[tier],
            "rows": [(skills[row.skill_id], row) for row in table.in_tier(segment_id, tier) if row.skill_id in skills],
        }
        for tier in TIERS
    ]


def _tier_skill_ids(table: TierTable, segment_ids: list[int], top: int = TOP_SKILLS) -> set[int]:
    """The skills a page names from a tier table: those in a tier and the segments' most asked-for ones."""
    return {row.skill_id for segment_id in segment_ids for row in table.in_tier(segment_id)} | {
        row.skill_id for segment_id in segment_ids for row in table.segments.get(segment_id, [])[:top]
    }


def segment_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    preview = can_see_drafts(request, "segments", "segment")
    segment = segment_get(slug=slug, include_unpublished=preview)
    if segment is None:
        raise Http404("No such segment.")
    tracks = track_list().filter(segments=segment)
    demand = segment_demand(segment_id=segment.pk)
    table = demand_tiers(segment_ids=[segment.pk])
    window: DemandWindow = demand["window"]
    skills = skills_by_id(
        {e.skill_id for e in demand["top"]} | set(demand["history"]) | _tier_skill_ids(table, [segment.pk], top=0)
    )
    top = [(skills[e.skill_id], e) for e in demand["top"] if e.skill_id in skills][:TOP_SKILLS]
    bars = share_bars(
        [(skill.name, evidence) for skill, evidence in top],
        title=f"Skills most asked for by {segment.name} employers",
        description=(f"Share of the {demand['total']} {segment.name} postings of the {window.label} that ask for "
                     f"each skill, with its direction ({window.trend_label})."),
        chart_id="top-skills-chart",
        min_sample=MIN_SAMPLE,
        direction_heading=f"Direction ({window.trend_label})",
    )
    lines = share_lines(
        [(skills[skill_id].name, points) for skill_id, points in demand["history"].items() if skill_id in skills],
        title=f"Share of {segment.name} postings asking for each top skill, month by month",
        description=(f"Rolling 3-month share for each of the {window.label}; gaps mark months with too few "
                     "postings."),
        chart_id="trend-chart",
    )
    return render(
        request,
        "segments/segment_detail.html",
        {"segment": segment, "tracks": tracks, "top": top, "bars": bars, "lines": lines, "window": window,
         "total": demand["total"], "to_date": demand["to_date"], "tiers": _tier_groups(table, segment.pk, skills)},
    )


def _side(segment: Segment, table: TierTable, skills: dict, tracks: list) -> dict:
    """One segment of a comparison: its postings, tiers, most asked-for skills and the tracks that serve it."""
    rows = [(skills[row.skill_id], row) for row in table.segments.get(segment.pk, []) if row.skill_id in skills]
    return {
        "segment": segment,
        "total": table.total(segment.pk).postings,
        "tiers": _tier_groups(table, segment.pk, skills),
        "top": rows[:TOP_SKILLS],
        "tracks": [track for track in tracks if segment in track.segments.all()],
    }


def segment_compare_view(request: HttpRequest) -> HttpResponse:
    """Two segments side by side (``?a=SLUG&b=SLUG``); a missing or unknown slug is a form error (status 400)."""
    form = SegmentCompareForm(request.GET if request.GET else None)
    context: dict = {
        "form": form,
        "choices": segment_list().values_list("slug", "name"),
        "selected_a": request.GET.get("a", "")[:200],
        "selected_b": request.GET.get("b", "")[:200],
    }
    if not form.is_bound or not form.is_valid():
        return render(request, "segments/segment_compare.html", context, status=400 if form.is_bound else 200)
    pair = [form.cleaned_data["a"], form.cleaned_data["b"]]
    table = demand_tiers(segment_ids=[segment.pk for segment in pair])
    skills = skills_by_id(_tier_skill_ids(table, [segment.pk for segment in pair]))
    tracks = list(track_list().filter(segments__in=pair).distinct())
    context.update(
        window=table.window,
        sides=[_side(segment, table, skills, tracks) for segment in pair],
        rules=tier_rules(table.window),
    )
    return render(request, "segments/segment_compare.html", context)
