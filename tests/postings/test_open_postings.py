"""Demand counted over postings open in a period, next to postings first seen in it; every answer says which."""

import datetime

import pytest
from rest_framework.test import APIClient

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


def test_trends_count_postings_open_in_each_period_when_asked(lifecycle):
    # given A (March, open), B (March, closed 2 June) and C (1 July, open); trends to October 2026
    url = "/api/v1/demand/trends/?segment=finance&to=2026-10"

    # when trends are read on each basis
    first_seen = APIClient().get(url).json()
    open_ = APIClient().get(url + "&basis=open").json()

    # then each counts its own postings, period by period, and says which
    def counts(answer):
        [row] = answer["results"]
        return {t["months"]: (t["current"], t["current_total"], t["previous"], t["previous_total"])
                for t in row["trends"]}  # fmt: skip

    assert (first_seen["basis"], open_["basis"]) == ("first_seen", "open")
    assert open_["basis_label"] == "postings open at any time in the period"
    # Aug-Oct against May-Jul: first seen 0 against C; open A, C against A, B, C
    assert counts(first_seen)[3] == (0, 0, 1, 1)
    assert counts(open_)[3] == (2, 2, 3, 3)
    # May-Oct against Nov-Apr: first seen C against A, B; open all three against A, B
    assert counts(first_seen)[6] == (1, 1, 2, 2)
    assert counts(open_)[6] == (3, 3, 2, 2)
    assert counts(open_)[12] == (3, 3, 0, 0)


def test_every_demand_answer_names_its_basis(lifecycle):
    client = APIClient()

    answers = {
        "rows": client.get("/api/v1/demand/?segment=finance").json()["results"],
        "cooccurrence": client.get("/api/v1/demand/cooccurrence/?segment=finance").json(),
        "tiers": client.get("/api/v1/demand/tiers/?segment=finance").json(),
        "top": client.get("/api/v1/demand/top/?segment=finance").json(),
    }

    assert answers["rows"] and {row["basis"] for row in answers["rows"]} == {"first_seen"}
    for name in ("cooccurrence", "tiers", "top"):
        assert answers[name]["basis"] == "first_seen", name
        assert answers[name]["basis_label"] == "postings first seen (posted) in the period", name


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/demand/cooccurrence/?basis=open", "first seen (posted) in the period only"),
        ("/api/v1/demand/trends/?basis=closed", "valid choice"),
    ],
)
def test_a_basis_an_answer_cannot_count_is_refused_naming_the_field(lifecycle, url, message):
    response = APIClient().get(url)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "basis" and message in error["message"]


def test_the_pages_figures_say_what_they_count(lifecycle, client):
    # given the pages that show shares and directions
    SegmentFactory(slug="health")
    pages = ["/segments/finance/", "/skills/", "/skills/kubernetes/", "/segments/compare/?a=finance&b=health"]

    for url in pages:
        # when each is read
        response = client.get(url, follow=True)

        # then it says its postings are counted in the month first seen
        assert response.status_code == 200, url
        assert "Each posting counted once, in the month it was first seen." in response.content.decode(), url
