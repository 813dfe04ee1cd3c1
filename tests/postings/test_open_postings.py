"""Demand counted over postings open in a period, next to postings first seen in it; every answer says which."""

import datetime

import pytest

from postings.demand import engine
from postings.demand.open_postings import top_skills_open
from postings.demand.selectors import top_skills
from postings.models import Posting
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.world import create_postings

pytestmark = pytest.mark.django_db

MAY, JUNE, JULY = datetime.date(2026, 5, 1), datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)


@pytest.fixture
def lifecycle():
    """Three Kubernetes postings of Finance: A posted in March and still open; B posted in March and closed on
    2 June; C posted on 1 July. In May-June, none was first seen and two were open."""
    finance, employer = SegmentFactory(slug="finance"), EmployerFactory()
    kubernetes = SkillFactory(name="Kubernetes", slug="kubernetes")
    rows = [("a", datetime.date(2026, 3, 10)), ("b", datetime.date(2026, 3, 5)), ("c", JULY)]
    create_postings(
        {"employer": employer, "segment": finance, "title": f"Engineer {key}", "description": "Kubernetes daily.",
         "posted_on": day, "external_id": key, "source": "board"}
        for key, day in rows
    )  # fmt: skip
    Posting.objects.filter(external_id="b").update(closed_on=datetime.date(2026, 6, 2))
    engine.recompute_marked()
    return {"finance": finance, "kubernetes": kubernetes}


def test_open_counts_every_posting_open_at_some_time_in_the_period(lifecycle):
    may_june = top_skills_open(segment=lifecycle["finance"], month_from=MAY, month_to=JUNE)
    july = top_skills_open(segment=None, month_from=JULY, month_to=JULY)

    assert [(row.skill.slug, row.postings, row.total) for row in may_june] == [("kubernetes", 2, 2)]
    assert [(row.skill.slug, row.postings, row.total) for row in july] == [("kubernetes", 2, 2)]  # A and C
    # first seen in May-June: none
    assert top_skills(segment=lifecycle["finance"], month_from=MAY, month_to=JUNE) == []


def test_the_api_says_which_postings_its_figures_count(lifecycle, client):
    url = "/api/v1/demand/top/?segment=finance&from=2026-05&to=2026-06"

    first_seen = client.get(url).json()
    open_ = client.get(url + "&basis=open").json()

    assert (first_seen["basis"], first_seen["total"], first_seen["results"]) == ("first_seen", 0, [])
    assert first_seen["basis_label"] == "postings first seen (posted) in the period"
    assert (open_["basis"], open_["total"]) == ("open", 2)
    assert [(r["skill"]["slug"], r["postings"]) for r in open_["results"]] == [("kubernetes", 2)]


def test_an_unknown_basis_is_refused_naming_the_field(lifecycle, client):
    response = client.get("/api/v1/demand/top/?basis=closed")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "basis"
