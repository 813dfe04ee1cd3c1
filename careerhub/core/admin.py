"""Admin building blocks shared by the apps: writes through services, editorial actions, history."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .editorial import Status

admin.site.site_header = "CareerHub editors"
admin.site.site_title = "CareerHub"
admin.site.index_title = "Content"


class ServiceAdmin(SimpleHistoryAdmin):
    """A history-aware admin whose saves and deletes go through the app's services.

    Subclasses implement ``save_object`` and ``delete_object`` with the service calls.
    """

    readonly_fields: tuple[str, ...] = ()

    def save_object(self, obj: Any) -> None:
        raise NotImplementedError

    def delete_object(self, obj: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_object(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_object(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_object(obj)


def save_formset_with(formset: Any, *, save: Callable[[Model], object], delete: Callable[[Model], object]) -> None:
    """Save an inline formset's rows through the given service functions."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj in instances:
        save(obj)
    formset.save_m2m()


class EditorialAdmin(ServiceAdmin):
    """Adds the editorial workflow: status filters, timestamps and bulk publish/archive/draft actions.

    Subclasses implement ``set_status`` with their app's ``<entity>_set_status`` service.
    """

    actions = ["publish", "archive", "return_to_draft"]
    editorial_readonly_fields = ("published_at", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), *self.editorial_readonly_fields)

    def set_status(self, queryset: QuerySet, status: str) -> int:
        raise NotImplementedError

    def _apply_status(self, request: HttpRequest, queryset: QuerySet, status: str, verb: str) -> None:
        changed = self.set_status(queryset, status)
        unchanged = queryset.count() - changed
        message = f"{changed} {self.opts.verbose_name_plural if changed != 1 else self.opts.verbose_name} {verb}."
        if unchanged:
            message += f" {unchanged} already {Status(status).label.lower()}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply_status(request, queryset, Status.PUBLISHED, "published")

    @admin.action(description="Archive selected %(verbose_name_plural)s", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply_status(request, queryset, Status.ARCHIVED, "archived")

    @admin.action(description="Return selected %(verbose_name_plural)s to draft", permissions=["change"])
    def return_to_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply_status(request, queryset, Status.DRAFT, "returned to draft")
