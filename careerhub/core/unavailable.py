"""A readable 503 with ``Retry-After`` when the database cannot be reached, instead of a 500 or a hang.

A database that refuses connections, one that accepts them but never answers (the connect timeout,
``CAREERHUB_DB_CONNECT_TIMEOUT``), and a statement cut off by the statement timeout
(``CAREERHUB_DB_STATEMENT_TIMEOUT``) all raise ``OperationalError`` (or ``InterfaceError`` for a
connection lost mid-request). Pages then answer ``templates/503.html`` and the API a JSON 503 in
its error format, both with ``Retry-After``: a client, a proxy or a monitor can tell "come back
later" from a bug. A view's error is caught by ``DatabaseUnavailableMiddleware``; an error raised
before any view (a session read, say) reaches Django's 500 handler, ``server_error``, which
answers the same 503 for these errors and the plain 500 page for everything else.

Each outage is logged once per ``careerhub.core.degrade.LOG_INTERVAL`` per process, not per request.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from .degrade import step_aside

RETRY_AFTER = 30  # seconds: long enough for a database restart or failover, short enough to come back soon
API_PREFIX = "/api/"
UNAVAILABLE = (OperationalError, InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 of a page (HTML) or of the API (its JSON error format), with ``Retry-After``."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": "The service is temporarily unavailable: its database cannot be reached.", "errors": []},
            status=503,
        )
    else:
        # Rendered without the request's context processors: they may need the database too.
        body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's database outage into the 503 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UNAVAILABLE):
            return None
        step_aside("database", exception, "requests are answered 503")
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the 503 for a database outage raised outside a view, Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        step_aside("database", error, "requests are answered 503")
        return unavailable_response(request)
    return django_server_error(request)
