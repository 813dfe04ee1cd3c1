"""The request limit of readiness and job-ad answers: per client address, for the page's form and the API alike.

They read pasted text with the extractor, so they have a limit of their own
(``CAREERHUB_API_THROTTLE_RATES["readiness"]``, ``CAREERHUB_READINESS_RATE``), counted with the API's
throttle machinery and cache so that one change to how counters are kept applies to both.
"""

from careerhub.core.api.throttles import CountingThrottle
from careerhub.core.http import client_address


class ReadinessThrottle(CountingThrottle):
    """Every client by its address, signed in or not: the counter is shared by ``/readiness/`` and the API."""

    scope = "readiness"

    def identity(self, request) -> str | None:
        return client_address(request)


def readiness_wait(request) -> float | None:
    """None when ``request`` may be answered now; else the seconds until it may (and it is not counted)."""
    throttle = ReadinessThrottle()
    if throttle.allow_request(request, None):
        return None
    return throttle.wait() or 1.0
