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
from postings.models import Posting, PostingSkill
from postings.services import (
    posting_delete,
    posting_link_duplicate,
    posting_set_skills,
    posting_set_status,
    posting_skill_save,
    posting_update,
)
from tests.factories import EmployerFactory, SegmentFactory, SkillFactory
from tests.writes import create_posting

MONTHS = [datetime.date(2025, m, 1) for m in range(9, 13)] + [datetime.date(2026, m, 1) for m in range(1, 4)]
days = st.integers(min_value=0, max_value=27)


class DemandMachine(RuleBasedStateMachine):
    """Random writes through the services, random partial drains, and the invariant after a full drain."""

    @initialize()
    def setup(self):
        Posting.objects.all().delete()
        DemandMark.objects.all().delete()
        SkillDemand.objects.all().delete()
        SegmentMonthTotal.objects.all().delete()
        SegmentDayCount.objects.all().delete()
        self.segments = SegmentFactory.create_batch(3)
        self.skills = SkillFactory.create_batch(6)
        self.employer = EmployerFactory()
        self.serial = 0

    def postings(self):
        return list(Posting.objects.order_by("id"))

    @rule(segment=st.integers(0, 2), month=st.sampled_from(MONTHS), day=days,
          skills=st.sets(st.integers(0, 5), max_size=5), published=st.booleans())
    def create(self, segment, month, day, skills, published):
        self.serial += 1
        create_posting(
            employer=self.employer, segment=self.segments[segment], title=f"Job {self.serial}", description="Text.",
            posted_on=month + datetime.timedelta(days=day), external_id=str(self.serial), source="prop",
            status=Status.PUBLISHED if published else Status.DRAFT, skills=[self.skills[i] for i in skills],
        )

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
        posting_set_skills(posting=posting, skills=[self.skills[i] for i in skills])

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
