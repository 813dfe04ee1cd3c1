"""Every error answer under ``/api/`` in the API's JSON format, whoever produced it.

DRF's views answer their own errors in the format (``errors.api_exception_handler``); what reaches a
client from elsewhere was HTML: Django's 404 page for a path outside the API's routes (``/api/x``),
its "Bad Request (400)" for a refused body, its 500 page, a 405 from a view outside DRF. This
middleware replaces such an answer with ``{"detail": ..., "errors": []}`` under the same status and
headers (``Allow``, ``Retry-After``, ...).
"""

import json
from http import HTTPStatus

from django.http import HttpResponse

PREFIX = "/api/"
JSON = "application/json"
DETAILS = {
    400: "Bad request.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "The body is too large.",
    500: "Server error: the failure has been logged.",
}


class ApiErrorsMiddleware:
    """Rewrite non-JSON error answers (status 400 and above) under ``/api/`` into the API's error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(PREFIX)
            or response.get("Content-Type", "").startswith(JSON)
            or getattr(response, "streaming", False)
        ):
            return response
        return json_error(response)


def json_error(response: HttpResponse) -> HttpResponse:
    """The same answer (status, headers, cookies) with a JSON error body."""
    status = response.status_code
    detail = DETAILS.get(status) or _phrase(status)
    replacement = HttpResponse(
        json.dumps({"detail": detail, "errors": []}), status=status, content_type=JSON
    )
    for name, value in response.items():
        if name.lower() not in {"content-type", "content-length"}:
            replacement[name] = value
    replacement.cookies = response.cookies
    return replacement


def _phrase(status: int) -> str:
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "Error."
