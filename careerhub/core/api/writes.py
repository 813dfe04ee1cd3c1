"""How the API's writes call services, and answer what can go wrong between two writers.

- A refusal of a service (``ValidationError``, ``ValueError``) is a 400 naming the fields; a write the
  user may not make (``PermissionDenied``: publishing without the publishers' permission) a 403.
- An edit based on a version that is no longer stored (``EditConflict``) is a 409 with the current
  version and what changed meanwhile; with ``If-Match`` naming that older version, a 412.
- A write that kept losing its race with others (``WriteConflict``, a unique key or a deadlock after
  the retries) is a 409; a database that failed (a killed connection, ``OperationalError``) a 503.

Object answers carry ``ETag: "<version>-<digest>"``: the version the object is at and a digest of the
body (a list of a track's modules changes the body, not the track's version). ``If-Match`` on a
change compares versions (docs/decisions/0010-edit-versions.md).
"""

import hashlib
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, OperationalError
from rest_framework.exceptions import PermissionDenied, ValidationError

from careerhub.core.services import EditConflict
from careerhub.core.write_conflicts import WriteConflict, lost_race

from .errors import RequestRefused

logger = logging.getLogger(__name__)

T = TypeVar("T")

ETAG_VERSION = re.compile(r'(?:W/)?"(\d{1,18})(?:-[0-9a-f]*)?"')
UNAVAILABLE = (
    "The database failed during the write (the connection was lost or refused); the write was not confirmed. "
    "Send the same request again in a moment."
)


def service_call(function: Callable[..., T], **kwargs: Any) -> T:
    """Call a write service, turning its refusals into the API's 400, 409 and 503 answers, field by field."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"-": error.messages}) from None
    except ValueError as error:
        raise ValidationError({"-": [str(error)]}) from None
    except EditConflict as error:
        raise edit_conflict(error) from None
    except DjangoPermissionDenied as error:
        # A write this user's permissions do not cover (publishing without the publishers' permission).
        raise PermissionDenied(str(error)) from None
    except (WriteConflict, DatabaseError) as error:
        raise database_refusal(error) from error


def edit_conflict(error: EditConflict, *, status_code: int = 409, field: str = "version") -> RequestRefused:
    """409 (412 for ``If-Match``): the change was based on another version; the current one and its changes."""
    changed = sorted(error.changes)
    message = f"Based on version {error.based_on}; the current version is {error.current}."
    if changed:
        message += f" Changed since: {', '.join(changed)}."
    return RequestRefused(
        str(error),
        [{"field": field, "message": message}],
        status_code=status_code,
        current_version=error.current,
        changed=_plain(error.changes),
    )


def database_refusal(error: Exception) -> RequestRefused:
    """409 for a write that lost its race with others; 503 for a database that failed; a 409 for a key taken."""
    if isinstance(error, WriteConflict):
        return RequestRefused(str(error), [{"field": "-", "message": str(error)}], status_code=409)
    reason = lost_race(error)
    if reason is not None or isinstance(error, IntegrityError):
        message = (
            f"Another request wrote the same rows at the same moment ({reason or 'a constraint was violated'}); "
            "nothing of this request was written. Send it again."
        )
        return RequestRefused(message, [{"field": "-", "message": message}], status_code=409)
    if isinstance(error, OperationalError):
        logger.warning("Write failed in the database: %s", error)
        return RequestRefused(UNAVAILABLE, [{"field": "-", "message": UNAVAILABLE}], status_code=503)
    raise error


def if_match_versions(header: str | None) -> set[int] | None:
    """The versions an ``If-Match`` header names (None: no header; an empty set: none that could match; ``*``:
    any, as ``{-1}``)."""
    if header is None:
        return None
    if header.strip() == "*":
        return {-1}
    return {int(match[1]) for match in ETAG_VERSION.finditer(header)}


def etag(version: int, content: bytes) -> str:
    """The ETag of an object's answer: its version, then a digest of the body."""
    return f'"{version}-{hashlib.sha256(content).hexdigest()[:16]}"'


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Current values as JSON can carry them (ids of related rows, dates as text)."""
    return {name: value if isinstance(value, str | int | float | bool | list | dict | None) else str(value)
            for name, value in values.items()}  # fmt: skip
