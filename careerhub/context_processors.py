"""Values every public page needs."""

from django.http import HttpRequest

from postings.demand.selectors import MIN_SAMPLE


def site(request: HttpRequest) -> dict:
    """The canonical URL of the page (its path on this host, without filters) and the small-sample rule."""
    return {"canonical_url": request.build_absolute_uri(request.path), "min_sample": MIN_SAMPLE}
