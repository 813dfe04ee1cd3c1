"""The extraction evaluation on SkillSpan: span reading, strict and loose scoring (hand-checked), lexicon learning."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from postings.extraction import Lexicon, Matcher, Term
from postings.extraction.evaluation import (
    Sentence,
    SkillSpanError,
    bio_spans,
    cross_validate,
    error_kinds,
    evaluate,
    lexicon_learn,
    predicted_spans,
    read_skillspan,
)
from postings.extraction.matcher import EMPTY_LEXICON
from tests.factories import SkillAliasFactory, SkillFactory

TINY = Path(__file__).parent / "fixtures" / "skillspan_tiny.json"
TERMS = [Term(1, "Python"), Term(2, "Kubernetes"), Term(3, "Docker"), Term(4, "AWS")]


def test_bio_tags_become_spans():
    assert bio_spans(["O", "B", "I", "O", "B", "B", "I", "I"]) == [(1, 3), (4, 5), (5, 8)]
    assert bio_spans(["I", "I", "O", "I"]) == [(0, 2), (3, 4)]  # an I without a B starts a span
    assert bio_spans([]) == []


def test_matches_map_to_the_tokens_they_cover():
    matcher = Matcher(TERMS)
    assert predicted_spans(matcher, ("Experience", "with", "Python", "3", "and", "Kubernetes", "clusters")) == [
        (2, 4),  # "Python 3": the version belongs to the mention
        (5, 6),
    ]


def test_scores_on_the_tiny_fixture_match_the_hand_count():
    # given: 3 gold spans; without role words the extractor predicts 5 spans:
    # "Python 3" (exact), "Kubernetes" (gold is "Kubernetes clusters": overlap only), "Python" in a job
    # title (wrong), "Docker" (exact), "AWS" (wrong).
    sentences = read_skillspan(TINY)
    # when
    result = evaluate(Matcher(TERMS, lexicon=EMPTY_LEXICON), sentences)
    # then
    assert result["counts"] == {
        "sentences": 3,
        "gold": 3,
        "predicted": 5,
        "strict_true": 2,
        "loose_true_predicted": 3,
        "loose_true_gold": 3,
    }
    assert result["strict"] == {"precision": 0.4, "recall": 0.6667, "f1": 0.5}
    assert result["loose"] == {"precision": 0.6, "recall": 1.0, "f1": 0.75}


def test_a_job_title_is_not_a_requirement():
    # "Senior Python Engineer" names a role: with the role words, that prediction goes (4 left).
    result = evaluate(Matcher(TERMS, lexicon=Lexicon()), read_skillspan(TINY))
    assert result["counts"]["predicted"] == 4
    assert result["strict"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714}
    assert result["loose"] == {"precision": 0.75, "recall": 1.0, "f1": 0.8571}


def test_source_filter_keeps_one_source():
    sentences = read_skillspan(TINY, source="tech")
    assert len(sentences) == 2
    result = evaluate(Matcher(TERMS, lexicon=EMPTY_LEXICON), sentences)
    assert result["strict"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4}


def test_nothing_predicted_scores_zero_without_dividing_by_zero():
    result = evaluate(Matcher([]), read_skillspan(TINY))
    assert result["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_learning_stop_lists_terms_that_are_rarely_knowledge_and_finds_head_nouns(tmp_path):
    # given: "AWS" is never gold (stop-listed); "clusters" extends "Kubernetes" in the gold twice
    lines = [
        {"idx": 1, "tokens": ["Kubernetes", "clusters", "and", "AWS"], "tags_knowledge": ["B", "I", "O", "O"]},
        {"idx": 2, "tokens": ["run", "Kubernetes", "clusters"], "tags_knowledge": ["O", "B", "I"]},
        {"idx": 3, "tokens": ["AWS", "bill"], "tags_knowledge": ["O", "O"]},
    ]
    path = tmp_path / "train.json"
    path.write_text("\n".join(json.dumps({**line, "source": "tech"}) for line in lines))
    # when
    lexicon = lexicon_learn(Matcher(TERMS), read_skillspan(path))
    # then
    assert lexicon.stop == {"aws"}
    assert lexicon.heads == {"clusters"}
    assert lexicon.seen == {"kubernetes"}
    learned = Matcher(TERMS, lexicon=lexicon)
    assert [m.text for m in learned.find_all("AWS and Kubernetes clusters")] == ["Kubernetes clusters"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "line 1"),
        ('{"tokens": ["a"], "tags_knowledge": ["O", "O"]}', "equal length"),
        ('{"tokens": ["a"], "tags_knowledge": ["X"]}', "tags B, I or O"),
        ('{"tokens": ["a"]}\n', "line 1"),
    ],
)
def test_malformed_skillspan_names_the_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SkillSpanError, match=message):
        read_skillspan(path)


def test_non_utf8_skillspan_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"tokens": ["\xff"], "tags_knowledge": ["O"]}')
    with pytest.raises(SkillSpanError, match="not UTF-8"):
        read_skillspan(path)


@pytest.mark.django_db
def test_the_command_prints_one_json_object_with_the_taxonomy_in_the_database():
    # given: the taxonomy in the database spells the same four skills
    for name in ("Python", "Kubernetes", "Docker"):
        SkillFactory(name=name)
    SkillAliasFactory(skill=SkillFactory(name="Amazon Web Services"), text="AWS")
    out = StringIO()
    # when
    call_command("evaluate_extraction", str(TINY), "--no-lexicon", stdout=out)
    # then
    result = json.loads(out.getvalue())
    assert result["counts"]["gold"] == 3
    assert result["strict"]["precision"] == 0.5  # the role words apply even without the learned lexicon
    assert result["loose"]["f1"] == 0.8571


def test_the_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_extraction", "/nonexistent/dev.json")


def _training(tmp_path, lines) -> list:
    """SkillSpan sentences from (tokens, gold token ranges) pairs, one posting each."""
    records = []
    for number, (text, spans) in enumerate(lines, start=1):
        tokens = text.split(" ")
        tags = ["O"] * len(tokens)
        for start, end in spans:
            tags[start : end] = ["B"] + ["I"] * (end - start - 1)
        records.append(json.dumps({"idx": number, "tokens": tokens, "tags_knowledge": tags, "source": "tech"}))
    path = tmp_path / "train.json"
    path.write_text("\n".join(records))
    return read_skillspan(path)


def test_learning_keeps_a_gold_phrase_holding_a_term_when_it_is_mostly_meant_whole(tmp_path):
    # given: "Agile Software Development" is gold whole twice; "cloud native thing" once only;
    # "agile teams" is gold twice but occurs five times, three times not as knowledge
    sentences = _training(
        tmp_path,
        [
            ("We do Agile Software Development", [(2, 5)]),
            ("Agile Software Development and Docker", [(0, 3), (4, 5)]),
            ("a cloud native thing", [(1, 4)]),
            ("agile teams rock", [(0, 2)]),
            ("agile teams here", [(0, 2)]),
            ("our agile teams", []),
            ("agile teams everywhere", []),
            ("new agile teams", []),
        ],
    )
    terms = [Term(1, "Agile"), Term(2, "Docker"), Term(3, "cloud")]
    # when
    lexicon = lexicon_learn(Matcher(terms), sentences)
    # then
    assert lexicon.phrases == {"agile software development"}
    assert [m.text for m in Matcher(terms, lexicon=lexicon).find_all("Agile Software Development")] == [
        "Agile Software Development"
    ]


def test_learning_finds_modifiers_and_splits_terms_postings_mean_shorter(tmp_path):
    # given: "public" belongs to the gold span before "cloud"; "Java Spring" is a term, but the gold
    # spans are "Java" and "Spring" on their own
    sentences = _training(
        tmp_path,
        [
            ("Deploy to public cloud", [(2, 4)]),
            ("the public cloud team", [(1, 3)]),
            ("Java Spring and more", [(0, 1), (1, 2)]),
            ("Know Java Spring", [(1, 2), (2, 3)]),
        ],
    )
    terms = [Term(1, "cloud"), Term(2, "Java"), Term(3, "Spring"), Term(4, "Java Spring")]
    # when
    lexicon = lexicon_learn(Matcher(terms), sentences)
    # then
    assert lexicon.modifiers == {"public"}
    assert "java spring" in lexicon.stop
    learned = Matcher(terms, lexicon=lexicon)
    assert [m.text for m in learned.find_all("public cloud with Java Spring")] == ["public cloud", "Java", "Spring"]


def test_learning_judges_a_rarely_seen_term_with_its_class(tmp_path):
    # given: "fire" and "Rust" are each knowledge once in two mentions (half the time), but the other
    # lower-case imported terms are never knowledge while capitalised curated ones always are
    sentences = _training(
        tmp_path,
        [
            ("fire safety", [(0, 1)]),
            ("a fire drill", []),
            ("foo and bar", []),
            ("bar or foo", []),
            ("foo bar", []),
            ("Rust code", [(0, 1)]),
            ("Rust belt", []),
            ("Docker and Docker", [(0, 1), (2, 3)]),
            ("Docker", [(0, 1)]),
        ],
    )
    terms = [
        Term(1, "fire", source="terms"),
        Term(2, "foo", source="terms"),
        Term(3, "bar", source="terms"),
        Term(4, "Rust"),
        Term(5, "Docker"),
    ]
    # when
    lexicon = lexicon_learn(Matcher(terms), sentences)
    # then: "fire" goes with its class, "Rust" stays with its class
    assert lexicon.stop == {"fire", "foo", "bar"}


def test_head_nouns_are_learned_from_the_mentions_that_were_knowledge(tmp_path):
    # given: "ecosystem" after Docker is part of the gold span both times Docker was knowledge, and
    # follows four mentions that were not knowledge at all (which say nothing about its boundary)
    sentences = _training(
        tmp_path,
        [
            ("the Docker ecosystem", [(1, 3)]),
            ("Docker ecosystem skills", [(0, 2)]),
            ("Docker ecosystem partners", []),
            ("no Docker ecosystem", []),
            ("Docker ecosystem news", []),
            ("Docker ecosystem jobs", []),
            ("Docker and Kubernetes", [(0, 1), (2, 3)]),
            ("Docker", [(0, 1)]),
        ],
    )
    lexicon = lexicon_learn(Matcher(TERMS), sentences)
    assert lexicon.heads == {"ecosystem"}


def test_errors_are_counted_by_kind():
    # given: a stop-listed AWS, and "Docker Compose" as one term
    terms = [Term(1, "Python"), Term(2, "Kubernetes"), Term(3, "Docker Compose"), Term(4, "AWS"), Term(5, "Java")]
    matcher = Matcher(terms, lexicon=Lexicon(stop=frozenset({"aws"})))
    text = "Python and Kubernetes clusters on AWS with Terraform and Docker Compose for Java"
    tokens = tuple(text.split(" "))
    gold = ((0, 1), (2, 4), (5, 6), (7, 8), (9, 10))
    # when
    kinds = error_kinds(matcher, [Sentence(tokens, gold)])
    # then: Python exact; Kubernetes short of "Kubernetes clusters"; "Docker Compose" wider than "Docker";
    # Java not knowledge here; AWS a term the lexicon dropped; Terraform no term at all
    assert kinds == {"exact": 1, "narrower": 1, "wider": 1, "spurious": 1, "missed_term": 1, "missed_no_term": 1}


def test_cross_validation_learns_on_other_postings_and_scores_one_source(tmp_path):
    # given: four postings; "users" is never knowledge, Python always is
    sentences = _training(
        tmp_path,
        [
            ("Python for users", [(0, 1)]),
            ("our users love Python", [(3, 4)]),
            ("Python and users", [(0, 1)]),
            ("users of Python", [(2, 3)]),
        ],
    )
    house = [Sentence(("Python", "users"), ((0, 1),), "house", 1)]
    matcher = Matcher([Term(1, "Python"), Term(2, "users", source="terms")], lexicon=EMPTY_LEXICON)
    # when
    result = cross_validate(matcher, sentences + house, source="tech")
    # then: each fold learns from the other posting pair that "users" is no skill; only tech is scored
    assert result["counts"]["sentences"] == 4
    assert result["counts"]["gold"] == 4
    assert result["strict"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result["errors"] == {"exact": 4}


@pytest.mark.django_db
def test_the_command_cross_validates_and_refuses_it_with_learn():
    SkillFactory(name="Python")
    out = StringIO()
    call_command("evaluate_extraction", str(TINY), "--cross-validate", stdout=out)
    result = json.loads(out.getvalue())
    assert result["cross_validated"] is True
    assert result["counts"]["gold"] == 3
    # every gold span no prediction overlaps is a miss of one kind or the other
    missed = result["errors"].get("missed_term", 0) + result["errors"].get("missed_no_term", 0)
    assert missed == result["counts"]["gold"] - result["counts"]["loose_true_gold"]
    assert sum(result["errors"].values()) == result["counts"]["predicted"] + missed
    with pytest.raises(CommandError, match="do not go together"):
        call_command("evaluate_extraction", str(TINY), "--cross-validate", "--learn")
