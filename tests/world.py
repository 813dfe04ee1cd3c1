"""A small, fully known world for the public pages: two segments (one draft), skills (one draft),
tracks and modules (some drafts), and postings in two periods so shares and directions are known.

Financial services, latest month (2026-10): 40 postings, all asking for Python, 20 for Kubernetes,
10 for the draft skill. A year before (2025-09): 40 postings, 10 asking for Kubernetes. So
Kubernetes is asked for in 50% of postings now, rising (+25 points over 12 months).
"""

import datetime
from dataclasses import dataclass

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.demand.engine import recompute_all
from postings.demand.marks import sync_counted_cells
from postings.models import Employer, Posting, PostingSkill, Skill
from segments.models import Segment
from tests.factories import (
    EmployerFactory,
    ModuleFactory,
    SegmentFactory,
    SkillCategoryFactory,
    SkillFactory,
    TrackFactory,
)

NOW = datetime.date(2026, 10, 5)
YEAR_AGO = datetime.date(2025, 9, 5)
DRAFT = {"status": Status.DRAFT, "published_at": None}


@dataclass
class World:
    segment: Segment
    draft_segment: Segment
    kubernetes: Skill
    python: Skill
    draft_skill: Skill
    employer: Employer
    track: Track
    draft_track: Track
    module: Module
    draft_module: Module
    module_of_draft_track: Module
    postings: list[Posting]


def add_postings(
    *,
    segment: Segment,
    employer: Employer,
    day: datetime.date,
    count: int,
    skills: dict[Skill, int],
    source: str = "test",
    prefix: str = "p",
) -> list[Posting]:
    """``count`` published postings on ``day``; the first ``n`` ask for each skill of ``skills``."""
    postings = Posting.objects.bulk_create(
        Posting(
            employer=employer,
            segment=segment,
            title=f"MLOps Engineer {prefix}{n}",
            description="We run Kubernetes and Python in production.",
            posted_on=day,
            source=source,
            external_id=f"{prefix}-{day:%Y%m}-{n}",
            status=Status.PUBLISHED,
            published_at=datetime.datetime.now(datetime.UTC),
        )
        for n in range(count)
    )
    PostingSkill.objects.bulk_create(
        PostingSkill(posting=posting, skill=skill, state=PostingSkill.State.AUTO)
        for skill, n in skills.items()
        for posting in postings[:n]
    )
    # Written directly for speed: give the links the demand cell they count in, as the services do.
    sync_counted_cells(posting.pk for posting in postings)
    return postings


def build_world(capture) -> World:
    """Build the world and its demand summaries (``capture`` is django_capture_on_commit_callbacks)."""
    category = SkillCategoryFactory(name="Containers and orchestration", slug="containers")
    segment = SegmentFactory(name="Financial services", slug="financial-services")
    draft_segment = SegmentFactory(name="Secret segment", slug="secret-segment", **DRAFT)
    kubernetes = SkillFactory(name="Kubernetes", slug="kubernetes", category=category)
    python = SkillFactory(name="Python", slug="python", category=category)
    draft_skill = SkillFactory(name="Secret skill", slug="secret-skill", category=category, **DRAFT)
    employer = EmployerFactory(name="Harbor Trust Bank", slug="harbor-trust-bank")
    postings = add_postings(
        segment=segment,
        employer=employer,
        day=NOW,
        count=40,
        skills={python: 40, kubernetes: 20, draft_skill: 10},
        prefix="now",
    )
    postings += add_postings(
        segment=segment, employer=employer, day=YEAR_AGO, count=40, skills={python: 40, kubernetes: 10}, prefix="old"
    )
    track = TrackFactory(title="ML Platform Engineer", slug="ml-platform-engineer")
    track.segments.add(segment, draft_segment)
    module = ModuleFactory(track=track, title="Orchestration", slug="orchestration", order=1)
    module.skills.add(kubernetes, python, draft_skill)
    draft_module = ModuleFactory(track=track, title="Unfinished module", slug="unfinished", order=2, **DRAFT)
    draft_track = TrackFactory(title="Secret track", slug="secret-track", **DRAFT)
    module_of_draft_track = ModuleFactory(track=draft_track, title="Hidden module", slug="hidden", order=1)
    with capture(execute=True):
        recompute_all()
    return World(
        segment,
        draft_segment,
        kubernetes,
        python,
        draft_skill,
        employer,
        track,
        draft_track,
        module,
        draft_module,
        module_of_draft_track,
        postings,
    )
