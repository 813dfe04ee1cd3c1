"""Request limits: anonymous clients by IP address, token (and session) users by account, a higher limit.

Rates come from ``settings.CAREERHUB_API_THROTTLE_RATES`` when a request is checked (not when the
class is defined), so a deployment, the benchmark or a test can change them; ``None`` means no limit.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class SettingsRateMixin:
    def get_rate(self) -> str | None:
        return settings.CAREERHUB_API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        # DRF reads the rate once, in __init__; read it again so that changed settings apply.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonymousThrottle(SettingsRateMixin, AnonRateThrottle):
    """Anonymous clients: ``CAREERHUB_API_ANON_RATE`` (120 a minute unless configured)."""


class TokenThrottle(SettingsRateMixin, UserRateThrottle):
    """Authenticated users: ``CAREERHUB_API_USER_RATE`` (1,200 a minute unless configured)."""
