from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = "Skills and job postings"

    def ready(self) -> None:
        from segments import signals

        from .demand import marks
        from .revisions import register_revisions

        # Figures over all segments count published segments only: a segment shown or hidden moves them.
        signals.segments_shown_changed.connect(marks.mark_segments_shown_changed, dispatch_uid="demand-mark-segments")
        register_revisions()
