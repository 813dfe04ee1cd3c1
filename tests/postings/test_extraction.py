"""The matcher (boundaries, overlaps, case, ambiguity, Unicode) and the extraction services."""

import random
import re

import ahocorasick
import pytest

from postings.extraction import Lexicon, Match, Matcher, Term, get_matcher, invalidate, taxonomy_version
from postings.extraction.text import _SEPARATORS, Folded, _lower_same_length, fold
from postings.models import PostingSkill, SkillAlias
from postings.services import (
    posting_extract_skills,
    posting_skill_save,
    posting_text,
    posting_update,
    skill_alias_save,
)
from tests.factories import EmployerFactory, PostingFactory, SegmentFactory, SkillAliasFactory, SkillFactory
from tests.world import create_posting

K8S, ML, MLE, GO, R, SPARK, CPP, NET, NODE, CICD, JAVA, JS = range(1, 13)


@pytest.fixture(scope="module")
def matcher():
    return Matcher(
        [
            Term(K8S, "Kubernetes"),
            Term(K8S, "k8s"),
            Term(ML, "machine learning"),
            Term(MLE, "machine learning engineering"),
            Term(GO, "Go", case_sensitive=True, ambiguous=True),
            Term(GO, "golang"),
            Term(R, "R", case_sensitive=True, ambiguous=True),
            Term(SPARK, "Spark", ambiguous=True),
            Term(SPARK, "Apache Spark"),
            Term(CPP, "C++"),
            Term(NET, ".NET"),
            Term(NODE, "Node.js"),
            Term(CICD, "CI/CD"),
            Term(JAVA, "Java"),
            Term(JS, "JavaScript"),
        ]
    )


def spans(matcher, text):
    return [(m.skill_id, m.text) for m in matcher.find_all(text)]


def test_matches_are_whole_words(matcher):
    assert spans(matcher, "Kubernetesish k8sx xk8s") == []
    assert spans(matcher, "Javanese JavaScript Java") == [(JS, "JavaScript"), (JAVA, "Java")]


def test_punctuation_around_a_match_is_a_boundary_and_offsets_point_at_the_words(matcher):
    text = "Run (Kubernetes), k8s. And CI / CD!"
    found = matcher.find_all(text)
    assert found == [Match(K8S, 5, 15, "Kubernetes"), Match(K8S, 18, 21, "k8s"), Match(CICD, 27, 34, "CI / CD")]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_symbols_inside_names_are_kept(matcher):
    assert spans(matcher, "C++, .NET and node.js; not C or net or node") == [
        (CPP, "C++"),
        (NET, ".NET"),
        (NODE, "node.js"),
    ]


def test_leftmost_longest_wins_over_shorter_overlaps(matcher):
    assert spans(matcher, "Machine Learning Engineering and machine learning") == [
        (MLE, "Machine Learning Engineering"),
        (ML, "machine learning"),
    ]
    assert spans(matcher, "Apache Spark") == [(SPARK, "Apache Spark")]


def test_case_is_folded_unless_the_alias_is_case_sensitive(matcher):
    assert spans(matcher, "KUBERNETES and kubernetes") == [(K8S, "KUBERNETES"), (K8S, "kubernetes")]
    assert spans(matcher, "we go fast with Kubernetes") == [(K8S, "Kubernetes")]
    assert spans(matcher, "Go and Kubernetes") == [(GO, "Go"), (K8S, "Kubernetes")]


def test_ambiguous_aliases_need_context(matcher):
    assert spans(matcher, "Be the Spark of the team.") == []
    assert spans(matcher, "Use Spark on Kubernetes.") == [(SPARK, "Spark"), (K8S, "Kubernetes")]
    assert spans(matcher, "Spark or Go programming") == [(SPARK, "Spark"), (GO, "Go")]
    assert spans(matcher, "Plan R tomorrow.") == []
    assert spans(matcher, "Statistics in R and Java.") == [(R, "R"), (JAVA, "Java")]


def test_context_must_be_near(matcher):
    far = "Spark joy. " + "x " * 60 + "Kubernetes"
    assert spans(matcher, far) == [(K8S, "Kubernetes")]


def test_a_cue_word_counts_within_the_context_window_only(matcher):
    # "Spark" ends at 5 in the folded text; the window reaches 60 characters past it
    near = "Spark " + "x " * 24 + "frameworks"
    far = "Spark " + "x " * 30 + "frameworks"
    assert spans(matcher, near) == [(SPARK, "Spark")]
    assert spans(matcher, far) == []
    assert spans(matcher, "frameworks " + "x " * 22 + "Spark") == [(SPARK, "Spark")]
    assert spans(matcher, "frameworks " + "x " * 30 + "Spark") == []


def test_version_numbers_belong_to_the_mention(matcher):
    assert spans(matcher, "Java 11 and Node.js 18.x, Kubernetes 1.29+ in 2 years") == [
        (JAVA, "Java 11"),
        (NODE, "Node.js 18.x"),
        (K8S, "Kubernetes 1.29+"),
    ]


def test_unicode_text_keeps_offsets(matcher):
    text = "İstanbul team • Kubernetes—Java… “k8s” Straße C++"
    found = matcher.find_all(text)
    assert [m.text for m in found] == ["Kubernetes", "Java", "k8s", "C++"]
    assert all(text[m.start : m.end] == m.text for m in found)


def test_find_keeps_the_first_mention_of_each_skill(matcher):
    assert matcher.find("k8s then Kubernetes then Java") == [Match(K8S, 0, 3, "k8s"), Match(JAVA, 25, 29, "Java")]


def test_find_is_the_first_of_find_all_for_each_skill(matcher):
    text = "k8s, Java 11 and Kubernetes 1.29; then Java, C++ and KUBERNETES (CI / CD) with Go programming and Go"
    first = {}
    for match in matcher.find_all(text):
        first.setdefault(match.skill_id, match)
    assert matcher.find(text) == list(first.values())
    assert [m.text for m in matcher.find(text)] == ["k8s", "Java 11", "C++", "CI / CD", "Go"]


def test_a_version_may_start_with_v(matcher):
    assert spans(matcher, "Java v8, Kubernetes vNext and Go v1.21 language") == [
        (JAVA, "Java v8"),
        (K8S, "Kubernetes"),
        (GO, "Go v1.21"),
    ]


def reference_fold(text: str) -> tuple[str, list[int]]:
    """Folding spelled out one character at a time: the folded text and each folded character's offset."""
    lowered = _lower_same_length(text)
    spaced = []
    for offset, char in enumerate(lowered):
        loose_dot = char == "." and not re.match(r"\w", lowered[offset + 1 : offset + 2])
        spaced.append(" " if char in _SEPARATORS or loose_dot else char)
    folded, offsets = [], []
    for offset, char in enumerate(spaced):
        if char == " " and folded and folded[-1] == " ":
            continue  # a run of separators is one space, at the offset of its first character
        folded.append(char)
        offsets.append(offset)
    return "".join(folded), offsets


@pytest.mark.parametrize("seed", range(4))
def test_folding_agrees_with_the_reference_on_random_text(seed):
    # ASCII texts and texts with wide characters take different paths: both must fold the same way
    alphabet = list(_SEPARATORS) + list("aZ09._+#&@İßΣ\u2028\x1cé\ud800") + ["..", "  ", "C++", ".NET"]
    rng = random.Random(seed)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if seed % 2:
            text = text.encode("ascii", "ignore").decode("ascii")
        folded = Folded(text)
        expected, offsets = reference_fold(text)
        assert folded.padded == f" {expected} ", repr(text)
        assert [folded.original(index) for index in range(len(expected))] == offsets, repr(text)


def test_letters_beyond_ascii_are_lowered_in_context():
    # "Σ" before an apostrophe and a letter is not word-final: the whole text is lowered before the
    # apostrophe becomes a space
    greek = "\u039f\u0394\u039f\u03a3'\u0391"  # capital omicron, delta, omicron, sigma, apostrophe, alpha
    assert fold(greek) == reference_fold(greek)[0] == "\u03bf\u03b4\u03bf\u03c3 \u03b1"  # a medial sigma
    assert fold("JAVA café • ÉCOLE") == "java café école"
    assert fold("Kubernetes\u2019 café") == "kubernetes café"


def test_wide_separators_and_a_lone_surrogate_fold_like_ascii_ones():
    assert fold("Node.js\u2013React \u2022 \u201cC#\u201d\u2026") == fold("Node.js-React * 'C#'.") == "node.js react c#"
    assert fold("Java\ud800 / Go") == "java\ud800 go"


def test_a_spelling_two_skills_share_once_folded_stays_with_the_first():
    conflicted = Matcher([Term(1, "CI/CD"), Term(2, "ci cd")])
    assert conflicted.lookup("CI-CD") == 1
    assert conflicted.conflicts == [("ci cd", 1, 2)]


def test_empty_taxonomy_and_empty_text():
    assert Matcher([]).find_all("Kubernetes") == []
    assert Matcher([Term(1, "x")]).find_all("") == []


# --- services ---------------------------------------------------------------------------------


@pytest.fixture
def taxonomy(db):
    invalidate()
    k8s = SkillFactory(name="Kubernetes")
    SkillAliasFactory(skill=k8s, text="k8s")
    mlflow = SkillFactory(name="MLflow")
    terraform = SkillFactory(name="Terraform")
    return {"k8s": k8s, "mlflow": mlflow, "terraform": terraform}


def new_posting(description, **kwargs):
    return create_posting(
        employer=EmployerFactory(),
        segment=SegmentFactory(),
        title="MLOps Engineer",
        description=description,
        posted_on=PostingFactory.posted_on,
        external_id=PostingFactory._meta.declarations["external_id"].function(PostingSkill.objects.count() + 900),
        **kwargs,
    )


def links(posting):
    return {(link.skill.name, link.state) for link in posting.posting_skills.select_related("skill")}


def test_a_new_posting_gets_its_skills_with_evidence(taxonomy):
    posting = new_posting("Run k8s and MLflow.")
    assert links(posting) == {("Kubernetes", "auto"), ("MLflow", "auto")}
    link = posting.posting_skills.get(skill=taxonomy["k8s"])
    assert posting_text(posting)[link.start : link.end] == link.matched_text == "k8s"
    assert link.extractor_version


def test_changed_text_is_extracted_again(taxonomy):
    posting = new_posting("Run k8s and MLflow.")
    posting_update(posting=posting, data={"description": "Terraform and Kubernetes."})
    assert links(posting) == {("Kubernetes", "auto"), ("Terraform", "auto")}
    assert posting.posting_skills.get(skill=taxonomy["k8s"]).matched_text == "Kubernetes"


def test_an_editors_rejection_and_addition_survive_re_extraction(taxonomy):
    # given: the editor rejects MLflow and adds Terraform by hand
    posting = new_posting("Run k8s and MLflow.")
    rejected = posting.posting_skills.get(skill=taxonomy["mlflow"])
    rejected.state = PostingSkill.State.REJECTED
    posting_skill_save(posting_skill=rejected)
    posting_skill_save(posting_skill=PostingSkill(posting=posting, skill=taxonomy["terraform"]))

    # when: the text changes and the posting is extracted again
    posting_update(posting=posting, data={"description": "Kubernetes, MLflow and more MLflow."})
    posting_extract_skills(posting=posting)

    # then
    assert links(posting) == {("Kubernetes", "auto"), ("MLflow", "rejected"), ("Terraform", "added")}


def test_an_automatic_link_no_longer_found_is_removed_but_an_accepted_one_stays(taxonomy):
    posting = new_posting("Run k8s and MLflow.")
    accepted = posting.posting_skills.get(skill=taxonomy["k8s"])
    accepted.state = PostingSkill.State.ACCEPTED
    posting_skill_save(posting_skill=accepted)
    posting_update(posting=posting, data={"description": "Nothing technical."})
    assert links(posting) == {("Kubernetes", "accepted")}


def test_the_matcher_is_cached_per_taxonomy_version(taxonomy):
    first = get_matcher()
    assert get_matcher() is first
    skill_alias_save(alias=SkillAlias(skill=taxonomy["terraform"], text="TF"))
    assert taxonomy_version() != first.version
    second = get_matcher()
    assert second is not first
    assert second.lookup("tf") == taxonomy["terraform"].pk


# The learned lexicon's span rules (phrases, heads, modifiers), on a small taxonomy.
CLOUD, AGILE, SPRING, DOCKER = range(20, 24)
SPAN_TERMS = [Term(CLOUD, "cloud"), Term(AGILE, "Agile"), Term(SPRING, "Spring"), Term(DOCKER, "Docker")]


def test_a_learned_phrase_is_one_mention_linked_to_the_skill_inside_it():
    # given: "agile software development" is no term, but a learned phrase holding the term "Agile"
    learned = Matcher(SPAN_TERMS, lexicon=Lexicon(phrases=frozenset({"agile software development"})))
    # when
    matches = learned.find_all("We follow Agile Software Development daily")
    # then
    assert matches == [Match(AGILE, 10, 36, "Agile Software Development")]
    assert Matcher(SPAN_TERMS).find_all("We follow Agile Software Development daily") == [Match(AGILE, 10, 15, "Agile")]


def test_a_learned_phrase_holding_no_term_is_ignored():
    learned = Matcher(SPAN_TERMS, lexicon=Lexicon(phrases=frozenset({"pair programming"})))
    assert learned.find_all("Pair programming sessions") == []
    assert len(learned) == len(SPAN_TERMS)


def test_a_learned_phrase_links_through_a_stop_listed_term():
    # "cloud" alone is stop-listed, but "public cloud" is learned as meant whole: it still links to cloud
    lexicon = Lexicon(stop=frozenset({"cloud"}), phrases=frozenset({"public cloud"}))
    learned = Matcher(SPAN_TERMS, lexicon=lexicon)
    assert [(m.skill_id, m.text) for m in learned.find_all("our cloud, in the public cloud")] == [
        (CLOUD, "public cloud")
    ]


def test_a_modifier_before_a_mention_belongs_to_it():
    learned = Matcher(SPAN_TERMS, lexicon=Lexicon(modifiers=frozenset({"public"})))
    assert [m.text for m in learned.find_all("Deploy to public cloud and private cloud")] == ["public cloud", "cloud"]


def test_a_modifier_that_ends_another_mention_is_left_to_it():
    # "spring" as a modifier must not swallow the mention of Spring itself before "cloud"
    learned = Matcher(SPAN_TERMS, lexicon=Lexicon(modifiers=frozenset({"spring"})))
    assert [m.text for m in learned.find_all("Spring cloud")] == ["Spring", "cloud"]


def test_a_head_written_as_punctuation_is_part_of_the_mention():
    # A head learned as written (a token such as ")"), compared with the next word as it stands in the text
    learned = Matcher(SPAN_TERMS, lexicon=Lexicon(heads=frozenset({")", "ecosystem"})))
    assert [m.text for m in learned.find_all("Docker ) and the Docker ecosystem, Docker)")] == [
        "Docker )",
        "Docker ecosystem",
        "Docker",  # no space before ")": the parenthesis is not a word of its own
    ]


def test_the_compacted_automaton_finds_what_a_freshly_built_one_does(matcher):
    # given: the matcher scans a copy of its automaton rebuilt from the pickled form; build one afresh
    built = ahocorasick.Automaton()
    for key, index in matcher._keys.items():
        built.add_word(f" {key} ", index)
    built.make_automaton()
    # when
    text = " java 11 and machine learning engineering on kubernetes ci cd node.js c++ "
    hits = list(matcher._automaton.iter(text))
    # then
    assert hits == list(built.iter(text))
    assert len(hits) == 7
