import re

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from careerhub.core.admin import EditorialAdmin, save_formset_with
from careerhub.core.editorial import Status
from careerhub.core.revisions.admin import RevisionAdminMixin

from . import services
from .models import Exercise, Module, Resource, SelfCheckQuestion, Track
from .prerequisites import prerequisite_problem

# The name of the move buttons on a track's modules: "<module id>:up" or ":down"; a row dragged (with JavaScript,
# careerhub/static/careerhub/module_order.js) sends "<module id>:<position>".
MOVE = "_move_module"
MOVE_VALUE = re.compile(r"(?P<module>[0-9]{1,18}):(?P<direction>up|down|[0-9]{1,5})")


class ModuleRowForm(forms.ModelForm):
    """A row of the track's modules table. The table's header is no label, so each field is named for screen
    readers: "Title of “Serving”"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # The widget itself, not the admin's wrapper around a related field (whose attrs are shared by all rows).
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs = {**widget.attrs, "aria-label": f"{field.label or name} of {self.module_name}"}

    @property
    def module_name(self) -> str:
        return f"“{self.instance.title}”" if self.instance.pk else "a new module"


class ModuleRowFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # added after the form's own fields
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete {form.module_name}"


class ModuleInline(admin.TabularInline):
    """A track's modules in order; the buttons move one up or down and renumber the track, and with JavaScript
    a row can be dragged to its place (the buttons stay, for keyboards and without JavaScript)."""

    model = Module
    form = ModuleRowForm
    formset = ModuleRowFormSet
    extra = 0
    fields = ("order", "title", "slug", "status", "skills", "move")
    readonly_fields = ("order", "move")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("skills",)  # each module's skills edited on the track, without opening the module
    show_change_link = True
    ordering = ("order", "id")

    class Media:
        js = ("careerhub/module_order.js",)
        css = {"all": ("careerhub/module_order.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("skills")

    # A live track's modules are edited on their own pages (each with its own revisions); here they are listed
    # and moved, and the order is part of the track's next revision.
    def _live(self, obj) -> bool:
        return obj is not None and obj.status == Status.PUBLISHED

    def get_readonly_fields(self, request, obj=None):
        if self._live(obj):
            return ("order", "title", "slug", "status", "skills", "move")
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self._live(obj) else super().get_prepopulated_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._live(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._live(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="move")
    def move(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        # Submit buttons of the track's own form: the move happens after the form's other changes are
        # saved, without JavaScript, and the page comes back to the track.
        return format_html(
            '<span class="module-move" data-module="{1}">'
            '<button type="submit" name="{0}" value="{1}:up" aria-label="Move {2} up">Move up</button> '
            '<button type="submit" name="{0}" value="{1}:down" aria-label="Move {2} down">Move down</button></span>',
            MOVE,
            obj.pk,
            obj.title,
        )


class TrackAdminForm(forms.ModelForm):
    """The track form: prerequisites that would form a cycle (or name the track itself) are refused on the field."""

    class Meta:
        model = Track
        fields = ("prerequisites",)  # the admin's ``fields`` add the rest

    def clean_prerequisites(self):
        prerequisites = self.cleaned_data["prerequisites"]
        problem = services.track_prerequisites_problem(track=self.instance, prerequisites=prerequisites)
        if problem:
            raise forms.ValidationError(problem)
        return prerequisites


@admin.register(Track)
class TrackAdmin(RevisionAdminMixin, EditorialAdmin):
    form = TrackAdminForm
    list_display = ("title", "level", "status", "module_count", "display_order", "updated_at")
    list_editable = ("display_order",)
    list_filter = ("status", "level", "segments")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("segments", "prerequisites")
    inlines = (ModuleInline,)
    # The first submit button of a form is the one Enter presses: the Save row on top, not a Move button.
    save_on_top = True
    fields = ("title", "slug", "level", "status", "display_order", "summary", "segments", "prerequisites",
              "published_at", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(module_count=Count("modules"))

    @admin.display(description="modules", ordering="module_count")
    def module_count(self, obj):
        return obj.module_count

    def save_object(self, obj):
        services.track_save(track=obj)

    def delete_object(self, obj):
        services.track_delete(track=obj)

    def set_status(self, queryset, status):
        return services.track_set_status(tracks=queryset, status=status)

    def save_related(self, request, form, formsets, change):
        services.track_set_segments(track=form.instance, segments=form.cleaned_data["segments"])
        services.track_set_prerequisites(track=form.instance, prerequisites=form.cleaned_data["prerequisites"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        self._move_module(request, form.instance)
        for warning in services.track_publish_warnings(tracks=[form.instance]):
            self.message_user(request, warning, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        modules = formset.save(commit=False)
        for module in formset.deleted_objects:
            services.module_delete(module=module)
        for module in modules:
            services.module_save(module=module)
        # Each row's skills through the service that marks the track's coverage (not the formset's save_m2m).
        for row in formset.forms:
            if row.instance.pk and "skills" in row.changed_data and row not in formset.deleted_forms:
                services.module_set_skills(module=row.instance, skills=row.cleaned_data["skills"])

    def _move_module(self, request, track):
        """Move the module whose button was pressed, after the rest of the form is saved."""
        move = MOVE_VALUE.fullmatch(request.POST.get(MOVE, ""))
        module = track.modules.filter(pk=move["module"]).first() if move else None
        if module is None:
            return
        direction = move["direction"]
        if direction.isdigit():  # dragged to a position
            position = int(direction)
        else:
            position = module.order - 1 if direction == "up" else module.order + 1
        if position >= 1:
            services.module_move(module=module, position=position)
        self.message_user(request, f"“{module.title}” is now module {module.order}.", messages.SUCCESS)

    def response_change(self, request, obj):
        if MOVE in request.POST:  # back to the track, to move another
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("order", "title", "url", "kind", "free", "minutes", "note")
    ordering = ("order", "id")


class ExerciseInline(admin.StackedInline):
    model = Exercise
    extra = 0
    fields = ("order", "title", "brief", "acceptance_criteria", "hours")
    ordering = ("order", "id")


class SelfCheckQuestionInline(admin.StackedInline):
    model = SelfCheckQuestion
    extra = 0
    fields = ("order", "question", "answer")
    ordering = ("order", "id")


class ModuleAdminForm(forms.ModelForm):
    """A module's form: its place in the track as a position to move to, prerequisites checked for cycles."""

    position = forms.IntegerField(
        label="Order",
        required=False,
        min_value=1,
        max_value=32767,
        help_text="Position in the track, from 1: the other modules make room. Leave empty to add a new module last.",
    )

    class Meta:
        model = Module
        # ``order`` is not edited as such: ``position`` moves the module and renumbers the track.
        fields = ("track", "title", "slug", "status", "summary", "outcomes", "hours", "body", "skills", "prerequisites")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["position"].initial = self.instance.order

    def clean_prerequisites(self):
        prerequisites = self.cleaned_data["prerequisites"]
        problem = prerequisite_problem(module=self.instance, prerequisites=prerequisites)
        if problem:
            raise forms.ValidationError(problem, code="prerequisites")
        return prerequisites


@admin.register(Module)
class ModuleAdmin(RevisionAdminMixin, EditorialAdmin):
    form = ModuleAdminForm
    list_display = ("title", "track", "order", "status", "hours", "skill_count", "updated_at")
    list_filter = ("status", "track__level", "track")
    list_select_related = ("track",)
    search_fields = ("title", "slug", "summary", "track__title", "skills__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("track", "skills", "prerequisites")
    fields = ("track", "position", "title", "slug", "status", "summary", "outcomes", "hours", "body", "skills",
              "prerequisites", "published_at", "created_at", "updated_at")
    inlines = (ResourceInline, ExerciseInline, SelfCheckQuestionInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(description="skills", ordering="skill_count")
    def skill_count(self, obj):
        return obj.skill_count

    def save_model(self, request, obj, form, change):
        position = form.cleaned_data.get("position")
        services.module_save(module=obj, position=position if position != obj.order else None)

    def save_object(self, obj):
        services.module_save(module=obj)

    def delete_object(self, obj):
        services.module_delete(module=obj)

    def set_status(self, queryset, status):
        return services.module_set_status(modules=queryset, status=status)

    def save_related(self, request, form, formsets, change):
        services.module_set_skills(module=form.instance, skills=form.cleaned_data["skills"])
        services.module_set_prerequisites(module=form.instance, prerequisites=form.cleaned_data["prerequisites"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        save_formset_with(
            formset,
            save=lambda item: services.module_item_save(item=item),
            delete=lambda item: services.module_item_delete(item=item),
        )


# The coverage dashboard registers itself with the admin site.
from .coverage import admin as coverage_admin  # noqa: E402, F401
