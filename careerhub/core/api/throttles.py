"""Request limits: anonymous clients by address, token (and session) users by account, a higher limit.

Each client has one counter per fixed window (a minute for ``120/minute``), created with
``cache.add`` and moved with ``cache.incr``: both are atomic in Redis and in the local-memory cache,
so concurrent requests (threads, gunicorn workers, web machines sharing Redis) can never together
pass the limit, as a read-then-write counter would let them. A client is refused once its counter
passes the limit, until the window ends (``Retry-After``).

Anonymous API requests are counted by ``AnonymousLimitMiddleware`` before the answer cache
(``careerhub.core.api.cache``) can serve them, so cached answers count too; DRF's throttle then
skips requests already counted. Addresses come from ``careerhub.core.http.client_address``
(``X-Forwarded-For`` only behind ``CAREERHUB_TRUSTED_PROXIES`` proxies of our own).

Rates come from ``settings.CAREERHUB_API_THROTTLE_RATES`` when a request is checked, so a
deployment, the benchmark or a test can change them; ``None`` means no limit. Without the cache
(Redis down) the limits step aside (``careerhub.core.degrade``): the API answers, unlimited.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache as default_cache
from django.http import JsonResponse
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from ..degrade import step_aside
from ..http import client_address
from .cache import PREFIX, has_credentials

KEY = "throttle:{scope}:{ident}:{window}"
COUNTED = "_careerhub_anonymous_counted"  # set on a request the middleware has counted already


class CountingThrottle(BaseThrottle):
    """A fixed-window counter per client and scope; see the module docstring."""

    scope = ""
    cache = default_cache
    timer = time.time

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def identity(self, request) -> str | None:
        """Whom to count the request against; ``None``: not this throttle's to count."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = settings.CAREERHUB_API_THROTTLE_RATES.get(self.scope)
        ident = self.identity(request)
        if rate is None or ident is None:
            return True
        limit, duration = SimpleRateThrottle.parse_rate(None, rate)
        now = self.timer()
        window = int(now // duration)
        key = KEY.format(scope=self.scope, ident=ident, window=window)
        try:
            count = self._count(key, duration)
        except Exception as error:  # the cache is down: the API answers without limits rather than not at all
            step_aside("throttle", error, "requests are not limited")
            return True
        if count <= limit:
            return True
        self.wait_seconds = (window + 1) * duration - now
        return False

    def _count(self, key: str, duration: int) -> int:
        # add creates the window's counter if it is new (atomic: one of many concurrent adds wins);
        # incr moves it on atomically. The counter outlives its window briefly, never into the next.
        self.cache.add(key, 0, timeout=duration + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between the two calls: this request opens the window again
            self.cache.add(key, 0, timeout=duration + 1)
            return self.cache.incr(key)

    def wait(self) -> float | None:
        return self.wait_seconds


class AnonymousThrottle(CountingThrottle):
    """Anonymous clients, by address: ``CAREERHUB_API_ANON_RATE`` (120 a minute unless configured)."""

    scope = "anon"

    def identity(self, request) -> str | None:
        if getattr(request, COUNTED, False):
            return None  # counted by AnonymousLimitMiddleware before the answer cache
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return client_address(request)


class TokenThrottle(CountingThrottle):
    """Authenticated users, by account: ``CAREERHUB_API_USER_RATE`` (1,200 a minute unless configured)."""

    scope = "user"

    def identity(self, request) -> str | None:
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None


class AnonymousLimitMiddleware:
    """Count every API request without credentials against its address, before the answer cache may serve it.

    Requests with a token or a session cookie are counted by DRF once it knows who sent them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX) or has_credentials(request):
            return self.get_response(request)
        throttle = AnonymousThrottle()
        if not throttle.allow_request(request, None):
            return too_many_requests(throttle.wait())
        setattr(request, COUNTED, True)
        return self.get_response(request)


def too_many_requests(wait: float | None) -> JsonResponse:
    """A 429 in the API's error format, with ``Retry-After`` as DRF would send it."""
    seconds = max(1, math.ceil(wait or 1))
    response = JsonResponse(
        {"detail": f"Request was throttled. Expected available in {seconds} seconds.", "errors": []}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response
