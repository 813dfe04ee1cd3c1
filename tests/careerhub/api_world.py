"""The API's world now lives in ``tests/world.py``; these names stay for the tests that import them from here."""

from tests.world import API_SECRETS as SECRETS
from tests.world import build_api_world as build_world
from tests.world import token_client

__all__ = ["SECRETS", "build_world", "token_client"]
