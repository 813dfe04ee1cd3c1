"""Skill merges, alias changes that re-extract the postings mentioning them, editors' decisions in the admin."""

import pytest
from django.urls import reverse

from careerhub.core.after_commit import _send
from postings.demand.models import DemandMark, SkillDemand
from postings.extraction import Lexicon, Matcher, Term, invalidate
from postings.extraction.matcher import EMPTY_LEXICON, class_prefix, dropped_shapes, mention_shape, term_class
from postings.models import PostingSkill, PostingSkillState, Skill, SkillAlias, SkillMerge
from postings.services import (
    posting_extract_skills,
    posting_ids_mentioning,
    skill_alias_delete,
    skill_alias_save,
    skill_merge,
)
from tests.factories import ModuleFactory, PostingFactory, SkillAliasFactory, SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_matcher():
    invalidate()
    yield
    invalidate()


def links(posting):
    return {link.skill.name: link.state for link in posting.posting_skills.select_related("skill")}


# --- merge ------------------------------------------------------------------------------------


def test_merge_moves_links_aliases_and_modules_and_records_it():
    # given: "K8s platform" duplicates Kubernetes; one posting asks for both, one for the duplicate only
    target = SkillFactory(name="Kubernetes")
    source = SkillFactory(name="K8s platform")
    SkillAliasFactory(skill=source, text="kube")
    both = PostingFactory(description="x")
    only = PostingFactory(description="y")
    PostingSkill.objects.create(posting=both, skill=target, state=PostingSkillState.AUTO)
    PostingSkill.objects.create(posting=both, skill=source, state=PostingSkillState.ACCEPTED)
    PostingSkill.objects.create(posting=only, skill=source, state=PostingSkillState.REJECTED)
    module = ModuleFactory()
    module.skills.add(source)
    DemandMark.objects.all().delete()
    # when
    merge = skill_merge(source=source, target=target, merged_by="editor")
    # then
    assert not Skill.objects.filter(pk=source.pk).exists()
    assert links(both) == {"Kubernetes": PostingSkillState.ACCEPTED}  # the editor's decision carries over
    assert links(only) == {"Kubernetes": PostingSkillState.REJECTED}
    assert set(SkillAlias.objects.filter(skill=target).values_list("text", flat=True)) == {"kube", "K8s platform"}
    assert list(module.skills.all()) == [target]
    assert (merge.links_moved, merge.aliases_moved, merge.modules_moved) == (3 - 1, 1, 1)
    assert SkillMerge.objects.get().merged_name == "K8s platform"
    assert DemandMark.objects.exists()  # the demand of both postings is recomputed


def test_a_skill_cannot_be_merged_into_itself():
    skill = SkillFactory()
    with pytest.raises(Exception, match="itself"):
        skill_merge(source=skill, target=skill)


def test_the_admin_action_asks_for_the_target_then_merges(editor_client):
    keep = SkillFactory(name="PostgreSQL")
    other = SkillFactory(name="Postgres DB")
    url = reverse("admin:postings_skill_changelist")
    selected = {"action": "merge_skills", "_selected_action": [keep.pk, other.pk]}
    # the first post shows the choice
    response = editor_client.post(url, selected)
    assert response.status_code == 200 and b"Merge into" in response.content
    # the second merges
    response = editor_client.post(url, {**selected, "apply": "1", "target": keep.pk})
    assert response.status_code == 302
    assert list(Skill.objects.values_list("name", flat=True)) == ["PostgreSQL"]
    assert SkillAlias.objects.get().text == "Postgres DB"


# --- alias changes ----------------------------------------------------------------------------


def test_candidates_are_only_postings_that_contain_the_spelling_as_words():
    mentions = PostingFactory(title="Platform engineer", description="We run Argo Workflows daily.")
    PostingFactory(title="Engineer", description="Argonauts welcome; cargo cult not.")
    PostingFactory(title="Engineer", description="Nothing relevant.")
    assert posting_ids_mentioning(texts=["argo workflows", "ARGO"]) == [mentions.pk]
    assert posting_ids_mentioning(texts=[]) == []


def test_a_new_alias_re_extracts_only_the_postings_mentioning_it(django_capture_on_commit_callbacks):
    # given: a posting mentions "k8s" before the alias exists, another does not
    skill = SkillFactory(name="Kubernetes")
    mentions = PostingFactory(title="SRE", description="We run k8s at scale.")
    other = PostingFactory(title="SRE", description="We run VMs.")
    assert links(mentions) == {}
    DemandMark.objects.all().delete()
    # when: the alias is added; the task runs after commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        skill_alias_save(alias=SkillAlias(skill=skill, text="k8s"), by_editor=True)
    # then
    assert callbacks
    assert links(mentions) == {"Kubernetes": PostingSkillState.AUTO}
    assert links(other) == {}
    # the demand was marked and recomputed (eagerly here): the skill now counts for the posting's segment
    assert SkillDemand.objects.filter(skill=skill, segment=mentions.segment).exists()
    assert SkillAlias.objects.get(text="k8s").editor_edited is True


REEXTRACT = "postings.tasks.reextract_postings_mentioning"


def queued(callbacks) -> list[str]:
    """The names of the tasks that ``send_after_commit`` would queue once these callbacks run."""
    return [callback.args[0].name for callback in callbacks if getattr(callback, "func", None) is _send]


def test_without_postings_a_taxonomy_change_queues_no_re_extraction(django_capture_on_commit_callbacks):
    skill = SkillFactory(name="Kubernetes")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        skill_alias_save(alias=SkillAlias(skill=skill, text="k8s"))
    assert REEXTRACT not in queued(callbacks)
    PostingFactory(title="SRE", description="We run k8s at scale.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        skill_alias_save(alias=SkillAlias(skill=skill, text="kube"))
    assert REEXTRACT in queued(callbacks)


def test_removing_an_alias_removes_the_links_it_found(django_capture_on_commit_callbacks):
    skill = SkillFactory(name="Kubernetes")
    with django_capture_on_commit_callbacks(execute=True):
        alias = skill_alias_save(alias=SkillAlias(skill=skill, text="k8s"))
    posting = PostingFactory(title="SRE", description="We run k8s at scale.")
    posting_extract_skills(posting=posting)
    assert links(posting) == {"Kubernetes": PostingSkillState.AUTO}
    with django_capture_on_commit_callbacks(execute=True):
        skill_alias_delete(alias=alias)
    assert links(posting) == {}


# --- editors' decisions in the admin ------------------------------------------------------------


def test_an_editor_rejects_a_skill_in_the_admin_and_it_survives_re_extraction(editor_client):
    # given: the extractor linked Kubernetes to the posting
    skill = SkillFactory(name="Kubernetes")
    posting = PostingFactory(title="SRE", description="Kubernetes is mentioned but not required.")
    posting_extract_skills(posting=posting)
    link = posting.posting_skills.get()
    assert link.state == PostingSkillState.AUTO and link.matched_text == "Kubernetes"
    change = reverse("admin:postings_posting_change", args=[posting.pk])
    page = editor_client.get(change)
    assert b"<mark>Kubernetes</mark>" in page.content  # the evidence is shown
    # when: the editor rejects it through the inline
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "employer": posting.employer_id,
            "segment": posting.segment_id,
            "posted_on": posting.posted_on.isoformat(),
            "posting_skills-TOTAL_FORMS": "2",
            "posting_skills-INITIAL_FORMS": "1",
            "posting_skills-0-id": link.pk,
            "posting_skills-0-posting": posting.pk,
            "posting_skills-0-skill": skill.pk,
            "posting_skills-0-state": PostingSkillState.REJECTED,
            "posting_skills-1-posting": posting.pk,
            "posting_skills-1-skill": "",
            "posting_skills-1-state": PostingSkillState.ADDED,
        }
    )
    response = editor_client.post(change, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    # then: re-extraction keeps the rejection
    posting_extract_skills(posting=posting)
    assert links(posting) == {"Kubernetes": PostingSkillState.REJECTED}


# --- the lexicon in the matcher -----------------------------------------------------------------


def test_lexicon_stop_terms_heads_and_unseen_classes():
    terms = [
        Term(1, "Terraform", source="terms"),
        Term(2, "users", source="terms"),
        Term(3, "Spring", source="curated"),
        Term(4, "widgets", source="terms"),
        Term(5, "gizmo", source="curated"),
    ]
    lexicon = Lexicon(
        stop=frozenset({"users"}),
        heads=frozenset({"framework"}),
        seen=frozenset({"terraform", "spring"}),
        unseen_drop=frozenset({"terms|1|lower", "curated|1|lower"}),
    )
    matcher = Matcher(terms, lexicon=lexicon)
    text = "terraform users, Spring framework, widgets, Widgets, gizmo; Terraform engineers"
    # "users" is stop-listed; "widgets" (unseen, lower case) dropped, "Widgets" kept; curated "gizmo" trusted;
    # "Terraform engineers" is a job title
    assert [m.text for m in matcher.find_all(text)] == ["terraform", "Spring framework", "Widgets", "gizmo"]
    assert [m.text for m in Matcher(terms, lexicon=EMPTY_LEXICON).find_all(text)][-1] == "Terraform"


def test_dropped_shapes_agree_with_the_term_class_of_each_mention():
    # The matcher settles a term's source and words when it is built and checks only the shape per mention
    unseen_drop = frozenset({"terms|1|lower", "terms|2|cap", "esco|3|sym"})
    assert dropped_shapes(class_prefix("terms", "widgets"), unseen_drop) == {"lower"}
    assert dropped_shapes(class_prefix("terms", "big data"), unseen_drop) == {"cap"}
    assert dropped_shapes(class_prefix("esco", "a b c d"), unseen_drop) == {"sym"}
    assert dropped_shapes(class_prefix("onet", "widgets"), unseen_drop) == frozenset()
    for key in ("widgets", "big data", "a b c d"):
        for source in ("terms", "esco", "onet"):
            shapes = dropped_shapes(class_prefix(source, key), unseen_drop)
            for mention in ("widgets", "Widgets", "WIDGETS", "wIdgets", "widgets2", "Big Data", "big data"):
                dropped = mention_shape(mention) in shapes
                assert dropped == (term_class(source, key, mention) in unseen_drop)


def test_mention_shapes_of_ascii_and_other_text():
    assert [mention_shape(text) for text in ("c++", "Python3", "node.js", "R&D", "x²", "a٣")] == ["sym"] * 6
    assert [mention_shape(text) for text in ("docker", "naïve", "DOCKER", "ÉCOLE", "Docker", "École", "DocKer")] == [
        "lower",
        "lower",
        "upper",
        "upper",
        "cap",
        "cap",
        "mixed",
    ]
