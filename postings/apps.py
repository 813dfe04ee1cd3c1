from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = "Skills and job postings"

    def ready(self) -> None:
        from .revisions import register_revisions

        register_revisions()
