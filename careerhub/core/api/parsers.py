"""The API's JSON parser, DRF's refusing bodies nested past any use; and the search for NUL characters in a body.

A body nested deeper than ``MAX_DEPTH`` (``[[[[...]]]]`` 100,000 deep made Python's decoder raise
``RecursionError``, a 500) is refused before any serializer or service sees it, so every write
endpoint (and every one added later) is covered. Text holding a NUL character (PostgreSQL refuses it
in text and in lookups: a NUL in a slug reference failed in the database, a 500) is refused by the
input serializers (``StrictSerializer``) and the posting rows' validation, naming each field, so a
batch still lists every row it refuses.
"""

from typing import Any

from rest_framework.parsers import JSONParser

from .errors import RequestRefused

MAX_DEPTH = 32  # the deepest body a write takes is 3 (a batch of postings); far more than any needs
NUL = "\x00"
TOO_DEEP = {"field": "-", "message": f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels)."}


class SafeJSONParser(JSONParser):
    """JSON bodies at most ``MAX_DEPTH`` deep."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise RequestRefused("The request was refused: see errors.", [TOO_DEEP]) from None
        if too_deep(data):
            raise RequestRefused("The request was refused: see errors.", [TOO_DEEP])
        return data


def too_deep(data: Any) -> bool:
    """Whether lists and objects nest past ``MAX_DEPTH`` (iterative: a deep body must not exhaust the stack)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return True
            pending.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def nul_fields(data: dict) -> list[str]:
    """The keys of ``data`` whose key or value (text anywhere inside it) holds a NUL character."""
    found = []
    for key, value in data.items():
        pending = [key, value]
        while pending:
            item = pending.pop()
            if isinstance(item, str) and NUL in item:
                found.append(str(key).replace(NUL, "\\u0000")[:60])
                break
            if isinstance(item, dict):
                pending.extend([*item.keys(), *item.values()])
            elif isinstance(item, list):
                pending.extend(item)
    return found
