"""New terms: detected in the postings an import or a sync writes, counted per segment, queued for editors, and
added as a skill or an alias (re-extracting the postings that mention them) or dismissed for good."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postings.ingest.services import postings_import
from postings.models import Posting, PostingSkill, Skill, SkillAlias
from postings.sources.services import source_sync
from postings.terms.models import NewTerm, NewTermMention
from postings.terms.services import new_term_add_alias, new_term_add_skill, new_term_dismiss, new_terms_record
from tests.postings.boards import board_json, make_source, serve_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(boards_world, board_server, django_capture_on_commit_callbacks):
    """The Greenhouse board (finance) and the Lever site (healthcare) synced; their after-commit tasks run."""
    serve_board(board_server, "greenhouse", board_json("greenhouse.json"))
    serve_board(board_server, "lever", board_json("lever.json"))
    with django_capture_on_commit_callbacks(execute=True):
        source_sync(source=make_source(boards_world, board_server, "greenhouse"))
        source_sync(source=make_source(boards_world, board_server, "lever", segment=boards_world["health"]))
    return boards_world


def by_segment(term: NewTerm) -> dict[str, int]:
    mentions = NewTermMention.objects.filter(term=term)
    return {
        slug: mentions.filter(posting__segment__slug=slug).count()
        for slug in mentions.values_list("posting__segment__slug", flat=True).distinct()
    }


def linked(skill: Skill) -> set[str]:
    return set(PostingSkill.objects.filter(skill=skill).values_list("posting__external_id", flat=True))


# --- Detection --------------------------------------------------------------------------------------------


def test_a_sync_queues_product_names_technical_phrases_and_near_misses_with_examples(synced):
    # then (the sync's after-commit task read its postings)
    terms = {term.key: term for term in NewTerm.objects.all()}
    langgraph = terms["langgraph"]
    assert (langgraph.text, langgraph.reason, langgraph.status) == ("LangGraph", "product", "open")
    assert by_segment(langgraph) == {"finance": 2, "healthcare": 1}
    assert "Operate LangGraph agents in production" in langgraph.examples
    assert len(langgraph.examples) <= 3
    store = terms["feature store"]
    assert (store.reason, by_segment(store)) == ("phrase", {"finance": 2, "healthcare": 1})
    near = terms["terrafrom"]
    assert (near.reason, near.near_skill) == ("near_miss", synced["terraform"])
    # what the taxonomy knows is never a candidate
    assert not {"kubernetes", "mlflow", "python", "k8s"} & terms.keys()


def test_recording_the_same_postings_again_counts_each_posting_once(synced):
    ids = list(Posting.objects.values_list("id", flat=True))
    before = NewTermMention.objects.count()

    new_terms_record(posting_ids=ids)
    new_terms_record(posting_ids=ids)

    assert NewTermMention.objects.count() == before
    assert NewTermMention.objects.filter(term__key="langgraph").count() == 3


def test_any_import_queues_the_terms_of_the_postings_it_wrote(boards_world, django_capture_on_commit_callbacks):
    row = {"external_id": "x1", "title": "MLOps", "employer": "Northwind Analytics", "segment": "finance",
           "posted_on": "2026-10-01", "description": "We deploy with ArgoCD and Kubernetes."}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        postings_import([(1, row)], source="api")

    term = NewTerm.objects.get(key="argocd")
    assert term.reason == "product" and by_segment(term) == {"finance": 1}


# --- Decisions --------------------------------------------------------------------------------------------


def test_adding_a_term_as_a_skill_links_the_postings_that_mention_it(synced, django_capture_on_commit_callbacks):
    term = NewTerm.objects.get(key="langgraph")

    with django_capture_on_commit_callbacks(execute=True):
        skill = new_term_add_skill(term=term, category=synced["category"])

    assert (skill.name, skill.category, skill.status, skill.source) == ("LangGraph", synced["category"], "draft",
                                                                        "new-terms")  # fmt: skip
    assert linked(skill) == {"4012001", "4012002", "6f1c2a4e-0b2d-4c39-9d7e-1a2b3c4d5e01"}
    term.refresh_from_db()
    assert (term.status, term.skill) == ("skill", skill)


def test_adding_a_term_as_an_alias_re_extracts_the_postings_that_mention_it(synced, django_capture_on_commit_callbacks):
    term = NewTerm.objects.get(key="terrafrom")
    assert "4012001" not in linked(synced["terraform"])

    with django_capture_on_commit_callbacks(execute=True):
        new_term_add_alias(term=term, skill=synced["terraform"])

    assert SkillAlias.objects.get(text="Terrafrom").skill == synced["terraform"]
    assert linked(synced["terraform"]) == {"4012001"}
    assert NewTerm.objects.get(pk=term.pk).status == "alias"


def test_a_dismissed_term_is_never_queued_again(synced):
    term = NewTerm.objects.get(key="feature store")

    new_term_dismiss(term=term)
    new_terms_record(posting_ids=Posting.objects.values_list("id", flat=True))

    term.refresh_from_db()
    assert term.status == "dismissed"
    assert not NewTermMention.objects.filter(term=term).exists()


def test_a_term_is_decided_once(synced):
    term = NewTerm.objects.get(key="feature store")
    new_term_dismiss(term=term)

    with pytest.raises(Exception, match="was decided already"):
        new_term_add_skill(term=NewTerm.objects.get(pk=term.pk), category=synced["category"])


# --- The editors' queue -----------------------------------------------------------------------------------


def test_the_queue_lists_recurring_terms_with_their_postings_and_segments(synced, editor_client,
                                                                         django_assert_max_num_queries):  # fmt: skip
    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("admin:postings_newterm_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "LangGraph" in page and "feature store" in page
    assert "Terrafrom" not in page  # one posting: below the queue's threshold
    every = editor_client.get(reverse("admin:postings_newterm_changelist") + "?queue=all_open").content.decode()
    assert "Terrafrom" in every


def test_the_queue_reads_the_same_number_of_queries_for_more_terms(synced, editor_client, django_assert_num_queries):
    url = reverse("admin:postings_newterm_changelist") + "?queue=everything"
    editor_client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    NewTerm.objects.bulk_create([NewTerm(key=f"tool{n}", text=f"Tool{n}", reason="product") for n in range(30)])
    with django_assert_num_queries(len(few.captured_queries)):
        editor_client.get(url)


def test_a_terms_page_shows_its_segments_and_examples_and_adds_it_as_an_alias(
    synced, editor_client, django_capture_on_commit_callbacks
):
    term = NewTerm.objects.get(key="terrafrom")
    url = reverse("admin:postings_newterm_change", args=[term.pk])

    page = editor_client.get(url).content.decode()
    assert "Financial services" in page and "Write Terrafrom modules for the GPU clusters" in page
    assert 'name="_add_alias"' in page and 'name="_dismiss"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url, {"text": "Terrafrom", "category": "", "skill": synced["terraform"].pk, "_add_alias": "1"}
        )

    assert response.status_code == 302
    assert NewTerm.objects.get(pk=term.pk).status == "alias"
    assert linked(synced["terraform"]) == {"4012001"}


def test_adding_a_skill_without_a_category_is_refused_with_a_message(synced, editor_client):
    term = NewTerm.objects.get(key="langgraph")
    url = reverse("admin:postings_newterm_change", args=[term.pk])

    response = editor_client.post(url, {"text": "LangGraph", "category": "", "skill": "", "_add_skill": "1"},
                                  follow=True)  # fmt: skip

    assert "Choose the category of the new skill first." in response.content.decode()
    assert NewTerm.objects.get(pk=term.pk).status == "open"


def test_the_buttons_add_a_skill_and_dismiss(synced, editor_client, django_capture_on_commit_callbacks):
    langgraph = NewTerm.objects.get(key="langgraph")
    store = NewTerm.objects.get(key="feature store")

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:postings_newterm_change", args=[langgraph.pk]),
                           {"text": "LangGraph", "category": synced["category"].pk, "skill": "", "_add_skill": "1"})
        editor_client.post(reverse("admin:postings_newterm_change", args=[store.pk]),
                           {"text": "feature store", "category": "", "skill": "", "_dismiss": "1"})  # fmt: skip

    assert Skill.objects.get(name="LangGraph").category == synced["category"]
    assert NewTerm.objects.get(pk=store.pk).status == "dismissed"
