from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.views import can_preview
from curriculum.selectors import track_list

from .selectors import segment_get, segment_list


def segment_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "segments/segment_list.html", {"segments": segment_list()})


def segment_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    preview = can_preview(request, "segments", "segment")
    segment = segment_get(slug=slug, include_unpublished=preview)
    if segment is None:
        raise Http404("No such segment.")
    tracks = track_list().filter(segments=segment)
    return render(request, "segments/segment_detail.html", {"segment": segment, "tracks": tracks})
