"""Who is asking, and which methods are answered at all.

``client_address`` is the one rule for a client's address (request limits, admin login limits,
the metrics allow-list): ``REMOTE_ADDR``, unless ``CAREERHUB_TRUSTED_PROXIES`` says how many
proxies of our own stand in front. Each of those appends the address it received the request from
to ``X-Forwarded-For``, so the client is the entry that many places from the right; anything to its
left was written by the client and proves nothing. With no trusted proxy the header is ignored:
otherwise a client could claim a new address with every request and never be limited.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotAllowed

REFUSED_METHODS = {"TRACE", "TRACK", "CONNECT"}


def client_address(request: HttpRequest) -> str:
    """The client's address as our own proxies saw it (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CAREERHUB_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return remote


def axes_client_address(request: HttpRequest) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: admin login limits count failures by the same address as the API's limits."""
    return client_address(request)


class RefuseMethodsMiddleware:
    """``TRACE`` (and its kin) get a 405 everywhere, before any view could echo or act on them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in REFUSED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
        return self.get_response(request)
