"""Rows written by readers (and fields built once per class) say exactly what DRF's generic path says."""

import pytest
from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from curriculum.api.serializers import ModuleSerializer, TrackModuleSerializer, TrackSerializer
from curriculum.selectors import module_list, skills_with_teaching, track_list, track_list_with_modules
from postings.api.serializers import DemandRowSerializer, SkillSerializer
from postings.demand.selectors import demand_row_list
from postings.models import SkillAlias
from postings.selectors import skill_category_list, skill_list
from segments.api.serializers import SegmentSerializer
from segments.selectors import segment_list
from tests.careerhub.api_world import build_world

pytestmark = pytest.mark.django_db


def skills():
    aliases = SkillAlias.objects.order_by("text")
    return skills_with_teaching(
        skill_list(include_unpublished=True).prefetch_related(Prefetch("aliases", aliases, to_attr="alias_list"))
    )


def track_modules():
    return [module for track in track_list_with_modules(include_unpublished=True) for module in track.modules.all()]


CASES = {
    "skills": (SkillSerializer, skills),
    "modules": (ModuleSerializer, lambda: module_list(include_unpublished=True)),
    "tracks": (TrackSerializer, lambda: track_list(include_unpublished=True)),
    "track-modules": (TrackModuleSerializer, track_modules),
    "demand-rows": (DemandRowSerializer, demand_row_list),
    "segments": (SegmentSerializer, lambda: segment_list(include_unpublished=True)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rows_are_what_drfs_generic_path_writes(case):
    # given content of every kind, drafts (no publication date) included
    build_world()
    serializer_class, rows = CASES[case]
    objects = list(rows())
    assert objects
    for obj in objects:
        # when a row is written by the serializer, and by DRF's field-by-field path
        serializer = serializer_class(obj)
        generic = serializers.Serializer.to_representation(serializer, obj)
        # then the JSON is the same, byte for byte (key order included)
        assert JSONRenderer().render(serializer.data) == JSONRenderer().render(generic)


def test_fields_built_once_are_still_dropped_per_serializer():
    build_world()
    first = ModuleSerializer(module_list().first())
    first.fields.pop("body")
    again = ModuleSerializer(module_list().first())
    assert "body" not in first.data and "body" in again.data
    assert again.fields["title"] is first.fields["title"]  # the same field, built once for the class


def test_nested_rows_are_what_drfs_generic_path_writes():
    from curriculum.api.serializers import TaughtSkillSerializer
    from postings.api.serializers import CategoryRefSerializer, TeachingSerializer

    build_world()
    for skill in skills():
        nested = [(TaughtSkillSerializer, skill), (CategoryRefSerializer, skill.category)]
        nested += [(TeachingSerializer, module) for module in skill.teaching_modules]
        for serializer_class, obj in nested:
            serializer = serializer_class(obj)
            generic = serializers.Serializer.to_representation(serializer, obj)
            assert JSONRenderer().render(serializer.data) == JSONRenderer().render(generic)


# --- Plain rows (``values()`` feeds of the list endpoints) ----------------------------------------


def skill_rows_with_lists():
    from curriculum.selectors import teaching_rows
    from postings.selectors import skill_alias_texts, skill_rows

    rows = list(skill_rows(include_unpublished=True))
    ids = [row["id"] for row in rows]
    aliases, teaching = skill_alias_texts(ids), teaching_rows(ids)
    for row in rows:
        row["aliases"], row["taught_in"] = aliases.get(row["id"], []), teaching.get(row["id"], [])
    return rows


def module_rows_with_skills():
    from curriculum.selectors import module_content_rows, module_rows, taught_skill_rows

    rows = list(module_rows(include_unpublished=True))
    ids = [row["id"] for row in rows]
    lists = {"skills": taught_skill_rows(ids, include_unpublished=True)}
    lists |= module_content_rows(ids, include_unpublished=True)
    for row in rows:
        for name, by_module in lists.items():
            row[name] = by_module.get(row["id"], [])
    return rows


def posting_rows_with_links():
    from postings.selectors import posting_rows, posting_skill_links

    rows = list(posting_rows(include_unpublished=True))
    links = posting_skill_links([row["id"] for row in rows], include_unpublished=True)
    for row in rows:
        row["skill_links"] = links.get(row["id"], [])
    return rows


def track_rows_with_segments():
    from curriculum.selectors import track_prerequisite_slugs, track_rows, track_segment_slugs

    rows = list(track_rows(include_unpublished=True))
    slugs = track_segment_slugs([row["id"] for row in rows], include_unpublished=True)
    prerequisites = track_prerequisite_slugs([row["id"] for row in rows], include_unpublished=True)
    for row in rows:
        row["segments"] = slugs.get(row["id"], [])
        row["prerequisites"] = prerequisites.get(row["id"], [])
    return rows


def posting_instances():
    from postings.selectors import posting_list

    return posting_list(include_unpublished=True)


def demand_rows():
    from postings.demand.selectors import demand_rows as rows

    return rows()


def segment_rows():
    from segments.selectors import segment_rows as rows

    return rows(include_unpublished=True)


def category_rows():
    from postings.selectors import skill_category_rows

    return skill_category_rows()


ROW_CASES = {
    # serializer, plain rows as the list views feed them, the same objects as model instances
    "skills": (SkillSerializer, skill_rows_with_lists, skills),
    "modules": (ModuleSerializer, module_rows_with_skills, lambda: module_list(include_unpublished=True)),
    "postings": ("postings", posting_rows_with_links, posting_instances),
    "tracks": (TrackSerializer, track_rows_with_segments, lambda: track_list(include_unpublished=True)),
    "demand-rows": (DemandRowSerializer, demand_rows, demand_row_list),
    "segments": (SegmentSerializer, segment_rows, lambda: segment_list(include_unpublished=True)),
    "skill-categories": ("categories", category_rows, lambda: skill_category_list()),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_plain_rows_write_what_model_instances_write(case):
    from postings.api.serializers import PostingSerializer, SkillCategorySerializer

    # given content of every kind, drafts included
    build_world()
    serializer_class, rows, instances = ROW_CASES[case]
    serializer_class = {"postings": PostingSerializer, "categories": SkillCategorySerializer}.get(
        serializer_class, serializer_class
    )
    key = "id" if case not in ("segments", "skill-categories") else "slug"
    by_key = {getattr(obj, key): obj for obj in instances()}
    plain = list(rows())
    assert plain and len(plain) == len(by_key)
    for row in plain:
        # when a plain row and its model instance are written by the same serializer
        from_row = serializer_class(row).data
        from_instance = serializer_class(by_key[row[key]]).data
        # then the JSON is the same, byte for byte (key order included)
        assert JSONRenderer().render(from_row) == JSONRenderer().render(from_instance)
