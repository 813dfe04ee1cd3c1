from django.contrib import admin
from django.db.models import Count

from careerhub.admin import EditorialAdmin, ServiceAdmin, save_formset_with

from . import services
from .models import Employer, Posting, PostingSkill, Skill, SkillAlias, SkillCategory


@admin.register(SkillCategory)
class SkillCategoryAdmin(ServiceAdmin):
    list_display = ("name", "slug", "display_order", "skill_count")
    list_editable = ("display_order",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(description="skills", ordering="skill_count")
    def skill_count(self, obj):
        return obj.skill_count

    def save_object(self, obj):
        services.skill_category_save(category=obj)

    def delete_object(self, obj):
        services.skill_category_delete(category=obj)


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 1
    fields = ("text", "case_sensitive", "ambiguous", "source")
    readonly_fields = ("source",)


@admin.register(Skill)
class SkillAdmin(EditorialAdmin):
    list_display = ("name", "category", "type", "status", "alias_count", "updated_at")
    list_filter = ("status", "type", "source", "name_ambiguous", "onet_hot_technology", "category")
    list_select_related = ("category",)
    search_fields = ("name", "slug", "aliases__text", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("category",)
    inlines = (SkillAliasInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "type", "status", "description", "name_ambiguous")}),
        ("Sources", {"fields": ("source", "esco_uri", "onet_code", "onet_hot_technology", "onet_in_demand",
                                "editor_edited_at")}),
        ("Publication", {"fields": ("published_at", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("editor_edited_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_count=Count("aliases"))

    @admin.display(description="aliases", ordering="alias_count")
    def alias_count(self, obj):
        return obj.alias_count

    def save_object(self, obj):
        services.skill_save(skill=obj, by_editor=True)

    def delete_object(self, obj):
        services.skill_delete(skill=obj)

    def set_status(self, queryset, status):
        return services.skill_set_status(skills=queryset, status=status)

    def save_formset(self, request, form, formset, change):
        save_formset_with(
            formset,
            save=lambda alias: services.skill_alias_save(alias=alias),
            delete=lambda alias: services.skill_alias_delete(alias=alias),
        )


@admin.register(SkillAlias)
class SkillAliasAdmin(ServiceAdmin):
    list_display = ("text", "skill", "case_sensitive", "ambiguous", "source")
    list_filter = ("case_sensitive", "ambiguous", "source", "skill__category")
    list_select_related = ("skill",)
    search_fields = ("text", "skill__name")
    autocomplete_fields = ("skill",)

    def save_object(self, obj):
        services.skill_alias_save(alias=obj)

    def delete_object(self, obj):
        services.skill_alias_delete(alias=obj)


@admin.register(Employer)
class EmployerAdmin(ServiceAdmin):
    list_display = ("name", "website", "posting_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(posting_count=Count("postings"))

    @admin.display(description="postings", ordering="posting_count")
    def posting_count(self, obj):
        return obj.posting_count

    def save_object(self, obj):
        services.employer_save(employer=obj)

    def delete_object(self, obj):
        services.employer_delete(employer=obj)


class PostingSkillInline(admin.TabularInline):
    model = PostingSkill
    extra = 1
    autocomplete_fields = ("skill",)
    fields = ("skill", "state", "matched_text", "start", "end", "extractor_version")
    readonly_fields = ("matched_text", "start", "end", "extractor_version")


@admin.register(Posting)
class PostingAdmin(EditorialAdmin):
    list_display = ("title", "employer", "segment", "posted_on", "status", "source")
    list_filter = ("status", "segment", "source", "posted_on")
    list_select_related = ("employer", "segment")
    search_fields = ("title", "employer__name", "external_id", "location")
    date_hierarchy = "posted_on"
    autocomplete_fields = ("employer", "segment")
    inlines = (PostingSkillInline,)
    fieldsets = (
        (None, {"fields": ("title", "employer", "segment", "status", "posted_on", "location")}),
        ("Text", {"fields": ("description",)}),
        ("Source", {"fields": ("source", "external_id", "url")}),
        ("Publication", {"fields": ("published_at", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def save_object(self, obj):
        services.posting_save(posting=obj)

    def delete_object(self, obj):
        services.posting_delete(posting=obj)

    def set_status(self, queryset, status):
        return services.posting_set_status(postings=queryset, status=status)

    def save_formset(self, request, form, formset, change):
        save_formset_with(
            formset,
            save=lambda link: services.posting_skill_save(posting_skill=link),
            delete=lambda link: services.posting_skill_delete(posting_skill=link),
        )


# The demand engine and ingestion register their own pages.
from .demand import admin as demand_admin  # noqa: E402, F401
from .ingest import admin as ingest_admin  # noqa: E402, F401
