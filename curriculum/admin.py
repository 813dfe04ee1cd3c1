from django import forms
from django.contrib import admin
from django.db.models import Count

from careerhub.core.admin import EditorialAdmin, save_formset_with

from . import services
from .models import Module, Track


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("order", "title", "slug", "status")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    ordering = ("order", "id")


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
class TrackAdmin(EditorialAdmin):
    form = TrackAdminForm
    list_display = ("title", "level", "status", "module_count", "display_order", "updated_at")
    list_editable = ("display_order",)
    list_filter = ("status", "level", "segments")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("segments", "prerequisites")
    inlines = (ModuleInline,)
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

    def save_formset(self, request, form, formset, change):
        save_formset_with(
            formset,
            save=lambda module: services.module_save(module=module),
            delete=lambda module: services.module_delete(module=module),
        )


@admin.register(Module)
class ModuleAdmin(EditorialAdmin):
    list_display = ("title", "track", "order", "status", "skill_count", "updated_at")
    list_filter = ("status", "track__level", "track")
    list_select_related = ("track",)
    search_fields = ("title", "slug", "summary", "track__title", "skills__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("track", "skills")
    fields = ("track", "order", "title", "slug", "status", "summary", "body", "skills",
              "published_at", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(description="skills", ordering="skill_count")
    def skill_count(self, obj):
        return obj.skill_count

    def save_object(self, obj):
        services.module_save(module=obj)

    def delete_object(self, obj):
        services.module_delete(module=obj)

    def set_status(self, queryset, status):
        return services.module_set_status(modules=queryset, status=status)

    def save_related(self, request, form, formsets, change):
        services.module_set_skills(module=form.instance, skills=form.cleaned_data["skills"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# The coverage dashboard registers itself with the admin site.
from .coverage import admin as coverage_admin  # noqa: E402, F401
