from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.views import can_preview
from curriculum.selectors import tracks_teaching

from .selectors import skill_category_list, skill_get, skill_list


def skill_list_view(request: HttpRequest) -> HttpResponse:
    skills = skill_list()
    category = request.GET.get("category", "")
    if category:
        skills = skills.filter(category__slug=category)
    return render(
        request,
        "postings/skill_list.html",
        {
            "skills": skills.order_by("category__display_order", "category__name", "name"),
            "categories": skill_category_list().filter(published_skill_count__gt=0),
            "category": category,
        },
    )


def skill_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    skill = skill_get(slug=slug, include_unpublished=can_preview(request, "postings", "skill"))
    if skill is None:
        raise Http404("No such skill.")
    return render(request, "postings/skill_detail.html", {"skill": skill, "tracks": tracks_teaching(skill=skill)})
