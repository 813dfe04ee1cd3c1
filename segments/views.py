"""Segment pages: what each kind of employer hires for, with its demand evidence."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.core.presenters import share_bars, share_lines
from careerhub.core.visibility import can_see_drafts
from curriculum.selectors import track_list
from postings.demand.fragments import NOW_MONTHS, segment_demand
from postings.selectors import skills_by_id

from .selectors import segment_get, segment_list


def segment_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "segments/segment_list.html", {"segments": segment_list()})


def segment_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    preview = can_see_drafts(request, "segments", "segment")
    segment = segment_get(slug=slug, include_unpublished=preview)
    if segment is None:
        raise Http404("No such segment.")
    tracks = track_list().filter(segments=segment)
    demand = segment_demand(segment_id=segment.pk)
    skills = skills_by_id({e.skill_id for e in demand["top"]} | set(demand["history"]))
    top = [(skills[e.skill_id], e) for e in demand["top"] if e.skill_id in skills][:10]
    as_of = demand["as_of"]
    period = f"the {NOW_MONTHS} months to {as_of:%B %Y}" if as_of else ""
    bars = share_bars(
        [(skill.name, evidence) for skill, evidence in top],
        title=f"Skills most asked for by {segment.name} employers",
        description=(f"Share of the {demand['total']} {segment.name} postings of {period} that ask for each skill, "
                     "with its 12-month direction."),
        chart_id="top-skills-chart",
    )
    lines = share_lines(
        [(skills[skill_id].name, points) for skill_id, points in demand["history"].items() if skill_id in skills],
        title=f"Share of {segment.name} postings asking for each top skill, month by month",
        description="Rolling 3-month share over the last 12 months; gaps mark months with too few postings.",
        chart_id="trend-chart",
    )
    return render(
        request,
        "segments/segment_detail.html",
        {"segment": segment, "tracks": tracks, "top": top, "bars": bars, "lines": lines, "as_of": as_of,
         "total": demand["total"], "period": period},
    )
