"""The site shell: the home page, search and robots.txt."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from curriculum.selectors import track_list
from postings.demand.fragments import rising_skills
from postings.demand.tiers import RISING, tier_rule
from postings.selectors import skill_category_list, skills_by_id
from segments.selectors import segment_list

from .core.ranking import MAX_QUERY, clean_query
from .search import site_search


def home(request: HttpRequest) -> HttpResponse:
    rising = rising_skills(limit=12)
    skills = skills_by_id([trend.skill_id for trend in rising["rows"]])
    return render(
        request,
        "careerhub/home.html",
        {
            "segments": segment_list(),
            "tracks": track_list(),
            "categories": skill_category_list().filter(published_skill_count__gt=0),
            "rising": [(skills[t.skill_id], t) for t in rising["rows"] if t.skill_id in skills][:6],
            "window": rising["window"],
            "rising_rule": tier_rule(RISING, rising["window"]),
        },
    )


def search_view(request: HttpRequest) -> HttpResponse:
    query, note = clean_query(request.GET.get("q", ""))
    hits = site_search(query) if query else []
    return render(
        request, "careerhub/search.html", {"query": query, "note": note, "hits": hits, "max_query": MAX_QUERY}
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
