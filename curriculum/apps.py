from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        # Coverage follows demand: the demand engine marks the tracks of segments whose summaries it
        # replaced (in the same transaction), and its task drains the coverage marks after its own.
        from postings.demand import hooks

        from .coverage import marks

        hooks.on_summaries_changed(marks.coverage_mark_segments)
        hooks.on_drained(_drain_coverage)
        hooks.on_skills_shown_changed(marks.coverage_mark_skills)


def _drain_coverage(trigger: str) -> None:
    from .coverage.services import coverage_drain

    coverage_drain(trigger=trigger)
