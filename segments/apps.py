from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"
    verbose_name = "Employer segments"

    def ready(self) -> None:
        from .revisions import register_revisions

        register_revisions()
