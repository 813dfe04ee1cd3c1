from django.contrib import admin

from careerhub.core.admin import EditorialAdmin
from careerhub.core.revisions.admin import RevisionAdminMixin

from . import services
from .models import Segment


@admin.register(Segment)
class SegmentAdmin(RevisionAdminMixin, EditorialAdmin):
    list_display = ("name", "status", "display_order", "updated_at")
    list_editable = ("display_order",)
    list_filter = ("status",)
    search_fields = ("name", "slug", "summary", "optimises_for")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "display_order", "summary")}),
        ("What they hire for", {"fields": ("optimises_for", "looks_for", "pitfalls")}),
        ("Employers", {"fields": ("sample_employers", "focus_areas")}),
        ("Publication", {"fields": ("published_at", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def save_object(self, obj):
        services.segment_save(segment=obj)

    def delete_object(self, obj):
        services.segment_delete(segment=obj)

    def set_status(self, queryset, status):
        return services.segment_set_status(segments=queryset, status=status)
