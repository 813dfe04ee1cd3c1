from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.views import can_preview

from .models import Level
from .selectors import track_get, track_list


def track_list_view(request: HttpRequest) -> HttpResponse:
    tracks = track_list()
    level = request.GET.get("level", "")
    if level in Level.values:
        tracks = tracks.filter(level=level)
    return render(
        request, "curriculum/track_list.html", {"tracks": tracks, "levels": Level.choices, "level": level}
    )


def track_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    preview = can_preview(request, "curriculum", "track")
    track = track_get(slug=slug, include_unpublished=preview)
    if track is None:
        raise Http404("No such track.")
    return render(request, "curriculum/track_detail.html", {"track": track, "preview": preview})
