"""A revision previewed on its public page: the page rendered from the applied snapshot, then rolled back.

The snapshot is applied to the live rows through the same services as publishing, inside a transaction;
the object's own public view renders it in full (links, inline children, the track around a module, every
query the page makes), and the transaction is rolled back, so nobody else ever sees it
(docs/decisions/0014-revisions-are-snapshots.md). The page says it is a preview and is not indexed.
"""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from .models import Revision
from .services import _apply, _Discard

ROBOTS = "noindex, nofollow"


def revision_preview(request: HttpRequest, *, revision: Revision) -> HttpResponse:
    """The public page of ``revision``'s object as it will look once the revision is published (staff only)."""
    response: HttpResponse | None = None
    try:
        with transaction.atomic():
            instance = _apply(revision, status="published")
            match = resolve(instance.get_absolute_url())
            request.resolver_match = match
            request.revision_preview = revision
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()  # while the snapshot is still in place: templates read lazily
            raise _Discard
    except _Discard:
        pass
    response["X-Robots-Tag"] = ROBOTS
    response["Cache-Control"] = "private, no-store"
    return response
