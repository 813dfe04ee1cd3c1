"""An exact cache of the API's anonymous answers, keyed by a content generation that every committed write bumps.

The public API is read-mostly: the same pages are asked for again and again between writes. An answer
kept for a fixed time would show the public a change that many seconds late; instead every answer is
stored under the **content generation** current when it was computed, and every transaction that writes
to the database bumps the generation once it has committed. The next read after a commit therefore
misses and computes a fresh answer; superseded answers are never read again and simply expire.

Why the bump is hooked to the database connection rather than to each service: every write path (the
admin, the API, imports, commands, Celery tasks, the demand engine's raw SQL) reaches the database
through a Django connection, so one hook there cannot miss a path that a list of services would.
Statements that change no row (an empty drain) do not bump. ``COPY`` bypasses Django's cursor
wrappers, so ``careerhub.bulk`` bumps explicitly.

Order matters for exactness: a request reads the generation *before* its queries, and a writer bumps
only *after* its commit, so an answer stored under generation ``g`` was never computed from data
older than the last commit that produced ``g``.

The generation lives in the shared cache (Redis in production), so every process sees every other
process's writes; with a per-process cache (the embedded mode's local memory) the cache is exact only
within one process, which is why it is off unless configured (and on by default in production only
when the cache is shared).

Only requests without credentials (no ``Authorization`` header, no session cookie) are served from or
stored in the cache, and only public answers (200) are stored: editors' answers, which may show
drafts, are never cached, and an editor's request never sees the public's cached answer.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers, set_response_etag

logger = logging.getLogger(__name__)

GENERATION_KEY = "content:generation:{database}"
ANSWER_KEY = "api:answer:{database}:{generation}:{digest}"
VARY = ("Accept", "Authorization", "Cookie")
# The first keyword of a statement that may change rows (a data-modifying WITH is looked into below).
WRITE_START = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY")
WRITE_IN_WITH = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _database(connection=default_connection) -> str:
    # Several CareerHub databases (tests, developers, benchmarks) may share one Redis.
    return str(connection.settings_dict["NAME"])


def content_generation() -> int:
    """The current generation; a lost one (evicted, new cache) restarts from the clock, never from an old value."""
    key = GENERATION_KEY.format(database=_database())
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns() // 1000, timeout=None)
        generation = cache.get(key)
    return int(generation)


def content_generation_bump(connection=default_connection) -> None:
    """Make every cached answer stale. Runs after a writing transaction commits."""
    key = GENERATION_KEY.format(database=_database(connection))
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet: any new value differs from all cached ones
            cache.set(key, time.time_ns() // 1000, timeout=None)
    except Exception:  # a cache outage must not fail a write; answers then expire on their own
        logger.warning("Cache unavailable; cached API answers could not be invalidated.", exc_info=True)


def content_changed(connection=default_connection) -> None:
    """Bump the generation when the current transaction commits (at once in autocommit), once per transaction."""
    if not connection.in_atomic_block:
        content_generation_bump(connection)
        return
    if any(getattr(function, "content_bump_for", None) is connection for _, function, _ in connection.run_on_commit):
        return  # already due at this transaction's commit

    def bump() -> None:
        content_generation_bump(connection)

    bump.content_bump_for = connection
    transaction.on_commit(bump, using=connection.alias, robust=True)


def is_write(sql: str) -> bool:
    start = sql.lstrip()[:8].upper()
    if start.startswith(WRITE_START):
        return True
    return start.startswith("WITH") and bool(WRITE_IN_WITH.search(sql))


def track_writes(execute, sql, params, many, context):
    """A Django ``execute_wrapper``: a statement that changed rows schedules a generation bump."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_write(sql):
        rowcount = getattr(context.get("cursor"), "rowcount", -1)
        # -1 is unknown; SQLite counts the rows of INSERT ... RETURNING only as they are fetched.
        if many or rowcount != 0 or "RETURNING" in sql.upper():
            content_changed(context["connection"])
    return result


def install_write_tracking(sender, connection, **kwargs) -> None:
    """``connection_created`` handler: track writes on every database connection of the process."""
    if track_writes not in connection.execute_wrappers:
        # First in the list: ``connection.execute_wrapper()`` blocks pop the last one on exit.
        connection.execute_wrappers.insert(0, track_writes)


def _credentials(request) -> bool:
    return "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES


def public_cache(view: Callable) -> Callable:
    """Serve anonymous GETs from the cache while the content generation is unchanged.

    ``CAREERHUB_API_CACHE_SECONDS`` (0: off) bounds how long an answer is kept; a committed write makes
    the next read fresh long before that. Answers served from the cache do not count against the
    anonymous request limit, and carry the ETag computed when they were stored.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.CAREERHUB_API_CACHE_SECONDS
        if not seconds or request.method != "GET" or _credentials(request):
            return view(request, *args, **kwargs)
        try:
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = ANSWER_KEY.format(database=_database(), generation=content_generation(), digest=digest)
            hit = cache.get(key)
        except Exception:
            logger.warning("Cache unavailable; answering without it.", exc_info=True)
            return view(request, *args, **kwargs)
        if hit is not None:
            content, content_type, etag = hit
            response = HttpResponse(content, content_type=content_type)
            response["ETag"] = etag
            patch_vary_headers(response, VARY)
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "add_post_render_callback"):

            def store(rendered):
                set_response_etag(rendered)  # once here, instead of hashing the body on every hit
                try:
                    cache.set(key, (rendered.content, rendered["Content-Type"], rendered["ETag"]), seconds)
                except Exception:
                    logger.warning("Cache unavailable; answer not stored.", exc_info=True)

            response.add_post_render_callback(store)
        return response

    return wrapped
