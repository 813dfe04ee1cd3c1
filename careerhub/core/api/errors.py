"""One error format for every 4xx answer of the API.

``{"detail": "what went wrong", "errors": [{"field": "title", "message": "...", "row": 3}]}``:
``field`` names the offending field (``"-"`` for the request as a whole) and ``row`` appears when a
batch was sent, numbering its items from 1.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler


class RequestRefused(APIException):
    """A 4xx whose errors are already in the API's format (fields, rows): raised where they are found."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, errors: list[dict[str, Any]], *, status_code: int | None = None, **extra: Any):
        super().__init__(detail)
        self.errors = errors
        self.extra = extra
        if status_code is not None:
            self.status_code = status_code


def _flatten(detail: Any, field: str = "-") -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        return [error for key, value in detail.items() for error in _keyed(key, value, field)]
    if isinstance(detail, list):
        return [error for item in detail for error in _flatten(item, field)]
    return [{"field": field, "message": str(detail)}]


def _keyed(key: Any, value: Any, field: str) -> list[dict[str, Any]]:
    if isinstance(key, int) and field != "-":
        # An item of a list field (DRF keys them by index): the error still names the field, and the item.
        return [{**error, "message": f"Item {key + 1}: {error['message']}"} for error in _flatten(value, field)]
    return _flatten(value, "-" if key == "non_field_errors" else str(key))


def api_exception_handler(exc, context) -> Response | None:
    """DRF's handler, with its body rewritten into CareerHub's error format."""
    if isinstance(exc, RequestDataTooBig):
        # Read past Django's DATA_UPLOAD_MAX_MEMORY_SIZE (a body without a Content-Length that tells).
        return error_response(413, "The body is too large.", [{"field": "-", "message": str(exc)}])
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, RequestRefused):
        body = {"detail": str(exc.detail), "errors": exc.errors, **exc.extra}
    elif isinstance(exc, ValidationError):
        body = {"detail": "The request was refused: see errors.", "errors": _flatten(exc.detail)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        body = {"detail": str(detail), "errors": []}
    response.data = body
    return response


def error_response(status: int, detail: str, errors: list[dict[str, Any]] | None = None, **extra) -> Response:
    return Response({"detail": detail, "errors": errors or [], **extra}, status=status)
