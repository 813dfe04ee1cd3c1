"""The coverage dashboard as an editor reads it: a segment found by its name, plain labels, a visible
rising marker, and none of the engine's internal stamps."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.conf import settings
from django.urls import reverse

from segments.models import Segment

from .conftest import compute

pytestmark = pytest.mark.django_db

DASHBOARD = "admin:curriculum_trackcoverage_changelist"
ADMIN_CSS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "css"
STAMPS = ("taxonomy ", "extractor ", "curriculum state", "Summaries computed")


def _rows(response) -> list[str]:
    return [f"{row.track_coverage.track.slug}/{row.segment.slug}" for row, _ in response.context["figures"]]


def test_the_segment_filter_finds_a_segment_by_part_of_its_name(editor_client, world):
    # given: the finance segment named as editors read it
    Segment.objects.filter(pk=world["finance"].pk).update(name="Financial services")
    compute(world, world["track"])
    # when
    by_name = editor_client.get(reverse(DASHBOARD), {"segment": "Financial"})
    by_part = editor_client.get(reverse(DASHBOARD), {"segment": "services"})
    by_slug = editor_client.get(reverse(DASHBOARD), {"segment": "finance"})
    nowhere = editor_client.get(reverse(DASHBOARD), {"segment": "Retail"})
    # then
    assert _rows(by_name) == _rows(by_part) == _rows(by_slug) == ["engineer-a/finance"]
    assert _rows(nowhere) == []


def test_the_filters_are_labelled_for_editors(editor_client, world):
    # when
    html = editor_client.get(reverse(DASHBOARD)).content.decode()
    # then
    labels = re.findall(r'<label for="id_[a-z]+">([^<]+)</label>', html)
    assert labels == ["Track", "Segment", "Level"]
    assert "Track coverage" not in html and "(slug)" not in html


def _variables(css: str) -> dict[str, str]:
    """The first value of each custom property in a stylesheet (its light theme in base.css)."""
    found: dict[str, str] = {}
    for name, value in re.findall(r"(--[a-z-]+):\s*([^;]+);", css):
        found.setdefault(name, value.strip())
    return found


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(ch * 2 for ch in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _resolve(value: str, variables: dict[str, str]) -> str:
    while match := re.fullmatch(r"var\((--[a-z-]+)(?:,\s*([^)]+))?\)", value.strip()):
        value = variables.get(match[1], match[2] or "")
    return value


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_rising_marker_reads_against_the_page_in_both_themes(editor_client, world, theme):
    # given: the admin's own colours of the theme
    variables = _variables((ADMIN_CSS / "base.css").read_text())
    if theme == "dark":
        variables |= _variables((ADMIN_CSS / "dark_mode.css").read_text())
    # when: the dashboard's stylesheet (a file: the Content-Security-Policy allows no inline style)
    html = editor_client.get(reverse(DASHBOARD)).content.decode()
    assert "careerhub/admin.css" in html and 'class="coverage-dashboard"' in html
    css = (Path(settings.BASE_DIR) / "careerhub" / "static" / "careerhub" / "admin.css").read_text()
    rule = re.search(r"\.coverage-dashboard \.rising\s*\{([^}]*)\}", css)[1]
    colour = _resolve(re.search(r"(?<![-\w])color:\s*([^;]+);", rule)[1], variables)
    # then: WCAG AA for normal text
    assert _contrast(colour, variables["--body-bg"]) >= 4.5, colour


def test_editors_see_no_internal_stamps_superusers_do(editor_client, admin_client, world):
    # given
    compute(world, world["track"])
    url = reverse("admin:curriculum_trackcoverage_track", args=[world["track"].pk])
    # when
    editor_page = editor_client.get(url).content.decode()
    superuser_page = admin_client.get(url).content.decode()
    editor_dashboard = editor_client.get(reverse(DASHBOARD)).content.decode()
    # then
    assert "Computed " in editor_page
    assert not any(stamp in editor_page for stamp in STAMPS)
    assert "Coverage marks waiting" not in editor_dashboard
    assert all(stamp in superuser_page for stamp in STAMPS)
