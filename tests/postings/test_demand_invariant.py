"""The demand engine's invariant: after any sequence of writes and drains, the incremental
summaries equal a full recount, row for row."""

import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from careerhub.core.editorial import Status
from postings.demand import engine
from postings.demand.models import DemandMark, SegmentDayCount, SegmentMonthTotal, SkillDemand
from postings.ingest.services import postings_import
from postings.models import Posting, PostingSkill, RemovedSkillAlias, Skill, SkillAlias, SkillMerge
from postings.services import (
    posting_delete,
    posting_link_duplicate,
    posting_set_skills,
    posting_set_status,
    posting_skill_save,
    posting_update,
    postings_reextract_mentioning,
    skill_alias_delete,
    skill_alias_save,
    skill_merge,
)
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory

MONTHS = [datetime.date(2025, m, 1) for m in range(9, 13)] + [datetime.date(2026, m, 1) for m in range(1, 4)]
SKILL_NAMES = ["Kubernetes", "Terraform", "MLflow", "Airflow", "Prometheus", "Kafka"]
# Spellings that mean nothing until an editor makes them an alias of a skill.
SPELLINGS = ["kube", "tform", "flowy"]
days = st.integers(min_value=0, max_value=27)
posting_rows = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(MONTHS), days, st.sets(st.integers(0, 5), max_size=4),
              st.sets(st.sampled_from(SPELLINGS), max_size=2)),
    min_size=1, max_size=4,
)  # fmt: skip


class DemandMachine(RuleBasedStateMachine):
    """Random writes through the services (the batch write path, edits, merges, alias changes), random partial
    drains, and the invariant after a full drain."""

    @initialize()
    def setup(self):
        Posting.objects.all().delete()
        DemandMark.objects.all().delete()
        SkillDemand.objects.all().delete()
        SegmentMonthTotal.objects.all().delete()
        SegmentDayCount.objects.all().delete()
        for model in (SkillAlias, RemovedSkillAlias, SkillMerge, Skill):  # each example starts a new taxonomy
            model.objects.all().delete()
        self.segments = SegmentFactory.create_batch(3)
        for name in SKILL_NAMES:
            SkillFactory(name=name)
        self.employer = EmployerFactory()
        self.serial = 0

    def skills(self) -> list[Skill]:
        return list(Skill.objects.order_by("id"))

    def postings(self):
        return list(Posting.objects.order_by("id"))

    def row(self, segment, month, day, skills, spellings, external_id):
        names = [SKILL_NAMES[i] for i in sorted(skills)] + sorted(spellings)
        return {
            "external_id": external_id, "title": f"Job {external_id}", "employer": self.employer.slug,
            "segment": self.segments[segment].slug, "posted_on": (month + datetime.timedelta(days=day)).isoformat(),
            "description": "We use " + ", ".join(names) + "." if names else "No tools named.",
        }  # fmt: skip

    @rule(rows=posting_rows, published=st.booleans())
    def write_batch(self, rows, published):
        """New postings, through the one write path, in one batch (identical texts become duplicates)."""
        batch = []
        for segment, month, day, skills, spellings in rows:
            self.serial += 1
            batch.append((len(batch) + 1, self.row(segment, month, day, skills, spellings, str(self.serial))))
        report = postings_import(batch, source="prop", status=Status.PUBLISHED if published else Status.DRAFT)
        assert report.applied, report.as_dict()

    @precondition(lambda self: Posting.objects.filter(source="prop").exists())
    @rule(data=st.data(), rows=posting_rows)
    def rewrite(self, data, rows):
        """A posting sent again with new fields: the write path updates it."""
        posting = data.draw(st.sampled_from(list(Posting.objects.filter(source="prop").order_by("id"))))
        segment, month, day, skills, spellings = rows[0]
        report = postings_import([(1, self.row(segment, month, day, skills, spellings, posting.external_id))],
                                 source="prop")
        assert report.applied, report.as_dict()

    @precondition(lambda self: Skill.objects.count() >= 2)
    @rule(data=st.data())
    def merge_skills(self, data):
        source, target = data.draw(st.lists(st.sampled_from(self.skills()), min_size=2, max_size=2, unique=True))
        skill_merge(source=source, target=target)

    @rule(data=st.data(), spelling=st.sampled_from(SPELLINGS))
    def alias_added(self, data, spelling):
        if SkillAlias.objects.filter(text=spelling).exists():
            return
        skill = data.draw(st.sampled_from(self.skills()))
        skill_alias_save(alias=SkillAlias(skill=skill, text=spelling), by_editor=True)
        postings_reextract_mentioning(texts=[spelling])  # what the task queued after commit does

    @precondition(lambda self: SkillAlias.objects.filter(text__in=SPELLINGS).exists())
    @rule(data=st.data())
    def alias_removed(self, data):
        alias = data.draw(st.sampled_from(list(SkillAlias.objects.filter(text__in=SPELLINGS).order_by("id"))))
        skill_alias_delete(alias=alias, by_editor=True)
        postings_reextract_mentioning(texts=[alias.text])

    @precondition(lambda self: Posting.objects.exists())
    @rule(data=st.data(), segment=st.integers(0, 2))
    def resegment(self, data, segment):
        posting = data.draw(st.sampled_from(self.postings()))
        posting_update(posting=posting, data={"segment": self.segments[segment]})

    @precondition(lambda self: Posting.objects.exists())
    @rule(data=st.data(), month=st.sampled_from(MONTHS), day=days)
    def redate(self, data, month, day):
        posting = data.draw(st.sampled_from(self.postings()))
        posting_update(posting=posting, data={"posted_on": month + datetime.timedelta(days=day)})

    @precondition(lambda self: Posting.objects.exists())
    @rule(data=st.data(), status=st.sampled_from(Status.values))
    def set_status(self, data, status):
        posting = data.draw(st.sampled_from(self.postings()))
        posting_set_status(postings=[posting], status=status)

    @precondition(lambda self: Posting.objects.exists())
    @rule(data=st.data())
    def delete(self, data):
        posting_delete(posting=data.draw(st.sampled_from(self.postings())))

    @precondition(lambda self: Posting.objects.count() >= 2)
    @rule(data=st.data())
    def link_duplicate(self, data):
        originals = [p for p in self.postings() if p.duplicate_of_id is None]
        posting = data.draw(st.sampled_from(self.postings()))
        candidates = [p for p in originals if p.pk != posting.pk and not p.duplicates.exists()]
        if posting.duplicates.exists() or not candidates:
            posting_link_duplicate(posting=posting, original=None)
        else:
            posting_link_duplicate(posting=posting, original=data.draw(st.sampled_from(candidates)))

    @precondition(lambda self: Posting.objects.exists())
    @rule(data=st.data(), skills=st.sets(st.integers(0, 5), max_size=6))
    def reextract(self, data, skills):
        posting = data.draw(st.sampled_from(self.postings()))
        available = self.skills()
        posting_set_skills(posting=posting, skills=[available[i % len(available)] for i in skills])

    @precondition(lambda self: PostingSkill.objects.exists())
    @rule(data=st.data(), state=st.sampled_from(PostingSkill.State.values))
    def editor_decides(self, data, state):
        link = data.draw(st.sampled_from(list(PostingSkill.objects.order_by("id"))))
        link.state = state
        posting_skill_save(posting_skill=link)

    @rule(batch=st.integers(1, 7))
    def partial_drain(self, batch):
        engine.recompute_marked(max_batches=1, batch_size=batch)

    @invariant()
    def drained_summaries_equal_a_full_recount(self):
        # Checked on a savepoint that is rolled back, so partial drains stay partial.
        from django.db import transaction

        with transaction.atomic():
            engine.recompute_marked()
            assert not DemandMark.objects.exists()
            comparison, _ = engine.recompute_all(apply=False, check_copies=True)
            assert comparison.drift == 0, comparison.sample(10)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_incremental_summaries_always_equal_a_full_recount():
    run_state_machine_as_test(
        DemandMachine,
        settings=settings(max_examples=40, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )
