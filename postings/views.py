"""Skill and posting pages: the taxonomy with its demand evidence, and the postings it is counted from."""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.core.filters import UNKNOWN_SLUG, refuse_unknown_slugs
from careerhub.core.presenters import share_bars, share_lines
from careerhub.core.visibility import can_see_drafts
from curriculum.selectors import modules_teaching, tracks_teaching
from segments.selectors import segment_list

from .demand.fragments import skill_demand
from .demand.tiers import TIER_NAMES, tier_rules
from .demand.window import MIN_SAMPLE
from .demo import DEMO_SOURCE
from .filters import PostingFilterSet, SkillIndexFilterSet
from .highlight import highlight
from .selectors import (
    posting_get,
    posting_list_page,
    posting_skill_names,
    skill_category_list,
    skill_choices,
    skill_get,
    skill_list,
    skills_by_id,
)
from .skill_index import skill_index

POSTINGS_PER_PAGE = 20
SKILLS_PER_PAGE = 50
# Counting every match of a filter over 100,000 postings costs more than the page itself, so the list
# is paged without a count: a page reads one posting more than it shows to know whether another follows.
MAX_PAGES = 50


@dataclass(frozen=True)
class PostingPage:
    """One page of a list paged without counting."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * POSTINGS_PER_PAGE + 1

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.object_list) - 1


def posting_page(queryset, raw_number: str | None) -> PostingPage:
    """The requested page (1 to ``MAX_PAGES``; anything else is page 1), in one query."""
    try:
        number = min(max(int(raw_number or 1), 1), MAX_PAGES)
    except ValueError:
        number = 1
    start = (number - 1) * POSTINGS_PER_PAGE
    rows = list(queryset[start : start + POSTINGS_PER_PAGE + 1])
    return PostingPage(rows[:POSTINGS_PER_PAGE], number, len(rows) > POSTINGS_PER_PAGE and number < MAX_PAGES)


def _query_without_page(request: HttpRequest) -> str:
    """The request's query string without its page number: what a pager's links add their page to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def skill_list_view(request: HttpRequest) -> HttpResponse:
    """The skills index: every published skill with its share and direction in a segment (or all), its tiers."""
    filterset = SkillIndexFilterSet(request.GET or None, queryset=skill_list(), request=request)
    chosen: dict = {}
    if filterset.is_bound:
        filterset.is_valid()  # a bad filter is named and ignored: cleaned_data keeps the valid ones
        chosen = filterset.form.cleaned_data
    skills = list(filterset.qs)
    if not skills and refuse_unknown_slugs(filterset):  # named, and the list read without them
        skills = list(filterset.qs)
    segments = list(segment_list())
    # The segment's slug is looked up among the segments listed anyway (no query of its own).
    segment = next((s for s in segments if s.slug == chosen.get("segment")), None)
    if chosen.get("segment") and segment is None:
        filterset.form.add_error("segment", forms.ValidationError(UNKNOWN_SLUG, code="invalid_choice"))
    table, rows = skill_index(
        skills=skills, segments=segments, segment=segment, tier=chosen.get("tier") or None,
        sort=chosen.get("sort") or "demand",
    )
    # Every row is ranked (in Python, from the cached tier table); one page of them is shown: a table of
    # every skill of a large taxonomy would be long to read and slow to render.
    page = Paginator(rows, SKILLS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "postings/skill_list.html",
        {
            "page": page,
            "query": _query_without_page(request),
            "filterset": filterset,
            "segment": segment,
            "window": table.window,
            "total": table.total(segment.pk if segment else None).postings,
            "rules": tier_rules(table.window),
            "tier_names": TIER_NAMES,
            "categories": skill_category_list().filter(published_skill_count__gt=0),
            "segments": [(s.slug, s.name) for s in segments],
            "tiers": list(TIER_NAMES.items()),
            "sorts": [("demand", "Demand"), ("name", "Name")],
            "values": {name: request.GET.get(name, "")[:200] for name in ("category", "q", "segment", "tier", "sort")},
        },
    )


def skill_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    skill = skill_get(slug=slug, include_unpublished=can_see_drafts(request, "postings", "skill"))
    if skill is None:
        raise Http404("No such skill.")
    segments = list(segment_list())
    demand = skill_demand(skill_id=skill.pk, segment_ids=[segment.pk for segment in segments])
    names = {segment.pk: segment.name for segment in segments} | {None: "All segments"}
    scopes = [segment.pk for segment in segments] + [None]
    now = [(names[scope], demand["now"][scope]) for scope in scopes if scope in demand["now"]]
    window = demand["window"]
    bars = share_bars(
        now,
        title=f"Share of postings asking for {skill.name}, by segment",
        description=f"Over the {window.label}, with the direction ({window.trend_label}).",
        chart_id="segment-share-chart",
        min_sample=MIN_SAMPLE,
        direction_heading=f"Direction ({window.trend_label})",
    )
    lines = share_lines(
        [(names[scope], demand["history"][scope]) for scope in scopes if scope in demand["history"]],
        title=f"Demand for {skill.name} over time, per segment",
        description=f"Rolling 3-month share of postings asking for the skill, for each of the {window.label}; "
                    "gaps mark months with too few postings.",
        chart_id="demand-chart",
    )
    together_skills = skills_by_id([pair.skill_b for pair in demand["together"]])
    together = [(together_skills[p.skill_b], p) for p in demand["together"] if p.skill_b in together_skills]
    return render(
        request,
        "postings/skill_detail.html",
        {
            "skill": skill,
            "bars": bars,
            "lines": lines,
            "window": window,
            "to_date": demand["to_date"],
            "together": together,
            "tracks": tracks_teaching(skill=skill),
            "modules": modules_teaching(skill=skill),
        },
    )


def posting_list_view(request: HttpRequest) -> HttpResponse:
    filterset = PostingFilterSet(request.GET or None, queryset=posting_list_page(), request=request)
    page = posting_page(filterset.qs, request.GET.get("page"))
    if not page.object_list and refuse_unknown_slugs(filterset):  # named, and the list read without them
        page = posting_page(filterset.qs, request.GET.get("page"))
    skill_names = posting_skill_names(posting.pk for posting in page.object_list)
    for posting in page.object_list:
        posting.skill_names = skill_names.get(posting.pk, [])
    return render(
        request,
        "postings/posting_list.html",
        {
            "page": page,
            "filterset": filterset,
            "segments": segment_list().values_list("slug", "name"),
            "skills": skill_choices(),
            "values": {name: request.GET.get(name, "")[:200] for name in PostingFilterSet.base_filters},
            "query": _query_without_page(request),
            "demo_source": DEMO_SOURCE,
            "max_pages": MAX_PAGES,
        },
    )


def posting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    posting = posting_get(pk=pk, include_unpublished=can_see_drafts(request, "postings", "posting"))
    if posting is None:
        raise Http404("No such posting.")
    # Drafts never show, not even as a highlighted word's name.
    links = [link for link in posting.posting_skills.all() if link.skill.is_published]
    spans = [(link.start, link.end, link.skill) for link in links if link.start is not None]
    # Evidence offsets point into "title\ndescription" (see postings.services.posting_text).
    return render(
        request,
        "postings/posting_detail.html",
        {
            "posting": posting,
            "title_pieces": highlight(posting.title, spans),
            "description_pieces": highlight(posting.description, spans, offset=len(posting.title) + 1),
            "skills": [link.skill for link in links],
            "demo": posting.source == DEMO_SOURCE,
        },
    )
