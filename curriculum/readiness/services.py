"""Readiness and job-ad answers, computed on plain dataclasses from a fixed number of reads.

**Readiness** of a learner for a segment, over the one demand window (``postings.demand.window``):

    readiness = (sum of the shares of the segment's core skills the learner has)
                / (sum of the shares of all the segment's core skills)

The core skills are the segment's core tier (``postings.demand.tiers``: asked for in at least 25% of its
postings). Should no skill reach that while the segment has enough postings, its ``TOP_STAND_IN`` most
asked-for skills stand in for the core, and the answer says so. Below ``MIN_SAMPLE`` postings there is no
readiness ("too few postings to judge"). Every share of one segment has the same denominator (its
postings), so the ratio is computed exactly on posting counts.

The missing core skills are ranked by demand (share, highest first), then trend (rising before stable
before falling), then name; the learner's strengths are the skills they have that the segment asks for
most. The plan (``plan.plan_modules``) teaches the target segment's missing core skills: the segment asked
for, else the one the learner is readiest for.

Reads, whatever the number of segments: the published skills, the segments, the tiers of every segment
(``postings.demand.fragments.demand_tiers``: cached per demand generation, two grouped queries when
cold), the curriculum's modules (three queries) and, for a pasted text, the extractor's version check.
Nothing is written and nothing the learner sent is cached or logged: the text is read once by the
extractor and dropped with the request.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from postings.demand.fragments import MIN_SAMPLE, DemandWindow, SkillTier, TierTable, demand_tiers
from postings.demand.tiers import CORE
from postings.extraction import get_matcher

from .inputs import MAX_MODULES, MAX_SKILLS, InputProblem, checked_list, split_values, text_problem
from .plan import Plan, plan_modules
from .selectors import Curriculum, ModuleNode, Reads, SegmentRef, SkillRef, readiness_reads, segment_refs

TOP_STAND_IN = 10  # stand-ins for the core when no skill reaches the core share
STRENGTHS = 8  # the learner's skills a segment asks for most, shown as strengths
WORDS_SHOWN = 3  # distinct words shown for a skill found in a text
DIRECTION_RANK = {"rising": 0, "stable": 1, "falling": 2}  # "too few postings" after these

# How a segment's readiness was judged.
BASIS_CORE, BASIS_TOP, BASIS_TOO_FEW, BASIS_NONE = "core", "top", "too few postings", "no skills"


@dataclass(frozen=True)
class DemandedSkill:
    """A skill in a segment over the window: how many of its postings ask for it, and its trend and tiers."""

    skill: SkillRef
    postings: int
    total: int
    share: float | None
    direction: str
    change: float | None
    tiers: tuple[str, ...]


@dataclass(frozen=True)
class FoundSkill:
    """A skill found in a pasted text, with the words that matched it (first few, distinct) and how often."""

    skill: SkillRef
    words: tuple[str, ...]
    mentions: int


@dataclass(frozen=True)
class LearnerSkills:
    """What a learner has, and where each part came from; ``known`` is the union that readiness counts."""

    known: dict[int, SkillRef]
    ticked: list[SkillRef]
    found: list[FoundSkill]
    from_modules: list[SkillRef]  # known through modules marked done (and not ticked or found)
    done: list[ModuleNode]
    unknown_skills: list[str]  # slugs sent that are no published skill
    unknown_modules: list[str]  # module references sent that are no published module

    @property
    def stated(self) -> bool:
        """Whether the learner said anything about what they know (an empty answer is still an answer)."""
        return bool(self.ticked or self.found or self.done or self.unknown_skills or self.unknown_modules)


@dataclass(frozen=True)
class SegmentReadiness:
    """One segment measured against what a learner has (module docstring)."""

    segment: SegmentRef
    postings: int  # the segment's postings over the window: the sample
    basis: str
    core: tuple[DemandedSkill, ...]  # the core skills (or their stand-ins), most asked for first
    known: tuple[DemandedSkill, ...]  # ... those the learner has
    missing: tuple[DemandedSkill, ...]  # ... those they miss, ranked
    strengths: tuple[DemandedSkill, ...]

    @property
    def enough(self) -> bool:
        return self.postings >= MIN_SAMPLE

    @property
    def known_weight(self) -> int:
        return sum(row.postings for row in self.known)

    @property
    def core_weight(self) -> int:
        return sum(row.postings for row in self.core)

    @property
    def known_share_sum(self) -> float:
        """The sum of the shares of the core skills the learner has (the formula's numerator)."""
        return self.known_weight / self.postings if self.postings else 0.0

    @property
    def core_share_sum(self) -> float:
        return self.core_weight / self.postings if self.postings else 0.0

    @property
    def readiness(self) -> float | None:
        """The demand-weighted share of the core the learner has; None when it cannot be judged."""
        if not self.enough or not self.core_weight:
            return None
        return float(Fraction(self.known_weight, self.core_weight))


@dataclass(frozen=True)
class Answer:
    learner: LearnerSkills
    window: DemandWindow
    segments: list[SegmentReadiness]
    target: SegmentReadiness | None  # the chosen segment, else the one the learner is readiest for
    plan: Plan | None  # for the target; None when it has too few postings to judge

    @property
    def min_sample(self) -> int:
        return MIN_SAMPLE


# --- The learner's skills --------------------------------------------------------------------------------------


def found_skills(text: str, catalogue: dict[int, SkillRef], *, taxonomy: str | None = None) -> list[FoundSkill]:
    """The published skills the extractor finds in ``text``, in order of first mention, with their words.

    ``taxonomy``: the taxonomy version read already for this request (the extractor's check is then skipped)."""
    if not text.strip():
        return []
    words: dict[int, list[str]] = {}
    mentions: dict[int, int] = {}
    for match in get_matcher(taxonomy).find_all(text):
        if match.skill_id not in catalogue:
            continue  # a draft or archived skill: the public never sees it
        seen = words.setdefault(match.skill_id, [])
        mentions[match.skill_id] = mentions.get(match.skill_id, 0) + 1
        if len(seen) < WORDS_SHOWN and match.text not in seen:
            seen.append(match.text)
    return [FoundSkill(catalogue[skill_id], tuple(seen), mentions[skill_id]) for skill_id, seen in words.items()]


def learner_skills(*, skills: list[str], text: str, done: list[str], reads: Reads) -> LearnerSkills:
    """What a learner has: the skills they name (slugs), those found in ``text``, and those of modules done."""
    skills = checked_list(split_values(skills), field="skills", limit=MAX_SKILLS, noun="skills")
    done = checked_list(split_values(done), field="done", limit=MAX_MODULES, noun="modules marked done")
    if problem := text_problem(text):
        raise InputProblem("text", problem)
    catalogue = reads.skills
    by_slug = {skill.slug: skill for skill in catalogue.values()}
    ticked = [by_slug[slug] for slug in skills if slug in by_slug]
    found = found_skills(text, catalogue, taxonomy=reads.taxonomy)
    modules = reads.curriculum.by_ref
    done_modules = [modules[ref] for ref in done if ref in modules]
    known = {skill.id: skill for skill in ticked} | {item.skill.id: item.skill for item in found}
    from_modules = {}
    for module in done_modules:
        for skill_id in module.skill_ids:
            if skill_id not in known and skill_id in catalogue:
                from_modules[skill_id] = catalogue[skill_id]
    return LearnerSkills(
        known=known | from_modules,
        ticked=ticked,
        found=found,
        from_modules=sorted(from_modules.values(), key=lambda skill: skill.name.lower()),
        done=done_modules,
        unknown_skills=[slug for slug in skills if slug not in by_slug],
        unknown_modules=[ref for ref in done if ref not in modules],
    )


# --- Readiness -------------------------------------------------------------------------------------------------


def _demanded(row: SkillTier, skill: SkillRef) -> DemandedSkill:
    figures = row.figures
    return DemandedSkill(
        skill, figures.postings, figures.total, figures.share, figures.direction, figures.change, row.tiers
    )


def _missing_rank(row: DemandedSkill) -> tuple:
    return (-row.postings, DIRECTION_RANK.get(row.direction, len(DIRECTION_RANK)), row.skill.name.lower())


def segment_readiness(
    *, segment: SegmentRef, table: TierTable, learner: LearnerSkills, catalogue: dict[int, SkillRef]
) -> SegmentReadiness:
    """One segment against the learner (module docstring)."""
    postings = table.total(segment.id).postings
    # The segment's published skills, most asked for first; figures (trends) are built only for the rows shown.
    rows = [row for row in table.segments.get(segment.id, []) if row.skill_id in catalogue]
    known = learner.known
    if postings < MIN_SAMPLE:
        basis, core, rows = BASIS_TOO_FEW, [], []  # no share to judge by, so no strength either
    else:
        core = [row for row in rows if CORE in row.tiers]
        basis = BASIS_CORE
        if not core:
            core, basis = rows[:TOP_STAND_IN], BASIS_TOP if rows else BASIS_NONE
    core = [_demanded(row, catalogue[row.skill_id]) for row in core]
    strengths = [row for row in rows if row.skill_id in known][:STRENGTHS]
    strengths = [_demanded(row, catalogue[row.skill_id]) for row in strengths]
    missing = sorted((row for row in core if row.skill.id not in known), key=_missing_rank)
    return SegmentReadiness(
        segment=segment,
        postings=postings,
        basis=basis,
        core=tuple(core),
        known=tuple(row for row in core if row.skill.id in known),
        missing=tuple(missing),
        strengths=tuple(strengths),
    )


def segment_plan(*, item: SegmentReadiness, learner: LearnerSkills, curriculum: Curriculum) -> Plan | None:
    """The plan for what the learner misses of a segment's core; None when the segment is not judged."""
    if item.basis == BASIS_TOO_FEW:
        return None
    return plan_modules(
        missing=[row.skill for row in item.missing], known=set(learner.known), done={m.id for m in learner.done},
        curriculum=curriculum,
    )


def _target(segments: list[SegmentReadiness], slug: str | None) -> SegmentReadiness | None:
    """The chosen segment; without a choice, the one the learner is readiest for (first in display order on a tie)."""
    if slug:
        return next((item for item in segments if item.segment.slug == slug), None)
    judged = [item for item in segments if item.readiness is not None]
    if not judged:
        return segments[0] if segments else None
    return max(judged, key=lambda item: item.readiness)  # max keeps the first of equals


def readiness_answer(
    *, skills: list[str] = (), text: str = "", done: list[str] = (), segment: str | None = None,
    all_segments: bool = True, reads: Reads | None = None, segments: list[SegmentRef] | None = None,
) -> Answer:
    """A learner's readiness for every published segment (or ``segment`` only, unless ``all_segments``),
    and the plan for the target segment. Bad input raises ``InputProblem`` naming the field.

    ``reads`` and ``segments`` (``readiness_reads()``, ``segment_refs()``) save a page that reads them anyway
    their second reading."""
    reads = readiness_reads() if reads is None else reads
    segments = segment_refs() if segments is None else segments
    if segment and not any(item.slug == segment for item in segments):
        raise InputProblem("segment", "No published segment has that slug: choose one of the segments listed.")
    learner = learner_skills(skills=list(skills), text=text, done=list(done), reads=reads)
    table = demand_tiers(segment_ids=[item.id for item in segments])
    if segment and not all_segments:
        segments = [item for item in segments if item.slug == segment]
    measured = [
        segment_readiness(segment=item, table=table, learner=learner, catalogue=reads.skills) for item in segments
    ]
    target = _target(measured, segment)
    plan = segment_plan(item=target, learner=learner, curriculum=reads.curriculum) if target else None
    return Answer(learner=learner, window=table.window, segments=measured, target=target, plan=plan)


# --- A job ad --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resemblance:
    """How closely a job ad's skills resemble a segment's skill profile (cosine similarity, 0 to 1)."""

    segment: SegmentRef
    similarity: float
    shared: int  # the ad's skills that the segment's postings ask for
    postings: int


@dataclass(frozen=True)
class TaughtSkill:
    skill: SkillRef
    modules: tuple[ModuleNode, ...]  # in path order


@dataclass(frozen=True)
class JobAd:
    """A pasted job ad read against the segments, the curriculum and (when they said) what the learner has."""

    found: list[FoundSkill]
    window: DemandWindow
    resemblance: list[Resemblance]  # segments with enough postings, closest first
    too_few: list[SegmentRef]  # segments with too few postings to compare
    taught: list[TaughtSkill]
    untaught: list[SkillRef]
    learner: LearnerSkills
    missing: list[SkillRef]  # the ad's skills the learner does not have (all of them if they said nothing)

    @property
    def closest(self) -> Resemblance | None:
        return self.resemblance[0] if self.resemblance and self.resemblance[0].similarity > 0 else None


def resemblance(skill_ids: set[int], segment: SegmentRef, table: TierTable) -> Resemblance:
    """Cosine similarity between the ad (each of its skills weighs 1) and the segment's shares of every skill.

    1 when the ad asks for exactly the skills the segment asks for, in proportion; 0 when it shares none.
    """
    shares = {row.skill_id: row.figures.share or 0.0 for row in table.segments.get(segment.id, [])}
    norm = math.sqrt(sum(share * share for share in shares.values()))
    dot = sum(shares.get(skill_id, 0.0) for skill_id in skill_ids)
    similarity = dot / (math.sqrt(len(skill_ids)) * norm) if skill_ids and norm else 0.0
    shared = sum(1 for skill_id in skill_ids if shares.get(skill_id))
    return Resemblance(segment, min(similarity, 1.0), shared, table.total(segment.id).postings)


def job_ad_analysis(
    *, text: str, skills: list[str] = (), done: list[str] = (), reads: Reads | None = None
) -> JobAd:
    """A job ad's skills, the segment it resembles most, where the curriculum teaches its skills, and which of
    them the learner (``skills``, ``done``) still misses. Bad input raises ``InputProblem`` naming the field."""
    if not text.strip():
        raise InputProblem("text", "Paste the text of a job ad.")
    reads = readiness_reads() if reads is None else reads
    catalogue, curriculum = reads.skills, reads.curriculum
    learner = learner_skills(skills=list(skills), text="", done=list(done), reads=reads)
    if problem := text_problem(text):
        raise InputProblem("text", problem)
    found = found_skills(text, catalogue, taxonomy=reads.taxonomy)
    segments = segment_refs()
    table = demand_tiers(segment_ids=[item.id for item in segments])
    ids = {item.skill.id for item in found}
    compared = [resemblance(ids, item, table) for item in segments if table.total(item.id).postings >= MIN_SAMPLE]
    compared.sort(key=lambda item: -item.similarity)  # stable: display order among equals
    teaching = curriculum.teaching
    taught = [
        TaughtSkill(item.skill, tuple(curriculum.modules[m] for m in teaching[item.skill.id]))
        for item in found if item.skill.id in teaching
    ]
    return JobAd(
        found=found,
        window=table.window,
        resemblance=compared,
        too_few=[item for item in segments if table.total(item.id).postings < MIN_SAMPLE],
        taught=taught,
        untaught=[item.skill for item in found if item.skill.id not in teaching],
        learner=learner,
        missing=[item.skill for item in found if item.skill.id not in learner.known],
    )
