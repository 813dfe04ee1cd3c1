"""The steps of a coverage computation, on figures built by hand (no database).

One segment, 10 counted postings in the window: skill 1 in 6, skills 2 and 3 in 4 each (tied),
skill 4 in 1, skill 5 in none (a cell of zero postings). Skills 1, 2 and 3 are in a tier (given here;
``test_a_segments_tiers_are_judged_against_all_segments`` derives tiers), skill 4 in none: the demand
is 1, 2, 3 with a weight of 14.
"""

import datetime

from curriculum.coverage.compute import (
    COMPARED_FIELDS,
    Curriculum,
    Parameters,
    SegmentDemand,
    compare,
    evidence,
    gaps,
    overall_coverage,
    segment_result,
    stored_form,
    surplus,
    track_duplicates,
    weighted_coverage,
)
from curriculum.coverage.results import (
    Duplicates,
    Evidence,
    Gap,
    ModuleEvidence,
    RepeatedSkill,
    SegmentResult,
    SharedSkill,
    SkillEvidence,
    Surplus,
    TrackResult,
    to_json,
)

AS_OF = datetime.date(2026, 12, 1)


def finance() -> SegmentDemand:
    skills = {1: (6, 0, 0), 2: (4, 0, 0), 3: (4, 0, 0), 4: (1, 0, 0), 5: (0, 0, 0)}
    tiers = {1: ("core",), 2: ("core", "distinguishing"), 3: ("distinguishing",)}
    return SegmentDemand(total=10, skills=skills, tiers=tiers)


def parameters(surplus_below: float = 0.15) -> Parameters:
    return Parameters(as_of=AS_OF, window=12, surplus_below=surplus_below)


def test_ties_share_a_rank_and_the_next_rank_skips():
    # when
    ranked = finance().ranked

    # then: 6, 4, 4, 1 rank 1, 2, 2, 4; a skill no posting asked for is not ranked
    assert ranked == [(1, 6, 1), (2, 4, 2), (3, 4, 2), (4, 1, 4)]


def test_the_demand_is_the_skills_in_a_tier_most_asked_for_first():
    assert finance().demand == [(1, 6, 1), (2, 4, 2), (3, 4, 2)]
    assert SegmentDemand(total=10, skills={1: (6, 0, 0)}).demand == []  # no tier, no demand


def test_a_segments_tiers_are_judged_against_all_segments():
    # given: 40 postings here (30 in each trend period), 140 in all segments together
    here = SegmentDemand(
        total=40,
        current_total=30,
        previous_total=30,
        skills={1: (12, 6, 6), 2: (5, 0, 0), 3: (4, 0, 0), 4: (10, 9, 1), 5: (2, 0, 0)},
    )
    everywhere = SegmentDemand(
        total=140, skills={1: (62, 0, 0), 2: (7, 0, 0), 3: (4, 0, 0), 4: (60, 0, 0), 5: (2, 0, 0)}
    )

    # when
    here.judge(everywhere)

    # then: 1 is core (30%); 2 is distinguishing (12.5% here, 2 of 100 elsewhere: a lift of 6.25, 5 postings);
    # 3 is asked for nowhere else but by 4 postings only (fewer than 5); 4 is core (exactly 25%) and rising
    # (9 of 30 against 1 of 30); 5 is in no tier (5%, 2 postings)
    assert here.tiers == {1: ("core",), 2: ("distinguishing",), 4: ("core", "rising")}
    assert here.demand == [(1, 12, 1), (4, 10, 2), (2, 5, 3)]


def test_weighted_coverage_is_the_taught_postings_over_the_demand_weight():
    top = finance().demand
    assert weighted_coverage(top, {1, 3}) == round(10 / 14, 4) == 0.7143
    assert weighted_coverage(top, {4}) == 0.0  # skill 4 is taught but not in demand
    assert weighted_coverage([], {1}) is None  # no demand: nothing to cover


def test_gaps_are_the_tiered_skills_not_taught_in_demand_order_with_their_tiers():
    # given
    figures = finance()

    # when
    found = gaps(figures, figures.demand, taught={1})

    # then: fewer than 30 postings in each trend period: no trend can be told
    assert found == [
        Gap(skill=2, postings=4, share=0.4, rank=2, trend="too few postings", tiers=["core", "distinguishing"]),
        Gap(skill=3, postings=4, share=0.4, rank=2, trend="too few postings", tiers=["distinguishing"]),
    ]


def test_surplus_is_below_the_share_strictly_fewest_postings_first():
    # given: 20 postings; skill 7 in 3 of them (exactly 15%), skill 4 in 1 (5%), skill 9 never asked for
    figures = SegmentDemand(total=20, skills={4: (1, 0, 0), 7: (3, 0, 0), 1: (12, 0, 0)})

    # when
    found = surplus(figures, taught={1, 4, 7, 9}, below=0.15)

    # then: 15% is not below 15%; a skill never asked for is surplus with 0 postings
    assert found == [Surplus(skill=9, postings=0, share=0.0), Surplus(skill=4, postings=1, share=0.05)]


def test_a_segment_without_postings_has_no_surplus_and_no_coverage():
    # when
    result = segment_result(8, SegmentDemand(), taught={1, 2}, parameters=parameters())

    # then
    assert result == SegmentResult(
        segment=8, coverage=None, postings=0, demand_skills=0, taught_demand_skills=0, gaps=[], surplus=[]
    )


def test_segment_result_by_hand():
    # when: the track teaches skills 1 and 4
    result = segment_result(8, finance(), taught={1, 4}, parameters=parameters())

    # then: 6 of the weight 14; 2 and 3 are gaps; skill 4 (10%) is surplus, skill 1 (60%) is not
    assert result.coverage == round(6 / 14, 4) == 0.4286
    assert (result.postings, result.demand_skills, result.taught_demand_skills) == (10, 3, 1)
    assert [(gap.skill, gap.rank) for gap in result.gaps] == [(2, 2), (3, 2)]
    assert result.surplus == [Surplus(skill=4, postings=1, share=0.1)]


def test_overall_coverage_is_the_mean_over_segments_with_demand():
    def segment(coverage):
        return SegmentResult(1, coverage, 0, 0, 0, [], [])

    assert overall_coverage([segment(0.5), segment(None), segment(0.25)]) == 0.375
    assert overall_coverage([segment(None)]) is None
    assert overall_coverage([]) is None


def test_evidence_of_a_skill_the_segment_never_asked_for():
    assert evidence(8, finance(), 2) == Evidence(segment=8, postings=4, share=0.4, rank=2)
    assert evidence(8, finance(), 5) == Evidence(segment=8, postings=0, share=0.0, rank=None)
    assert evidence(8, SegmentDemand(), 5) == Evidence(segment=8, postings=0, share=None, rank=None)


def test_duplicates_across_the_level_and_within_the_track():
    # given: track 1 (engineer) teaches skill 10 in modules 100 and 101, skill 11 in 101; track 2
    # (engineer) teaches 10 too, track 3 (senior) teaches 11
    curriculum = Curriculum(
        tracks={1: ("engineer", "published"), 2: ("engineer", "published"), 3: ("senior", "published")},
        segments={},
        modules={1: [100, 101]},
        module_skills={100: [10], 101: [10, 11]},
        peers={("engineer", 10): {1, 2}, ("engineer", 11): {1}, ("senior", 11): {3}},
    )

    # when
    teaching = curriculum.teaching(1)
    found = track_duplicates(1, curriculum, teaching)

    # then
    assert teaching == {10: [100, 101], 11: [101]}
    assert found == Duplicates(across=[SharedSkill(10, [2])], within=[RepeatedSkill(10, [100, 101])])


def a_result(**changes) -> TrackResult:
    figures = {
        "as_of": AS_OF,
        "window_months": 12,
        "taxonomy_version": "t1",
        "extractor_version": "e1",
        "demand_computed_at": None,
        "demand_digest": "d" * 64,
        "curriculum_digest": "c" * 64,
        "coverage": 0.4286,
        "taught_skills": 2,
        "duplicates": Duplicates(across=[SharedSkill(10, [2])], within=[]),
        "modules": [ModuleEvidence(100, [SkillEvidence(10, [Evidence(8, 6, 0.6, 1)])])],
        "segments": [SegmentResult(8, 0.4286, 10, 3, 1, [Gap(2, 4, 0.4, 2, "stable")], [Surplus(4, 1, 0.1)])],
    }
    return TrackResult(**{**figures, **changes})


def test_to_json_is_the_stored_format():
    # when
    stored = stored_form(a_result())

    # then: the JSON fields hold exactly these keys, in this order
    assert list(stored) == list(COMPARED_FIELDS)
    assert stored["as_of"] == "2026-12-01"
    assert stored["duplicates"] == {"across": [{"skill": 10, "tracks": [2]}], "within": [], "before": []}
    assert stored["modules"] == [
        {"module": 100, "skills": [{"skill": 10, "demand": [{"segment": 8, "postings": 6, "share": 0.6, "rank": 1}]}]}
    ]
    assert stored["segments"] == [
        {
            "segment": 8,
            "coverage": 0.4286,
            "postings": 10,
            "demand_skills": 3,
            "taught_demand_skills": 1,
            "gaps": [{"skill": 2, "postings": 4, "share": 0.4, "rank": 2, "trend": "stable", "tiers": []}],
            "surplus": [{"skill": 4, "postings": 1, "share": 0.1}],
            "own_coverage": None,
            "own_taught_demand_skills": 0,
        }
    ]
    assert list(to_json(Gap(2, 4, None, 2, "rising"))) == ["skill", "postings", "share", "rank", "trend", "tiers"]


def test_compare_reports_differing_fields_and_counts_pending_tracks_apart():
    # given: track 1 stored as computed, track 2 stored with another coverage, track 3 (marked) never stored
    fresh = {1: a_result(), 2: a_result(), 3: a_result()}
    stored = {1: stored_form(a_result()), 2: stored_form(a_result(coverage=0.5))}

    # when
    differences, pending, changed = compare(stored, fresh, pending={3})

    # then
    assert differences == [(2, "coverage", 0.5, 0.4286)]
    assert (pending, changed) == (1, [2, 3])
