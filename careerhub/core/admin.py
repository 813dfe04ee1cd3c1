"""Admin building blocks shared by the apps: writes through services, editorial actions, history."""

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from .editorial import Status
from .services import EditConflict, StatusChange, changes_since, stored_version

admin.site.site_header = "CareerHub editors"
admin.site.site_title = "CareerHub"
admin.site.index_title = "Editors' home"


class ServiceAdmin(SimpleHistoryAdmin):
    """A history-aware admin whose saves and deletes go through the app's services.

    Subclasses implement ``save_object`` and ``delete_object`` with the service calls.
    """

    readonly_fields: tuple[str, ...] = ()

    def save_object(self, obj: Any) -> None:
        raise NotImplementedError

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # A row edited in the list (list_editable) that someone saved since the list was read: refused by the
        # service (EditConflict), the whole save rolled back; the editor is told and sees the list as it is now.
        try:
            return super().changelist_view(request, extra_context)
        except EditConflict as conflict:
            self.message_user(request, f"{conflict} Nothing was saved: check the list and save again.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_object(self, obj: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.save_object(obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_object(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_object(obj)


class InternalTableAdmin(admin.ModelAdmin):
    """A table the engines write and only they may write (summaries, runs): read-only, and shown to
    superusers only. Editors read the same figures through the dashboards and the public pages."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MonthListFilter(admin.SimpleListFilter):
    """A filter of monthly rows (a date field holding the first of each month): one choice per month present,
    newest first. Django's date filter offers "Today" and "Past 7 days", which never match monthly data.

    Subclasses (see ``month_filter``) set ``parameter_name`` to the field's name.
    """

    title = "month"
    parameter_name = "month"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        months = model_admin.get_queryset(request).dates(self.parameter_name, "month", order="DESC")
        return [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        try:
            month = datetime.datetime.strptime(self.value(), "%Y-%m").date()
        except ValueError as error:
            raise IncorrectLookupParameters(f"{self.parameter_name}: expected a month as YYYY-MM.") from error
        field = self.parameter_name
        return queryset.filter(**{f"{field}__year": month.year, f"{field}__month": month.month})


def month_filter(field: str, title: str = "month") -> type[MonthListFilter]:
    """A ``MonthListFilter`` of ``field``, for a ``list_filter``."""
    return type(f"{field.title()}MonthFilter", (MonthListFilter,), {"parameter_name": field, "title": title})


class NoRelatedEditLinks:
    """Foreign keys of a form without the change and delete links beside them.

    The red ✕ beside a posting's employer deletes the employer and all its postings, not the link; the
    pencil edits the employer for every posting. Editors change those objects on their own pages.
    """

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_change_related = False
            widget.can_delete_related = False
        return formfield


def save_formset_with(formset: Any, *, save: Callable[[Model], object], delete: Callable[[Model], object]) -> None:
    """Save an inline formset's rows through the given service functions."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj in instances:
        save(obj)
    formset.save_m2m()


VERSION_FIELD = "edit_version"
SHOWN_CHARACTERS = 120


class VersionCheckForm:
    """A change form that refuses a save made on a stale form: one opened before someone else saved the object.

    The hidden ``edit_version`` carries the version the form was opened at. ``clean`` locks the row (the
    admin saves in one transaction, so nobody can save between this check and the save) and compares
    versions; a stale form gets an error naming each field changed meanwhile with its current value,
    and is shown again with the editor's input. Its hidden version moves on to the current one: saving
    it again, after reading what changed, is a decision to keep this editor's values.
    """

    def clean(self):
        data = super().clean()
        based_on = data.get(VERSION_FIELD)
        if not self.instance.pk or based_on is None:
            return data  # a new object, or a form without the field (a script): nothing to compare with
        current = stored_version(self.instance, lock=True)
        if current is not None and current != based_on:
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = str(current)
            raise forms.ValidationError(stale_form_messages(self.instance, based_on=based_on, current=current))
        self.instance.version = based_on  # the service saves compare-and-set against it
        return data


def stale_form_messages(instance: Any, *, based_on: int, current: int) -> list[str]:
    """What an editor whose form is stale is told: who won, what changed (field and current value), what to do."""
    label = instance._meta.verbose_name
    changes = changes_since(type(instance), pk=instance.pk, version=based_on)
    lines = [f"Someone else saved this {label} while you were editing it (your form shows version {based_on}, "
             f"it is now at version {current}). Nothing was saved."]  # fmt: skip
    for name, value in changes.items():
        field = instance._meta.get_field(name)
        if field.is_relation and value is not None:
            value = field.related_model._base_manager.filter(pk=value).first()
        shown = "(empty)" if value in (None, "", []) else str(value)
        if len(shown) > SHOWN_CHARACTERS:
            shown = shown[:SHOWN_CHARACTERS] + "…"
        lines.append(f"Changed meanwhile: {field.verbose_name} is now “{shown}”.")
    lines.append("Your changes are kept below: compare them with the above, then save again to keep yours.")
    return lines


class VersionedAdminMixin:
    """The admin side of edit versions: a change form carries the version it was opened at (``VersionCheckForm``)."""

    change_form_template = "admin/careerhub/versioned_change_form.html"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or obj.pk is None:
            return form
        # The stored version, not the object's: reverting to a version from the history shows that version's
        # fields in a form that is based on the current one.
        current = stored_version(obj)
        version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, initial=current)
        return type(form.__name__, (VersionCheckForm, form), {VERSION_FIELD: version})


class EditorialAdmin(VersionedAdminMixin, ServiceAdmin):
    """Adds the editorial workflow: status filters, timestamps, bulk publish/archive/draft actions, and change
    forms that refuse to save over someone else's save (``VersionedAdminMixin``).

    Subclasses implement ``set_status`` with their app's ``<entity>_set_status`` service.
    """

    actions = ["publish", "archive", "return_to_draft"]
    editorial_readonly_fields = ("published_at", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), *self.editorial_readonly_fields)

    def set_status(self, queryset: QuerySet, status: str) -> int | StatusChange:
        raise NotImplementedError

    def _apply_status(self, request: HttpRequest, queryset: QuerySet, status: str, verb: str) -> None:
        result = self.set_status(queryset, status)
        changed = result.changed if isinstance(result, StatusChange) else result
        for warning in result.warnings if isinstance(result, StatusChange) else ():
            self.message_user(request, warning, messages.WARNING)
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
