"""The shell's admin: the revisions screens of the core (registered on import), and redirects of moved
addresses, which editors list, search, filter, add, change and delete."""

from django import forms
from django.contrib import admin

from careerhub.core.revisions import admin as revisions_admin  # noqa: F401

from .core.redirects import Redirect, redirect_delete, redirect_loop_problem, redirect_save


class RedirectForm(forms.ModelForm):
    """A redirect that would go round in a loop is refused on its new address."""

    class Meta:
        model = Redirect
        fields = ("old_path", "new_path", "note")

    def clean(self):
        data = super().clean()
        if data.get("old_path") and data.get("new_path"):
            probe = Redirect(pk=self.instance.pk, old_path=data["old_path"], new_path=data["new_path"])
            problem = redirect_loop_problem(redirect=probe)
            if problem:
                self.add_error("new_path", problem)
        return data


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ("old_path", "new_path", "source", "note", "created_at")
    list_filter = ("source",)
    search_fields = ("old_path", "new_path", "note")
    readonly_fields = ("source", "created_at", "updated_at")
    fields = ("old_path", "new_path", "note", "source", "created_at", "updated_at")

    # Writes go through the services, which keep every chain one hop long.
    def save_model(self, request, obj, form, change):
        redirect_save(redirect=obj)

    def delete_model(self, request, obj):
        redirect_delete(redirect=obj)

    def delete_queryset(self, request, queryset):
        for redirect in queryset:
            redirect_delete(redirect=redirect)
