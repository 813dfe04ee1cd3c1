import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from postings.ingest.services import posting_write
from postings.models import MAX_POSTING_TEXT, Posting, PostingSkill, SkillAlias
from postings.services import (
    posting_set_skills,
    posting_update,
    skill_alias_save,
    skill_create,
    skill_delete,
)
from tests.factories import (
    EmployerFactory,
    PostingFactory,
    SegmentFactory,
    SkillAliasFactory,
    SkillCategoryFactory,
    SkillFactory,
)
from tests.world import create_posting

pytestmark = pytest.mark.django_db


def posting_fields(**overrides):
    fields = {
        "employer": EmployerFactory(),
        "segment": SegmentFactory(),
        "title": "MLOps Engineer",
        "description": "Kubernetes and MLflow.",
        "posted_on": datetime.date(2026, 9, 1),
        "external_id": "job-1",
        "source": "board",
    }
    return fields | overrides


def test_skill_names_are_unique_ignoring_case():
    category = SkillCategoryFactory()
    skill_create(name="Kubernetes", category=category)
    with pytest.raises(ValidationError) as error:
        skill_create(name="kubernetes", slug="kubernetes-2", category=category)
    assert "__all__" in error.value.message_dict


def test_alias_is_unique_ignoring_case():
    SkillAliasFactory(text="k8s")
    with pytest.raises(ValidationError):
        skill_alias_save(alias=SkillAlias(skill=SkillFactory(), text="K8S"))


def test_alias_cannot_be_another_skills_name():
    SkillFactory(name="Argo CD")
    with pytest.raises(ValidationError) as error:
        skill_alias_save(alias=SkillAlias(skill=SkillFactory(), text="argo cd"))
    assert error.value.message_dict["text"] == ["“argo cd” is the name of another skill."]


def test_skill_create_with_aliases_is_all_or_nothing():
    SkillAliasFactory(text="taken")
    category = SkillCategoryFactory()
    with pytest.raises(ValidationError):
        skill_create(name="Kubeflow", category=category, aliases=[SkillAlias(text="kfp"), SkillAlias(text="TAKEN")])
    assert not category.skills.exists()


def test_posting_is_unique_per_source_and_external_id():
    # given: an editor's posting
    posting_write(posting=Posting(**posting_fields()))
    # when: another posting with the same source and external id is filled in
    with pytest.raises(ValidationError) as error:
        posting_write(posting=Posting(**posting_fields(title="Another")))
    # then: the form is told which field, and nothing was changed
    assert "external_id" in error.value.message_dict
    assert list(Posting.objects.values_list("title", flat=True)) == ["MLOps Engineer"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"posted_on": timezone.localdate() + datetime.timedelta(days=1)}, "posted_on"),
        ({"posted_on": datetime.date(1999, 12, 31)}, "posted_on"),
        ({"title": "x" * 301}, "title"),
        ({"title": ""}, "title"),
        ({"description": "x" * (MAX_POSTING_TEXT + 1)}, "description"),
        ({"description": "text\x00with NUL"}, "description"),
        ({"external_id": ""}, "external_id"),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_bad_posting_fields_are_named(overrides, field):
    with pytest.raises(ValidationError) as error:
        posting_write(posting=Posting(**posting_fields(**overrides)))
    assert field in error.value.message_dict
    assert not Posting.objects.exists()


def test_posting_skills_are_set_exactly_and_once():
    posting = PostingFactory()
    kubernetes, mlflow, feast = SkillFactory.create_batch(3)
    posting_set_skills(posting=posting, skills=[kubernetes, mlflow, mlflow])
    posting_set_skills(posting=posting, skills=[mlflow, feast])
    assert set(posting.skills.all()) == {mlflow, feast}
    assert PostingSkill.objects.filter(posting=posting, skill=mlflow).count() == 1


def test_a_skill_in_use_cannot_be_deleted():
    posting = PostingFactory()
    skill = SkillFactory()
    posting_set_skills(posting=posting, skills=[skill])
    with pytest.raises(ProtectedError):
        skill_delete(skill=skill)


def test_posting_update_keeps_history():
    posting = create_posting(**posting_fields())
    posting_update(posting=posting, data={"title": "Senior MLOps Engineer"})
    assert [record.title for record in posting.history.all()] == ["Senior MLOps Engineer", "MLOps Engineer"]
