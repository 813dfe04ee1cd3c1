"""The readiness pages without JavaScript: the form, the answer at a shareable address, a pasted text's skills to
confirm, the job-ad check, their query counts, and the site's link to them."""

import re
from html import unescape

import pytest

from tests.world import build_readiness_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_readiness_world()


def text_of(response) -> str:
    """The page's text as read: inline tags dropped, every other tag a space, runs of spaces one."""
    html = re.sub(r"</?(?:a|span|mark|strong|em|code)\b[^>]*>", "", response.content.decode())
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_bare_page_is_a_form_of_every_published_skill_by_category(client, world):
    response = client.get("/readiness/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/readiness/"' in html and "csrfmiddlewaretoken" in html
    boxes = re.findall(r'<input type="checkbox" name="skills" value="([^"]+)"', html)
    assert sorted(boxes) == ["airflow", "kubernetes", "mlflow", "python", "sox", "terraform"]
    assert "<summary>Platform skills" in html and "secret-skill" not in html
    assert "never stored, logged, cached or put in a web address" in text_of(response)
    assert 'class="answer"' not in html
    assert '<script src="/static/careerhub/readiness.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html  # no inline script or style


def test_the_site_navigation_links_to_the_page(client, world):
    assert '<a href="/readiness/">Am I ready?</a>' in client.get("/").content.decode()
    assert '<a href="/readiness/" aria-current="page">Am I ready?</a>' in client.get("/readiness/").content.decode()


def test_ticks_alone_are_redirected_to_the_shareable_address(client, world):
    response = client.post("/readiness/", {"skills": ["python", "terraform"], "segment": "finance", "text": ""})
    assert response.status_code == 303
    assert response["Location"] == "/readiness/?skills=python,terraform&segment=finance"

    # boxes ticked on a GET form (repeated parameters) are folded into the same address
    repeated = client.get("/readiness/?skills=python&skills=terraform&segment=finance")
    assert repeated.status_code == 302 and repeated["Location"] == "/readiness/?skills=python,terraform&segment=finance"


def test_the_answer_page_explains_its_numbers_and_plans(client, world):
    response = client.get("/readiness/?skills=python,terraform&segment=finance")

    assert response.status_code == 200
    text = text_of(response)
    assert "Counting 2 skills: 2 ticked." in text
    assert "Finance 80 postings 33% 1 of 4 below" in text  # postings, readiness, core skills had
    assert "Tiny 10 postings too few postings to judge (10) not judged" in text
    assert "Flat 50 postings 65% 2 of 3 Plan for Flat" in text
    assert "Finance: 33% ready" in text
    assert "A skill is core when at least 25% of the postings ask for it." in text
    assert "Here: 50% ÷ 150% = 33% (40 ÷ 120 postings asking, counted per skill)." in text
    assert "12 months to October 2026" in text
    assert "Start with Foundations. 3 modules, about 20 h (and 1 without an estimate)" in text
    html = response.content.decode()
    assert re.findall(r'data-module="([^"]+)"', html) == [
        "foundations/containers", "foundations/compliance", "platform/tracking",
    ]
    # each row offers the plan for its segment, keeping the skills; the answer's own address to share
    assert 'href="/readiness/?skills=python,terraform&amp;segment=flat"' in html
    assert "http://testserver/readiness/?skills=python,terraform&amp;segment=finance" in html
    assert '<meta name="robots" content="noindex">' in html
    # the form comes back with the skills ticked
    assert re.search(r'value="python" id="skill-python" checked', html)
    assert not re.search(r'value="sox" id="skill-sox" checked', html)


def test_a_segment_with_too_few_postings_is_not_judged(client, world):
    text = text_of(client.get("/readiness/?skills=python&segment=tiny"))
    assert "Tiny: not judged" in text
    assert "Too few postings to judge: 10 published postings in the 12 months to October 2026, fewer than 30." in text
    assert "Your plan" not in text


def test_unknown_skills_are_reported_not_refused(client, world):
    response = client.get("/readiness/?skills=python,cobol,%3Cscript%3E")
    assert response.status_code == 200
    assert "no published skill has these names: cobol, &lt;script&gt;." in response.content.decode()
    # a segment that is not published is a form error naming the field
    refused = client.get("/readiness/?skills=python&segment=hidden")
    assert refused.status_code == 400
    assert "Target segment: No published segment has that slug" in text_of(refused)


def test_a_pasted_text_shows_its_skills_to_confirm_with_their_words(client, world):
    response = client.post("/readiness/", {"skills": ["sox"], "text": "Five years of k8s and some Python.",
                                           "segment": ""})  # fmt: skip

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    html = response.content.decode()
    found = html[html.index('class="found"') : html.index('class="answer"')]
    assert '<form method="get" action="/readiness/"' in found
    assert re.findall(r'name="skills" value="([^"]+)" checked', found) == ["kubernetes", "python"]
    assert "matched “<mark>k8s</mark>”" in found
    assert '<input type="hidden" name="skills" value="sox">' in found
    # the answer counts them already, and says so
    assert "Counting 3 skills: 1 ticked, 2 found in your text." in text_of(response)
    # the text itself is not sent back: the text box is empty
    assert "Five years" not in html


def test_a_text_with_no_skill_says_so(client, world):
    response = client.post("/readiness/", {"text": "I like long walks."})
    assert response.status_code == 200
    assert "No skill of CareerHub's taxonomy was found in your text." in text_of(response)


def test_the_job_ad_check_compares_with_the_learner(client, world):
    page = client.get("/readiness/job-ad/?skills=python")
    assert page.status_code == 200 and '<input type="hidden" name="skills" value="python">' in page.content.decode()

    response = client.post("/readiness/job-ad/", {"text": "Python, Kubernetes and SOX.", "skills": "python"})

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    text = text_of(response)
    assert "Python matched “Python” Python basics (Foundations) you have it" in text
    assert "Kubernetes matched “Kubernetes” Containers (Foundations); Orchestration (Platform) missing" in text
    assert "Most like Finance:" in text and "(3 of its 3 skills asked for by that segment's postings)" in text
    assert "Too few postings to compare (fewer than 30 in the window): Tiny." in text
    assert "A module teaches every skill this ad asks for." in text
    assert "Kubernetes and SOX." in text  # what the learner still misses


def test_the_answer_page_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.get("/readiness/?skills=python")  # skills and curriculum kept, demand figures cached: steady state
    # the taxonomy version (are the kept skills current?) and the segments
    with django_assert_num_queries(2):
        assert client.get("/readiness/?skills=python,kubernetes&segment=finance").status_code == 200
    with django_assert_num_queries(2):  # the bare form: the same two
        assert client.get("/readiness/").status_code == 200
