"""An exact cache of the API's anonymous answers, keyed by the content generation that every committed write bumps.

The public API is read-mostly: the same pages are asked for again and again between writes. An answer
kept for a fixed time would show the public a change that many seconds late; instead every answer is
stored with the **content generation** current when it was computed and served only while that
generation is current. Writers call ``careerhub.core.cache.content_changed()`` inside their
transaction, which bumps the generation once it has committed (see that module and
docs/decisions/0005-api-answer-cache.md for who calls it). The next read after a commit therefore
misses and computes a fresh answer, which replaces the stale one (both are read in one round trip).

Order matters for exactness: a request reads the generation *before* its queries, and a writer bumps
only *after* its commit, so an answer stored with generation ``g`` was never computed from data
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
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

from careerhub.core.cache import CONTENT, content_generation, generation_key
from careerhub.core.degrade import step_aside

ANSWER_KEY = "api:answer:{database}:{digest}"
PREFIX = "/api/"


def has_credentials(request) -> bool:
    """A token or a session cookie: the answer may depend on who asks; never served from or kept in the cache."""
    return "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES


def public_cache(view: Callable) -> Callable:
    """Mark a view's answers as public reads that ``AnswerCacheMiddleware`` may keep for anonymous clients."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_answer = True
        return response

    return wrapped


class AnswerCacheMiddleware:
    """Serve anonymous GETs of the API from the cache while the content generation is unchanged.

    It sits high in the middleware (after security, sessions and CORS) so that a hit costs one cache
    round trip and none of the request's other work: the answer's own headers (ETag, Vary, ...) are
    stored with it and replayed, and a matching ``If-None-Match`` gets its 304 here.
    ``CAREERHUB_API_CACHE_SECONDS`` (0: off) bounds how long an answer is kept; a committed write
    makes the next read fresh long before that. Answers served from the cache count against the
    anonymous request limit: ``AnonymousLimitMiddleware`` sits just before this one. The key is the
    absolute URL (host included: pages link to the next page by absolute URL; reading it validates
    the host against ``ALLOWED_HOSTS`` as Django would) and the ``Accept`` header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.CAREERHUB_API_CACHE_SECONDS
        if not seconds or request.method != "GET" or not request.path.startswith(PREFIX) or has_credentials(request):
            return self.get_response(request)
        # The answer depends on the URL and on what the client accepts (a JSON-only API refuses others).
        identity = f"{request.build_absolute_uri()} {request.META.get('HTTP_ACCEPT', '')}"
        digest = hashlib.sha256(identity.encode()).hexdigest()
        answer_key = ANSWER_KEY.format(database=connection.settings_dict["NAME"], digest=digest)
        content_key = generation_key(CONTENT)
        try:
            # One round trip: the generation and the answer stored with the generation it was computed at.
            found = cache.get_many([content_key, answer_key])
            generation = found.get(content_key)
            if generation is None:
                generation = content_generation()
        except Exception as error:
            step_aside("answer-cache", error, "answers come from the database")
            return self.get_response(request)
        hit = found.get(answer_key)
        if hit is not None and hit[0] == generation:
            return self._replay(request, *hit[1:])
        response = self.get_response(request)
        if (
            response.status_code == 200
            and getattr(response, "public_answer", False)
            and not response.streaming
            and not response.cookies
        ):
            # The headers set below this middleware; those above it (security, CORS) are added to hits anew.
            headers = list(response.items())
            try:
                cache.set(answer_key, (generation, response.content, headers), seconds)
            except Exception as error:
                step_aside("answer-cache", error, "answers come from the database")
        return response

    @staticmethod
    def _replay(request, content: bytes, headers: list[tuple[str, str]]) -> HttpResponse:
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
