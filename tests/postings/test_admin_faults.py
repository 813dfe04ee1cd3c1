"""The admin as an editor meets it: skill autocomplete on the seed taxonomy, internal tables kept to
superusers, the import job's wording, the posting form's skill review and its foreign keys."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.demand.models import DemandRun, SegmentMonthTotal, SkillDemand
from postings.seed import seed_taxonomy
from tests.conftest import shared_by_module
from tests.factories import SegmentFactory, SkillFactory

pytestmark = pytest.mark.django_db

INTERNAL_TABLES = ("skilldemand", "segmentmonthtotal", "demandrun")


def _autocomplete(client, term: str, *, app_label: str, model_name: str, field_name: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


# --- Skill autocomplete on the seed taxonomy --------------------------------------------------------------


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
    assert explain[0] == "Model explainability" and "Fiddler AI" in explain[1:]


# --- Internal tables -----------------------------------------------------------------------------------


@pytest.fixture
def demand_rows():
    segment = SegmentFactory(name="Test segment", slug="test-segment")
    skill = SkillFactory(name="Counted test skill")
    for month in (datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)):
        SkillDemand.objects.create(segment=segment, skill=skill, month=month, postings=3, computed_at=timezone.now())
        SegmentMonthTotal.objects.create(segment=segment, month=month, postings=5, computed_at=timezone.now())
    return segment


def test_editors_neither_see_nor_open_the_internal_tables(editor_client, demand_rows):
    # when
    index = editor_client.get(reverse("admin:index")).content.decode()
    # then: not in the menu, and their pages refused
    for name in INTERNAL_TABLES:
        assert reverse(f"admin:postings_{name}_changelist") not in index
        assert editor_client.get(reverse(f"admin:postings_{name}_changelist")).status_code == 403
    assert editor_client.post(reverse("admin:postings_demandrun_recompute")).status_code == 403
    assert not DemandRun.objects.exists()


def test_superusers_read_the_internal_tables_but_never_edit_them(admin_client, demand_rows):
    # given
    row = SkillDemand.objects.first()
    # when
    index = admin_client.get(reverse("admin:index")).content.decode()
    change = admin_client.get(reverse("admin:postings_skilldemand_change", args=[row.pk])).content.decode()
    # then: listed, readable, no save or delete
    for name in INTERNAL_TABLES:
        assert reverse(f"admin:postings_{name}_changelist") in index
    assert 'name="_save"' not in change and reverse("admin:postings_skilldemand_delete", args=[row.pk]) not in change
    assert admin_client.get(reverse("admin:postings_skilldemand_add")).status_code == 403


@pytest.mark.parametrize("name", ["skilldemand", "segmentmonthtotal"])
def test_monthly_tables_filter_by_the_months_they_hold(admin_client, demand_rows, name):
    # when
    page = admin_client.get(reverse(f"admin:postings_{name}_changelist")).content.decode()
    october = admin_client.get(reverse(f"admin:postings_{name}_changelist"), {"month": "2026-10"})
    bad = admin_client.get(reverse(f"admin:postings_{name}_changelist"), {"month": "October"})
    # then: one choice per month present, none of a day's choices
    assert "Today" not in page and "Past 7 days" not in page
    assert "October 2026" in page and "September 2026" in page
    assert october.status_code == 200 and october.context["cl"].result_count == 1
    assert bad.status_code == 302 and "e=1" in bad.url  # the admin's "wrong filter" page, not a 500
