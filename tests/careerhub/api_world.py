"""Content for API tests: one published and one unpublished item of every kind, with demand computed."""

import datetime

from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careerhub.core.editorial import Status
from postings.demand.services import demand_recompute_all
from postings.models import PostingSkill
from tests.factories import (
    EmployerFactory,
    ModuleFactory,
    PostingFactory,
    SegmentFactory,
    SkillAliasFactory,
    SkillCategoryFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
    make_editor,
)

DRAFT = {"status": Status.DRAFT, "published_at": None}
ARCHIVED = {"status": Status.ARCHIVED, "published_at": None}
# Words that only unpublished content carries: none may appear in any public response.
SECRETS = (
    "hidden-segment",
    "Hidden Segment",
    "secret-skill",
    "Secret Skill",
    "Draft track",
    "draft-track",
    "Draft module",
    "Stealth Corp",
    "stealth-corp",
    "Unpublished posting",
    "archived-track",
)


def build_world() -> dict:
    public_segment = SegmentFactory(slug="finance", name="Financial services")
    hidden_segment = SegmentFactory(slug="hidden-segment", name="Hidden Segment", **DRAFT)
    category = SkillCategoryFactory(slug="orchestration", name="Orchestration")
    k8s = SkillFactory(slug="kubernetes", name="Kubernetes", category=category)
    SkillAliasFactory(skill=k8s, text="k8s")
    docker = SkillFactory(slug="docker", name="Docker", category=SkillCategoryFactory(slug="containers"))
    secret = SkillFactory(slug="secret-skill", name="Secret Skill", category=category, **DRAFT)
    track = TrackFactory(slug="platform", title="Platform track")
    track.segments.add(public_segment, hidden_segment)
    draft_track = TrackFactory(slug="draft-track", title="Draft track", **DRAFT)
    TrackFactory(slug="archived-track", title="Archived track", **ARCHIVED)
    module = ModuleFactory(track=track, slug="k8s-basics", title="Kubernetes basics", order=1)
    module.skills.add(k8s, secret)
    ModuleFactory(track=track, slug="draft-module", title="Draft module", order=2, **DRAFT).skills.add(k8s)
    ModuleFactory(track=draft_track, slug="m-in-draft-track", title="Draft module too", order=1)
    acme = EmployerFactory(slug="acme", name="Acme Bank")
    stealth = EmployerFactory(slug="stealth-corp", name="Stealth Corp")
    postings = []
    for day in range(1, 4):
        posting = PostingFactory(
            employer=acme, segment=public_segment, posted_on=datetime.date(2026, 9, day), title=f"Platform {day}"
        )
        PostingSkill.objects.create(posting=posting, skill=k8s)
        PostingSkill.objects.create(posting=posting, skill=secret)
        PostingSkill.objects.create(posting=posting, skill=docker)
        postings.append(posting)
    PostingFactory(employer=stealth, segment=public_segment, title="Unpublished posting", **DRAFT)
    PostingSkill.objects.create(
        posting=PostingFactory(employer=stealth, segment=hidden_segment, title="Unpublished posting in hiding"),
        skill=k8s,
    )
    demand_recompute_all(trigger="test")
    return {
        "segment": public_segment,
        "hidden_segment": hidden_segment,
        "skill": k8s,
        "docker": docker,
        "secret": secret,
        "track": track,
        "draft_track": draft_track,
        "module": module,
        "postings": postings,
        "acme": acme,
        "category": category,
    }


def token_client(*codenames: str, staff: bool = False, editor: bool = False) -> APIClient:
    user = make_editor() if editor else UserFactory(is_staff=staff)
    if codenames:
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
