from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        # Coverage follows demand: the demand engine's batch marks the tracks of segments whose summaries
        # it replaced (in the same transaction), and its task drains the coverage marks after its own.
        from postings.demand import signals

        from .coverage import marks
        from .revisions import register_revisions

        register_revisions()

        signals.summaries_changed.connect(marks.coverage_mark_segments, dispatch_uid="coverage-mark-segments")
        signals.skills_shown_changed.connect(marks.coverage_mark_skills, dispatch_uid="coverage-mark-skills")
        signals.demand_drained.connect(_drain_coverage, dispatch_uid="coverage-drain")


def _drain_coverage(*, trigger: str, **kwargs) -> None:
    from .coverage.services import coverage_drain

    coverage_drain(trigger=trigger)
