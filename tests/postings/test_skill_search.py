"""Finding skills by what people type (``postings.skill_search``) and the admin's autocomplete of skills.

Runs on SQLite (near spellings by difflib) and, with DATABASE_URL set, on PostgreSQL (pg_trgm).
"""

import pytest
from django.db import connection
from django.urls import reverse

from careerhub.core.editorial import Status
from careerhub.core.ranking import EXACT, NAME, PREFIX, SIMILAR, TEXT, WORD
from postings.models import Skill
from postings.skill_search import close_spellings, skill_search
from tests.factories import SkillAliasFactory, SkillFactory

pytestmark = pytest.mark.django_db


def _skill(name: str, description: str = "", aliases: tuple[str, ...] = (), **fields):
    skill = SkillFactory(name=name, description=description, **fields)
    for text in aliases:
        SkillAliasFactory(skill=skill, text=text)
    return skill


@pytest.fixture
def kubernetes_family(db):
    """Kubernetes and four skills whose names sort before it and whose descriptions mention it."""
    return {
        "kubernetes": _skill("Kubernetes", "Container orchestration.", aliases=("k8s", "Kubernetes clusters")),
        "others": [
            _skill("AKS", "Azure's managed Kubernetes service."),
            _skill("CKA", "Certified Kubernetes Administrator."),
            _skill("CKAD", "Certified Kubernetes Application Developer."),
            _skill("GKE", "Google's managed Kubernetes engine."),
        ],
    }


def test_the_exact_name_comes_before_skills_whose_description_mentions_it(kubernetes_family):
    # when
    found = list(skill_search("kubernetes"))
    # then: the name first, then the four description matches
    assert found[0] == kubernetes_family["kubernetes"] and found[0].match_tier == EXACT
    assert {skill.name for skill in found[1:]} == {"AKS", "CKA", "CKAD", "GKE"}
    assert {skill.match_tier for skill in found[1:]} == {TEXT}


def test_an_alias_finds_its_skill_and_says_which(kubernetes_family):
    found = list(skill_search("K8S"))
    assert [skill.name for skill in found] == ["Kubernetes"]
    assert found[0].match_tier == EXACT and found[0].matched_alias == "k8s"


@pytest.mark.parametrize(
    ("query", "tier"),
    [
        ("serving INFRASTRUCTURE platform", EXACT),
        ("serv", PREFIX),
        ("serving infra", PREFIX),
        ("platform", WORD),
        ("infra serving", NAME),
    ],
)
def test_each_name_tier(query, tier):
    _skill("Serving infrastructure platform")
    assert [skill.match_tier for skill in skill_search(query)] == [tier]


def test_tiers_order_exact_prefix_word_name_text_similar():
    # given: one skill for each tier of the query "serving" (the last one only by its spelling)
    skills = [
        _skill("Serving"),
        _skill("Servings tracker"),
        _skill("Model serving"),
        _skill("Batch and online", aliases=("online and serving",)),
        _skill("KServe", "A Kubernetes serving platform."),
        _skill("Servinng"),
    ]
    # when
    found = list(skill_search("serving"))
    # then
    assert found == skills
    assert [skill.match_tier for skill in found] == [EXACT, PREFIX, WORD, WORD, TEXT, SIMILAR]


def test_a_typo_finds_the_skill(kubernetes_family):
    # "kubernets": PostgreSQL finds the name by its stem (kubernet), SQLite by its spelling only
    found = list(skill_search("kubernets"))
    assert found[0] == kubernetes_family["kubernetes"]
    assert found[0].match_tier == (NAME if connection.vendor == "postgresql" else SIMILAR)


def test_a_typo_no_stem_matches_is_found_by_its_spelling(kubernetes_family):
    # trigram word similarity on PostgreSQL, difflib elsewhere: the same result
    found = list(skill_search("kubernetis"))
    assert found == [kubernetes_family["kubernetes"]] and found[0].match_tier == SIMILAR


def test_a_typo_finds_a_word_inside_a_longer_name():
    _skill("Azure Kubernetes Service")
    assert [skill.name for skill in skill_search("kubernets")] == ["Azure Kubernetes Service"]


def test_close_spellings_keeps_only_close_names_and_words():
    # given
    kubernetes = _skill("Kubernetes")
    _skill("Kubeflow")
    managed = _skill("Managed Kubernetes service")
    # when
    close = close_spellings("kubernets", Skill.objects.all())
    # then: the name and the word of a longer name, not Kubeflow (0.56)
    assert set(close) == {kubernetes.pk, managed.pk} and min(close.values()) > 0.9
    assert close_spellings("zzzz", Skill.objects.all()) == {}


def test_drafts_are_not_found_unless_the_caller_searches_them():
    draft = _skill("Kubernetes", status=Status.DRAFT, published_at=None)
    assert list(skill_search("kubernetes")) == []
    assert list(skill_search("kubernetes", skills=Skill.objects.all())) == [draft]


@pytest.mark.parametrize("query", ["%", "_", "k%s", "k_s", "%%%%", "\x00", "   ", "!!! & | :*", "x" * 5000])
def test_wildcards_and_odd_queries_match_nothing_by_accident(kubernetes_family, query):
    assert [skill.name for skill in skill_search(query)] == []


# --- The admin's autocomplete ---------------------------------------------------------------------------------


def _autocomplete(client, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "curriculum", "model_name": "module", "field_name": "skills"},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_autocomplete_offers_name_matches_before_description_matches(editor_client):
    # given: skills whose descriptions mention auditing and explainability, named before the ones that
    # are about them in alphabetical order
    _skill("Amazon CloudTrail", "Audit logs of every AWS call.")
    _skill("Apache Atlas", "Metadata, lineage and audit of data.")
    _skill("Databricks Unity Catalog", "Access control, auditing and lineage on Databricks.")
    _skill("Audit trails", "Tamper-evident records of who changed what.")
    _skill("Fiddler AI", "Monitoring and explainability platform.", aliases=("Fiddler",))
    _skill("Model explainability", "Reasons for predictions.", aliases=("explainable AI",))
    _skill("Draft explainability tool", status=Status.DRAFT, published_at=None)
    # when / then
    assert _autocomplete(editor_client, "Audit")[0] == "Audit trails"
    assert _autocomplete(editor_client, "explainab")[:2] == ["Model explainability", "Draft explainability tool"]
    assert "Fiddler AI" not in _autocomplete(editor_client, "explainab")[:2]


def test_autocomplete_and_changelist_search_survive_odd_terms(editor_client):
    _skill("Kubernetes", aliases=("k8s",))
    assert _autocomplete(editor_client, "k8s") == ["Kubernetes"]
    assert _autocomplete(editor_client, "%") == []
    assert _autocomplete(editor_client, "\x00") in ([], ["Kubernetes"])
    response = editor_client.get(reverse("admin:postings_skill_changelist"), {"q": "kubernets"})
    assert response.status_code == 200 and "Kubernetes" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_a_search_makes_a_fixed_number_of_queries(kubernetes_family, django_assert_num_queries, extra):
    # given: more skills, each with an alias, matching by name, description and spelling
    for n in range(extra):
        _skill(f"Kubernetes tool {n}", "For Kubernetes.", aliases=(f"kt{n}",))
    # when / then: one query on PostgreSQL; on SQLite one more for the spellings difflib compares
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        found = [(skill.name, skill.match_tier, skill.matched_alias) for skill in skill_search("kubernets")]
    assert found[0][0] == "Kubernetes" and len(found) >= 1 + extra


@pytest.mark.parametrize("extra", [0, 30])
def test_the_autocomplete_makes_a_fixed_number_of_queries(editor_client, django_assert_num_queries, extra):
    _skill("Audit trails")
    for n in range(extra):
        _skill(f"Audit tool {n}", aliases=(f"audit helper {n}",))
    # the session, the user, the permissions (2), the search's count and a page of it (20); on SQLite
    # the spellings difflib compares
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        assert len(_autocomplete(editor_client, "audit")) == min(1 + extra, 20)
