from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class CareerHubConfig(AppConfig):
    name = "careerhub"
    verbose_name = "CareerHub"

    def ready(self) -> None:
        from .core.services import editor_group_sync_after_migrate

        # After every `migrate`, so the editors' group follows new models and permissions. post_migrate
        # reaches only apps with models; one content app is enough, the handler covers all three.
        post_migrate.connect(editor_group_sync_after_migrate, sender=apps.get_app_config("curriculum"))


class CareerHubAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose index is the editors' home (``careerhub.admin_home``). Named in INSTALLED_APPS;
    not this module's default (``CareerHubConfig`` is)."""

    default = False
    default_site = "careerhub.admin_home.EditorsAdminSite"
