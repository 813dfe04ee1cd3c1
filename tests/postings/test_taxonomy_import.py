"""import_skills and export_skills: each real format, merging, idempotence, editors' edits, bad input, round trip."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from postings.models import RemovedSkillAlias, Skill, SkillAlias, SkillCategory
from postings.services import skill_alias_delete, skill_alias_save, skill_save
from postings.taxonomy.readers import TaxonomyFileError, onet_aliases, read_taxonomy
from postings.taxonomy.services import skills_export, skills_import
from tests.factories import SkillAliasFactory, SkillFactory

FIXTURES = Path(__file__).parent / "fixtures"
ONET_HEADER = "Example\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
pytestmark = pytest.mark.django_db


def run(fmt, path, *extra):
    out = StringIO()
    call_command("import_skills", "--format", fmt, str(path), "--no-progress", "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def aliases_of(name):
    return set(SkillAlias.objects.filter(skill__name=name).values_list("text", flat=True))


def test_onet_tools_become_skills_with_categories_flags_and_derived_aliases():
    summary = run("onet", FIXTURES / "onet_technology_skills.tsv")
    assert summary["created"] == 4  # the SageMaker rows of two occupations are one tool
    sagemaker = Skill.objects.get(name="Amazon Web Services AWS SageMaker")
    assert (sagemaker.onet_code, sagemaker.onet_hot_technology, sagemaker.onet_in_demand) == ("43232605", True, True)
    assert sagemaker.category.name == "Analytical or scientific software"
    assert sagemaker.category.external_id == "43232605"
    assert sagemaker.source == "onet" and sagemaker.status == "draft"
    assert aliases_of("Amazon Web Services AWS SageMaker") == {"AWS SageMaker", "SageMaker"}
    # "Excel" alone is an ordinary word: it only counts with context
    assert SkillAlias.objects.get(text="Excel").ambiguous is True
    assert SkillAlias.objects.get(text="Airflow").ambiguous is True


def test_derived_aliases_strip_vendor_prefixes_one_at_a_time():
    assert [a.text for a in onet_aliases("Amazon Web Services AWS SageMaker")] == ["AWS SageMaker", "SageMaker"]
    assert onet_aliases("Kubernetes") == []


def test_importing_twice_changes_nothing():
    run("onet", FIXTURES / "onet_technology_skills.tsv")
    before = (Skill.objects.count(), SkillAlias.objects.count(), SkillCategory.objects.count())
    summary = run("onet", FIXTURES / "onet_technology_skills.tsv")
    assert (summary["created"], summary["merged"], summary["skipped"]) == (0, 0, 4)
    assert (Skill.objects.count(), SkillAlias.objects.count(), SkillCategory.objects.count()) == before


def test_a_spelling_an_editor_removed_is_never_imported_again_until_an_editor_adds_it_back(editor_client, tmp_path):
    run("onet", FIXTURES / "onet_technology_skills.tsv")
    sagemaker = Skill.objects.get(name="Amazon Web Services AWS SageMaker")
    # given: an editor deletes the alias "SageMaker" in the admin
    alias = SkillAlias.objects.get(text="SageMaker")
    page = editor_client.post(reverse("admin:postings_skillalias_delete", args=[alias.pk]), {"post": "yes"})
    assert page.status_code == 302 and not SkillAlias.objects.filter(text="SageMaker").exists()
    # when: the same file is imported again, and a record named by the removed spelling
    summary = run("onet", FIXTURES / "onet_technology_skills.tsv")
    out = StringIO()
    call_command("import_skills", "--format", "terms", str(FIXTURES / "terms.json"), "--no-progress", stdout=out)
    (tmp_path / "terms.json").write_text('["sagemaker"]', encoding="utf-8")
    again = run("terms", tmp_path / "terms.json")
    # then: the spelling stays out, counted; the record merged into the skill it was removed from
    assert summary["kept_out"] == 1 and again == {**again, "created": 0, "kept_out": 1}
    assert "removed by editors kept out" in out.getvalue()
    assert aliases_of(sagemaker.name) == {"AWS SageMaker"}
    assert not Skill.objects.filter(name__iexact="sagemaker").exists()
    # and once an editor adds it back, it is an ordinary alias again
    skill_alias_save(alias=SkillAlias(skill=sagemaker, text="SageMaker"), by_editor=True)
    assert not RemovedSkillAlias.objects.exists()


def test_a_removed_spelling_whose_skill_is_gone_keeps_its_record_out():
    skill = SkillFactory(name="Kubeflow Pipelines")
    alias = SkillAliasFactory(skill=skill, text="kubeflow")
    skill_alias_delete(alias=alias, by_editor=True)
    skill.delete()
    summary = run("terms", FIXTURES / "terms.json")
    assert summary["kept_out"] == 1 and not Skill.objects.filter(name__iexact="kubeflow").exists()


def test_aliases_removed_by_other_means_than_an_editor_are_not_remembered():
    alias = SkillAliasFactory(skill=SkillFactory(name="Kubeflow Pipelines"), text="kubeflow")
    skill_alias_delete(alias=alias)
    assert not RemovedSkillAlias.objects.exists()


def test_records_merge_into_existing_skills_by_name_or_alias_ignoring_case():
    # given: a curated Kubernetes skill, and MLflow known by an alias
    SkillFactory(name="Kubernetes")
    SkillAliasFactory(skill=SkillFactory(name="MLflow Tracking"), text="MLflow")
    # when
    summary = run("terms", FIXTURES / "terms.json")
    # then: "KUBERNETES" and "mlflow" are found, not duplicated; the file's repeated "mlflow" is one record
    assert summary["created"] == 2  # kubeflow, feature store
    assert Skill.objects.filter(name__iexact="kubernetes").count() == 1
    assert not Skill.objects.filter(name="mlflow").exists()


def test_esco_csv_preferred_labels_become_skills_and_alternative_labels_aliases():
    summary = run("esco", FIXTURES / "esco_skills.csv")
    assert summary["created"] == 2
    python = Skill.objects.get(name="Python (computer programming)")
    assert python.esco_uri == "http://data.europa.eu/esco/skill/11111111-2222-3333-4444-555555555555"
    assert python.type == "tool"  # the knowledge pillar
    assert python.category.name == "software and applications development"
    assert aliases_of(python.name) == {"Python programming", "Python scripting"}
    assert Skill.objects.get(name="use spreadsheets software").type == "practice"


def test_esco_only_keeps_one_branch():
    assert run("esco", FIXTURES / "esco_skills.csv", "--only", "K06")["created"] == 1


def test_esco_ict_json_and_esco_uri_matching():
    run("esco", FIXTURES / "esco_ict_skills.json")
    haskell = Skill.objects.get(name="Haskell")
    assert aliases_of("Haskell") == {"Haskell programming"}  # the label repeated as an alt label is not an alias
    # an editor renames it; the next import finds it by its ESCO URI and creates nothing
    haskell.name = "Haskell language"
    skill_save(skill=haskell, by_editor=True, changed_fields=["name"])
    summary = run("esco", FIXTURES / "esco_ict_skills.json")
    assert summary["created"] == 0
    assert Skill.objects.get(pk=haskell.pk).name == "Haskell language"


def test_an_editors_fields_are_never_overwritten():
    # given: an editor wrote the description; the ESCO URI is still empty
    skill = SkillFactory(name="Haskell", description="")
    skill.description = "Written by an editor."
    skill_save(skill=skill, by_editor=True, changed_fields=["description"])
    # when
    run("esco", FIXTURES / "esco_ict_skills.json")
    # then: the empty URI is filled, the editor's description kept
    skill.refresh_from_db()
    assert skill.description == "Written by an editor."
    assert skill.esco_uri.endswith("aaaaaaaa-0000-0000-0000-000000000001")


def test_a_skill_renamed_by_an_editor_is_found_under_its_former_name():
    skill = SkillFactory(name="Kubeflow")
    skill.name = "Kubeflow Pipelines"
    skill_save(skill=skill, by_editor=True, changed_fields=["name"])
    summary = run("terms", FIXTURES / "terms.json")
    assert not Skill.objects.filter(name__iexact="kubeflow").exists()
    assert summary["created"] == 3  # mlflow, kubernetes, feature store


def test_an_alias_naming_another_skill_is_refused_with_the_reason():
    # given: "SageMaker" already names another skill
    SkillFactory(name="SageMaker")
    # when
    summary = run("onet", FIXTURES / "onet_technology_skills.tsv")
    # then
    assert summary["refused"] == 1
    line, text, reason = summary["refusals"][0]
    assert (line, text) == (2, "SageMaker")
    assert "already names another skill (SageMaker)" in reason
    assert aliases_of("Amazon Web Services AWS SageMaker") == {"AWS SageMaker"}


def test_dry_run_counts_everything_and_writes_nothing():
    summary = run("onet", FIXTURES / "onet_technology_skills.tsv", "--dry-run")
    assert summary["created"] == 4 and summary["dry_run"] is True
    assert not Skill.objects.exists() and not SkillCategory.objects.exists()


def test_the_summary_line_names_every_count():
    out = StringIO()
    call_command("import_skills", "--format", "terms", str(FIXTURES / "terms.json"), "--no-progress", stdout=out)
    assert "4 created, 0 merged, 0 skipped, 0 refused" in out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("onet", "Example\tCommodity Code\n", "header needs"),
        ("onet", ONET_HEADER + "A\t1\n", "line 2: has 2 columns"),
        ("onet", ONET_HEADER + "A\t12\tT\tY\tN\n", "8-digit"),
        ("onet", ONET_HEADER + "A\t12345678\tT\tX\tN\n", "Y or N"),
        ("onet", ONET_HEADER + " \t12345678\tT\tY\tN\n", "empty"),
        ("esco", "id,label\n", "header must be"),
        ("esco", 'id,description,hierarchy_levels,type\nnot-a-uuid,x,"[]",preferredLabel\n', "line 2: id"),
        ("esco", "id,description,hierarchy_levels,type\n" + "a" * 36 + ',x,"[[",preferredLabel\n', "hierarchy_levels"),
        ("terms", "[1, 2]", "term 1 must be text"),
        ("terms", '{"a": 1}', "JSON list"),
        ("terms", '["ok",\n"broken"', "line 2"),
        ("terms", json.dumps(["x" * 300]), "300 characters"),
        ("terms", json.dumps(["nul\u0000byte"]), "NUL or control"),
        ("careerhub", '{"format": "other"}', "not a careerhub-taxonomy"),
    ],
)
def test_malformed_files_are_refused_whole_naming_the_line(tmp_path, fmt, content, message):
    path = tmp_path / "bad"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(fmt, path)
    assert not Skill.objects.exists()


def test_non_utf8_text_names_the_line(tmp_path):
    path = tmp_path / "latin1.tsv"
    path.write_bytes(ONET_HEADER.encode() + b"Caf\xe9\t12345678\tT\tY\tN\n")
    with pytest.raises(TaxonomyFileError, match="line 2: is not UTF-8"):
        read_taxonomy("onet", path)


def test_hostile_text_is_stored_as_plain_text(tmp_path):
    path = tmp_path / "terms.json"
    path.write_text(json.dumps(["<script>alert(1)</script>", "Robert'); DROP TABLE postings_skill;--"]))
    assert run("terms", path)["created"] == 2
    assert Skill.objects.filter(name="<script>alert(1)</script>").exists()
    assert Skill.objects.count() == 2


def test_export_is_read_back_by_the_importer(tmp_path):
    # given: a taxonomy from two formats
    run("onet", FIXTURES / "onet_technology_skills.tsv")
    run("esco", FIXTURES / "esco_skills.csv")
    path = tmp_path / "taxonomy.json"
    call_command("export_skills", "--output", str(path), stderr=StringIO())
    first = json.loads(path.read_text())
    # when: the database is emptied and the export imported back
    SkillAlias.objects.all().delete()
    Skill.objects.all().delete()
    SkillCategory.objects.all().delete()
    summary = run("careerhub", path)
    # then: the same taxonomy, exported the same way
    assert summary["created"] == len(first["skills"]) == 6
    assert skills_export() == first


def test_import_service_takes_records_in_bulk():
    records = read_taxonomy("terms", FIXTURES / "terms.json")
    summary = skills_import(records=records)
    assert summary.as_dict()["created"] == 4


def test_editors_see_the_removed_spellings_and_deleting_one_lets_imports_add_it(editor_client):
    skill = SkillFactory(name="Kubeflow Pipelines")
    skill_alias_delete(alias=SkillAliasFactory(skill=skill, text="kubeflow"), by_editor=True)
    page = editor_client.get(reverse("admin:postings_removedskillalias_changelist"))
    assert page.status_code == 200 and "kubeflow" in page.content.decode()
    assert run("terms", FIXTURES / "terms.json")["kept_out"] == 1
    removed = RemovedSkillAlias.objects.get()
    editor_client.post(reverse("admin:postings_removedskillalias_delete", args=[removed.pk]), {"post": "yes"})
    assert run("terms", FIXTURES / "terms.json")["kept_out"] == 0
    assert Skill.objects.filter(name="kubeflow").exists()  # no longer kept out: imported as the term it is
