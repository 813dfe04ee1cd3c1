"""One log format for the web processes, the Celery workers and gunicorn's access log, with a request id.

Production writes one JSON object per line (python-json-logger): ``time``, ``level``, ``logger``,
``message``, and ``request_id`` (web) or ``task_id`` and ``task`` (Celery) when there is one, so a
line can be traced to the request or task that wrote it. gunicorn's access log goes through the
same formatter (``gunicorn.conf.py``), which spreads its fields (method, path, status, duration,
the request id the app answered with) into the object instead of one formatted string.

``RequestIdMiddleware`` takes the proxy's ``X-Request-ID`` when it looks like an id (letters,
digits, ``-``, ``_``, ``.``, at most 64), or makes one, and answers with it in ``X-Request-ID``.

This module must import without Django settings: gunicorn's master process reads it.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Mapping

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("careerhub_request_id", default=None)

# gunicorn's access-log atoms and the names they get in the JSON object.
ACCESS_FIELDS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "h": "remote_addr",
                 "a": "user_agent"}  # fmt: skip


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id (the proxy's, if sane, or a new one), put it on its log lines and its answer."""

    def __init__(self, get_response):
        from django.core.signals import request_finished

        self.get_response = get_response
        # Kept until the answer has been sent: Django logs a 4xx or 5xx after the middleware has returned.
        request_finished.connect(_forget_request_id, dispatch_uid="careerhub-forget-request-id")

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _VALID_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        _request_id.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request_id(**kwargs) -> None:
    _request_id.set(None)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (web) or ``task_id`` and ``task`` (Celery) to every record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get() or "-"
        task = _current_task()
        if task is not None and not getattr(record, "task_id", None):
            record.task_id = task.request.id
            record.task = task.name
        return True


def _current_task():
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency; gunicorn's master may run without it
        return None
    task = current_task
    return task if task and getattr(task.request, "id", None) else None


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter with CareerHub's field names, and gunicorn's access atoms spread out."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", False)
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        for name in ("request_id", "task_id", "task"):
            value = getattr(record, name, None)
            if value and value != "-":
                log_data[name] = value
            else:
                log_data.pop(name, None)
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            log_data["message"] = "request"
            for atom, name in ACCESS_FIELDS.items():
                if atoms.get(atom) not in (None, "", "-"):
                    log_data[name] = atoms[atom]
            log_data["duration_ms"] = round(int(atoms.get("D") or 0) / 1000, 3)
            request_id = atoms.get("{x-request-id}o")
            if request_id and request_id != "-":
                log_data["request_id"] = request_id


def logging_config(*, fmt: str, level: str) -> dict:
    """``LOGGING`` for Django and Celery: ``fmt`` is ``json`` (production) or ``plain`` (local)."""
    if fmt not in {"json", "plain"}:
        raise ValueError(f"The log format must be json or plain, not {fmt!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "careerhub.core.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "careerhub.core.logs.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }
