"""The shared FilterSets of postings, skills, employers and demand rows: parameters, errors and draft safety."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from careerhub.core.editorial import Status
from careerhub.core.filters import unknown_slugs
from postings.demand.models import SkillDemand
from postings.filters import DemandFilterSet, EmployerFilterSet, PostingFilterSet, SkillFilterSet
from postings.models import PostingSkill
from postings.selectors import employer_list, posting_list, skill_list
from tests.factories import (
    EmployerFactory,
    PostingFactory,
    SegmentFactory,
    SkillAliasFactory,
    SkillFactory,
    make_editor,
)

pytestmark = pytest.mark.django_db


def run(filterset, queryset, user=None, **params):
    request = RequestFactory().get("/", params)
    request.user = user or AnonymousUser()
    fs = filterset(request.GET, queryset=queryset, request=request)
    return fs, (list(fs.qs) if fs.is_valid() else None)


@pytest.fixture
def world():
    finance, health = SegmentFactory(slug="finance"), SegmentFactory(slug="health")
    k8s, draft_skill = SkillFactory(slug="kubernetes"), SkillFactory(slug="secret-skill", status=Status.DRAFT)
    acme = EmployerFactory(slug="acme")
    march = PostingFactory(segment=finance, employer=acme, posted_on=datetime.date(2026, 3, 31), title="Platform lead")
    april = PostingFactory(segment=health, posted_on=datetime.date(2026, 4, 1), title="MLOps engineer")
    PostingSkill.objects.create(posting=march, skill=k8s)
    PostingSkill.objects.create(posting=april, skill=draft_skill)
    PostingSkill.objects.create(posting=april, skill=k8s, state=PostingSkill.State.REJECTED)
    return {"march": march, "april": april, "k8s": k8s, "draft_skill": draft_skill, "acme": acme}


def test_postings_filter_by_segment_employer_and_skill(world):
    assert run(PostingFilterSet, posting_list(), segment="finance")[1] == [world["march"]]
    assert run(PostingFilterSet, posting_list(), employer="acme")[1] == [world["march"]]
    # A rejected link does not count: april's Kubernetes was rejected by an editor.
    assert run(PostingFilterSet, posting_list(), skill="kubernetes")[1] == [world["march"]]


def test_a_month_period_counts_whole_months(world):
    assert run(PostingFilterSet, posting_list(), **{"from": "2026-03", "to": "2026-03"})[1] == [world["march"]]
    assert run(PostingFilterSet, posting_list(), **{"from": "2026-04"})[1] == [world["april"]]
    assert run(PostingFilterSet, posting_list(), posted_from="2026-03-31", posted_to="2026-03-31")[1] == [
        world["march"]
    ]


@pytest.mark.parametrize("value", ["2026-13", "26-03", "2026-3", "1999-12", "2026-03\x00", "9" * 400])
def test_a_bad_month_is_refused_naming_the_field(world, value):
    fs, rows = run(PostingFilterSet, posting_list(), **{"from": value})
    assert rows is None
    assert "from" in fs.errors


def test_text_search_needs_every_word(world):
    assert run(PostingFilterSet, posting_list(), q="platform LEAD")[1] == [world["march"]]
    assert run(PostingFilterSet, posting_list(), q="platform engineer")[1] == []


def test_a_draft_skill_is_unknown_to_the_public_and_known_to_editors(world):
    # the slug is matched in the main query: a draft's matches nothing, and is then named as unknown
    fs, rows = run(PostingFilterSet, posting_list(), skill="secret-skill")
    assert rows == [] and unknown_slugs(fs) == ["skill"]
    fs_missing, missing_rows = run(PostingFilterSet, posting_list(), skill="no-such-skill")
    assert missing_rows == [] and unknown_slugs(fs_missing) == ["skill"]  # as for a skill that does not exist
    editor = make_editor()
    assert run(PostingFilterSet, posting_list(include_unpublished=True), editor, skill="secret-skill")[1] == [
        world["april"]
    ]


def test_the_status_filter_exists_for_editors_only(world):
    draft = PostingFactory(status=Status.DRAFT, published_at=None)
    fs, rows = run(PostingFilterSet, posting_list(), status="draft")
    assert "status" not in fs.filters and draft not in rows
    editor = make_editor()
    assert run(PostingFilterSet, posting_list(include_unpublished=True), editor, status="draft")[1] == [draft]


def test_skills_filter_by_category_type_and_alias_text(world):
    SkillAliasFactory(skill=world["k8s"], text="k8s")
    assert run(SkillFilterSet, skill_list(), q="K8S")[1] == [world["k8s"]]
    assert run(SkillFilterSet, skill_list(), category=world["k8s"].category.slug)[1] == [world["k8s"]]
    assert world["draft_skill"] not in run(SkillFilterSet, skill_list(), q="skill")[1]


def test_employers_with_only_unpublished_postings_stay_hidden(world):
    hidden = EmployerFactory(slug="stealth")
    PostingFactory(employer=hidden, status=Status.DRAFT, published_at=None)
    assert hidden not in run(EmployerFilterSet, employer_list())[1]
    fs, rows = run(PostingFilterSet, posting_list(), employer="stealth")
    assert rows == [] and unknown_slugs(fs) == ["employer"]
    assert run(EmployerFilterSet, employer_list(), segment="finance")[1] == [world["acme"]]


def test_demand_rows_default_to_all_segments_and_narrow_by_segment_and_period(world):
    common = {"computed_at": "2026-05-01T00:00Z", "taxonomy_version": "t", "extractor_version": "e"}
    finance = world["march"].segment
    all_row = SkillDemand.objects.create(skill=world["k8s"], month=datetime.date(2026, 3, 1), postings=1, **common)
    fin_row = SkillDemand.objects.create(
        segment=finance, skill=world["k8s"], month=datetime.date(2026, 3, 1), postings=1, **common
    )
    rows = SkillDemand.objects.all()
    assert run(DemandFilterSet, rows)[1] == [all_row]
    assert run(DemandFilterSet, rows, segment="finance")[1] == [fin_row]
    assert run(DemandFilterSet, rows, segment="finance", **{"from": "2026-04"})[1] == []


def test_slug_filters_look_nothing_up_before_the_list_and_name_only_unknown_slugs(world, django_assert_num_queries):
    # given a request filtering postings by a segment and a skill that both exist
    request = RequestFactory().get("/", {"segment": "finance", "skill": "kubernetes"})
    request.user = AnonymousUser()
    fs = PostingFilterSet(request.GET, queryset=posting_list(), request=request)
    # when the list is read (the postings, then their skill links prefetched)
    with django_assert_num_queries(2):
        rows = list(fs.qs)
    # then the slugs were matched in that one query, and neither is unknown
    assert rows == [world["march"]]
    assert unknown_slugs(fs) == []
    fs, rows = run(PostingFilterSet, posting_list(), segment="health", skill="nope")
    assert rows == [] and unknown_slugs(fs) == ["skill"]
    fs, rows = run(PostingFilterSet, posting_list(), segment="not a slug")
    assert rows is None and "segment" in fs.errors
