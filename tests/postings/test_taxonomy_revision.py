"""The taxonomy's version: one row moved by database triggers on every write to skills and aliases, by any path."""

import pytest
from django.db import connection, transaction

from postings.extraction import taxonomy_version
from postings.models import Skill, SkillAlias
from postings.services import skill_alias_delete, skill_alias_save
from tests.factories import SkillAliasFactory, SkillCategoryFactory, SkillFactory

pytestmark = pytest.mark.django_db


def moves(write) -> bool:
    before = taxonomy_version()
    write()
    return taxonomy_version() != before


def test_every_kind_of_write_to_skills_or_aliases_moves_the_version():
    skill = SkillFactory(name="Kubernetes")
    alias = SkillAliasFactory(skill=skill, text="k8s")
    assert moves(lambda: SkillFactory(name="Terraform"))
    assert moves(lambda: skill_alias_save(alias=SkillAlias(skill=skill, text="kube")))
    assert moves(lambda: Skill.objects.filter(pk=skill.pk).update(name="Kubernetes (K8s)"))
    assert moves(lambda: SkillAlias.objects.bulk_create([SkillAlias(skill=skill, text="k8s.io")]))
    assert moves(lambda: skill_alias_delete(alias=alias))
    assert moves(lambda: SkillAlias.objects.filter(text="kube").delete())
    table = connection.ops.quote_name(SkillAlias._meta.db_table)
    with connection.cursor() as cursor:  # even a statement no Django code path knows about
        assert moves(lambda: cursor.execute(f"UPDATE {table} SET ambiguous = %s", [True]))
    assert moves(lambda: Skill.objects.filter(pk=skill.pk).delete())


def test_reads_and_other_tables_leave_it_alone():
    SkillFactory(name="Kubernetes")
    before = taxonomy_version()
    list(Skill.objects.all())
    list(SkillAlias.objects.all())
    assert taxonomy_version() == before


def test_it_costs_one_small_query_whatever_the_taxonomys_size(django_assert_num_queries):
    category = SkillCategoryFactory()
    Skill.objects.bulk_create([Skill(name=f"Skill {n}", slug=f"skill-{n}", category=category) for n in range(500)])
    with django_assert_num_queries(1) as captured:
        version = taxonomy_version()
    assert version.startswith("r") and "COUNT" not in captured.captured_queries[0]["sql"].upper()


def test_a_transaction_rolled_back_leaves_the_version_as_it_was():
    before = taxonomy_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        SkillFactory(name="Kubernetes")
        assert taxonomy_version() != before  # the writer sees its own revision
        raise RuntimeError("rolled back")
    assert taxonomy_version() == before
