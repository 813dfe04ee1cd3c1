"""The site shell: the home page and the editors' draft preview rule."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from curriculum.selectors import track_list
from postings.selectors import skill_category_list
from segments.selectors import segment_list


def can_preview(request: HttpRequest, app_label: str, model_name: str) -> bool:
    """Staff who may view a model see its drafts on the public pages; nobody else does."""
    user = request.user
    return bool(user.is_active and user.is_staff and user.has_perm(f"{app_label}.view_{model_name}"))


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careerhub/home.html",
        {
            "segments": segment_list(),
            "tracks": track_list(),
            "categories": skill_category_list().filter(published_skill_count__gt=0),
        },
    )
