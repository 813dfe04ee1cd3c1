"""The admin's skill autocomplete (a module's skills, a posting's skills) on the taxonomy CareerHub ships with."""

import pytest
from django.urls import reverse

from postings.seed import seed_taxonomy
from tests.conftest import shared_by_module

pytestmark = pytest.mark.django_db


def _autocomplete(client, term: str, *, app_label: str, model_name: str, field_name: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture(scope="module")
def seed_skills(django_db_setup, django_db_blocker):
    """The taxonomy CareerHub ships with, loaded once for the module."""
    yield from shared_by_module(django_db_blocker, seed_taxonomy)


@pytest.mark.parametrize(
    "field", [("curriculum", "module", "skills"), ("postings", "postingskill", "skill")], ids=["module", "posting"]
)
def test_the_autocomplete_offers_the_skill_named_like_the_query_first_in_the_seed_taxonomy(
    seed_skills, editor_client, field
):
    # given: the seed taxonomy, where "Databricks Unity Catalog" and "Fiddler AI" mention auditing and
    # explainability in their descriptions
    app_label, model_name, field_name = field
    # when
    audit = _autocomplete(editor_client, "Audit", app_label=app_label, model_name=model_name, field_name=field_name)
    explain = _autocomplete(
        editor_client, "explainab", app_label=app_label, model_name=model_name, field_name=field_name
    )
    # then: the skill named (and aliased) like the query is what Enter attaches; description matches come last
    assert audit[0] == "Audit trails" and "Databricks Unity Catalog" in audit[1:]
    # (a description is matched by whole words on PostgreSQL: "explainab" may not find Fiddler AI at all)
    assert explain[0] == "Model explainability"
