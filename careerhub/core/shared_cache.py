"""The shared cache's hot paths: one long-lived Redis client instead of Django's per-call one.

Every committed write and every demand drain touches the cache. Django's ``RedisCache`` builds a
client object for every call (about 0.1 ms) and its ``incr`` costs two round trips, which is most
of a small drain's cache time; these paths use the client below, with pipelines where they can.
Any other cache backend (process memory in development and tests) goes through Django's cache API.
"""

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache


def forget(key: str) -> None:
    """Delete ``key`` from the shared cache (one round trip on Redis); outages are raised to the caller."""
    if client := redis_client():
        client.delete(cache.make_and_validate_key(key))
    else:
        cache.delete(key)


def redis_client():
    """A Redis client kept on the default cache's backend, or None when the cache is not Redis.

    Django keeps one backend instance per thread; the client lives as long as it does and shares
    the backend's connection pool (which reconnects after a fork or an outage on its own).
    """
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(backend, RedisCache):
        return None
    client = getattr(backend, "careerhub_client", None)
    if client is None:
        client = backend.careerhub_client = backend._cache.get_client(write=True)
    return client
