"""Which taxonomy and extractor a summary row was computed from."""

from ..extraction import EXTRACTOR_VERSION, taxonomy_version

__all__ = ["EXTRACTOR_VERSION", "current_versions", "taxonomy_version"]


def current_versions() -> tuple[str, str]:
    return taxonomy_version(), EXTRACTOR_VERSION
