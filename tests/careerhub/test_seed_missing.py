"""Without the seed content: a seed naming a missing skill loads nothing, and the demo postings refuse to load.

Apart from test_seed.py and test_demo.py, whose tests share one loaded seed.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from postings.models import Skill
from segments.models import Segment

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    return out.getvalue()


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo_postings", "--no-progress", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_broken_reference_loads_nothing(tmp_path, monkeypatch):
    from curriculum import seed as curriculum_seed

    data = json.loads(curriculum_seed.SEED_FILE.read_text())
    data["tracks"][0]["modules"][0]["skills"].append("no-such-skill")
    broken = tmp_path / "tracks.json"
    broken.write_text(json.dumps(data))
    monkeypatch.setattr(curriculum_seed, "SEED_FILE", broken)

    with pytest.raises(CommandError, match="names the skill 'no-such-skill'"):
        load()
    assert not Segment.objects.exists()
    assert not Skill.objects.exists()


def test_demo_needs_the_seed_segments():
    with pytest.raises(CommandError, match="load_seed_content"):
        load_demo("--count", "5")
