from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from careerhub.core.admin import EditorialAdmin, NoRelatedEditLinks, ServiceAdmin, save_formset_with
from careerhub.core.revisions.admin import RevisionAdminMixin

from . import services
from .ingest.services import posting_form_errors, posting_write
from .models import (
    Employer,
    Posting,
    PostingSkill,
    PostingSkillState,
    RemovedSkillAlias,
    Skill,
    SkillAlias,
    SkillCategory,
    SkillMerge,
)
from .services import posting_text
from .skill_search import skill_search


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
    fields = ("text", "case_sensitive", "ambiguous", "source", "editor_edited")
    readonly_fields = ("source", "editor_edited")


class SkillMergeForm(forms.Form):
    """Which of the selected skills the others are merged into."""

    target = forms.ModelChoiceField(queryset=Skill.objects.none(), label="Merge into")

    def __init__(self, *args, skills=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = skills


@admin.register(Skill)
class SkillAdmin(RevisionAdminMixin, EditorialAdmin):
    list_display = ("name", "category", "type", "status", "alias_count", "updated_at")
    list_filter = ("status", "type", "source", "name_ambiguous", "onet_hot_technology", "category")
    list_select_related = ("category",)
    search_fields = ("name", "slug", "aliases__text", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("category",)
    inlines = (SkillAliasInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "type", "status", "description", "name_ambiguous")}),
        (
            "Sources",
            {
                "fields": (
                    "source",
                    "esco_uri",
                    "onet_code",
                    "onet_hot_technology",
                    "onet_in_demand",
                    "editor_edited_at",
                )
            },
        ),
        ("Publication", {"fields": ("published_at", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("editor_edited_at",)
    actions = [*EditorialAdmin.actions, "merge_skills"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_count=Count("aliases"))

    @admin.display(description="aliases", ordering="alias_count")
    def alias_count(self, obj):
        return obj.alias_count

    def get_search_results(self, request, queryset, search_term):
        """Skills ranked as the site search ranks them: a name or alias match before a description match.

        The autocomplete of skills (a module's skills) keeps this order, so typing "Audit" offers
        "Audit trails" first, not a skill whose description mentions auditing; the changelist sorts
        the same matches by its own columns.
        """
        if not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return skill_search(search_term, skills=queryset), False

    def save_model(self, request, obj, form, change):
        # The fields this editor changed are remembered: importers never overwrite them.
        services.skill_save(skill=obj, by_editor=True, changed_fields=form.changed_data)

    def save_object(self, obj):
        services.skill_save(skill=obj, by_editor=True)

    @admin.action(description="Merge selected skills into one of them", permissions=["change", "delete"])
    def merge_skills(self, request, queryset):
        """Ask which skill to keep, then merge the others into it (links, aliases and modules move)."""
        skills = Skill.objects.filter(pk__in=queryset.values("pk")).order_by("name")
        if skills.count() < 2:
            self.message_user(request, "Select at least two skills to merge.", messages.WARNING)
            return None
        form = SkillMergeForm(request.POST if "apply" in request.POST else None, skills=skills)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = []
            try:
                for source in skills.exclude(pk=target.pk):
                    services.skill_merge(source=source, target=target, merged_by=request.user.get_username())
                    merged.append(source.name)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Merged {', '.join(merged)} into {target.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge skills",
            "opts": self.opts,
            "skills": skills,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/postings/skill/merge.html", context)

    def delete_object(self, obj):
        services.skill_delete(skill=obj)

    def set_status(self, queryset, status):
        return services.skill_set_status(skills=queryset, status=status)

    def save_formset(self, request, form, formset, change):
        save_formset_with(
            formset,
            save=lambda alias: services.skill_alias_save(alias=alias, by_editor=True),
            delete=lambda alias: services.skill_alias_delete(alias=alias, by_editor=True),
        )


@admin.register(SkillAlias)
class SkillAliasAdmin(ServiceAdmin):
    list_display = ("text", "skill", "case_sensitive", "ambiguous", "source")
    list_filter = ("case_sensitive", "ambiguous", "source", "skill__category")
    list_select_related = ("skill",)
    search_fields = ("text", "skill__name")
    autocomplete_fields = ("skill",)

    def save_object(self, obj):
        services.skill_alias_save(alias=obj, by_editor=True)

    def delete_object(self, obj):
        services.skill_alias_delete(alias=obj, by_editor=True)


@admin.register(RemovedSkillAlias)
class RemovedSkillAliasAdmin(admin.ModelAdmin):
    """Spellings editors removed, which imports keep out. Deleting one lets imports add it again."""

    list_display = ("text", "skill", "removed_at")
    list_select_related = ("skill",)
    search_fields = ("text", "skill__name")
    date_hierarchy = "removed_at"
    readonly_fields = ("text", "skill", "removed_at")

    def has_add_permission(self, request):
        return False  # recorded when an editor deletes an alias


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


@admin.register(SkillMerge)
class SkillMergeAdmin(admin.ModelAdmin):
    """The record of merges: read-only, written by ``skill_merge``."""

    list_display = ("merged_name", "into", "links_moved", "aliases_moved", "modules_moved", "merged_by", "merged_at")
    list_select_related = ("into",)
    search_fields = ("merged_name", "merged_slug", "into__name")
    date_hierarchy = "merged_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Characters of the posting's text shown either side of a match.
EVIDENCE_CONTEXT = 60


class PostingSkillInline(NoRelatedEditLinks, admin.TabularInline):
    """The posting's skills with the evidence the extractor found; editors accept, reject or add them.

    An accepted, rejected or added link is the editor's decision: re-extraction keeps it.
    """

    model = PostingSkill
    extra = 1
    autocomplete_fields = ("skill",)
    fields = ("skill", "state", "evidence", "extractor_version")
    readonly_fields = ("evidence", "extractor_version")

    @admin.display(description="evidence")
    def evidence(self, obj):
        if not obj or obj.start is None or not obj.posting_id:
            return "—"
        # One read of the posting's text for all its rows (inline instances live for one request).
        texts = self.__dict__.setdefault("_texts", {})
        if obj.posting_id not in texts:
            texts[obj.posting_id] = posting_text(obj.posting)
        text = texts[obj.posting_id]
        before = text[max(0, obj.start - EVIDENCE_CONTEXT) : obj.start]
        after = text[obj.end : obj.end + EVIDENCE_CONTEXT]
        return format_html(
            "…{}<mark>{}</mark>{}… <small>(characters {} to {})</small>",
            before,
            text[obj.start : obj.end],
            after,
            obj.start,
            obj.end,
        )


class PostingAdminForm(forms.ModelForm):
    """A new posting is checked by the rules of the one write path, so its refusals show on the form's fields."""

    def _post_clean(self):
        super()._post_clean()
        for name, refusals in posting_form_errors(self.instance).items():
            self.add_error(name if name in self.fields else None, refusals)


class ClosedFilter(admin.SimpleListFilter):
    """Open postings, or the ones a job-board sync found gone from their board."""

    title = "on its board"
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return (("no", "Open"), ("yes", "Closed (left its board)"))

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(closed_on__isnull=self.value() == "no")
        return queryset


REVIEW = "_review_skills"  # the name of the "accept all" / "reject all" buttons of a posting's form
REVIEWS = {"accept": (PostingSkillState.ACCEPTED, "Accepted"), "reject": (PostingSkillState.REJECTED, "Rejected")}


@admin.register(Posting)
class PostingAdmin(NoRelatedEditLinks, EditorialAdmin):
    form = PostingAdminForm
    list_display = ("title", "employer", "segment", "posted_on", "status", "source", "closed_on")
    list_filter = ("status", "segment", "source", "posted_on", ClosedFilter)
    list_select_related = ("employer", "segment")
    search_fields = ("title", "employer__name", "external_id", "location")
    date_hierarchy = "posted_on"
    autocomplete_fields = ("employer", "segment")
    readonly_fields = ("first_seen_on", "closed_on", "skill_review")
    inlines = (PostingSkillInline,)
    actions = [*EditorialAdmin.actions, "accept_extracted_skills", "reject_extracted_skills"]
    # The first submit button of a form is the one Enter presses: the Save row on top, not "Accept all".
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("title", "employer", "segment", "status", "posted_on", "location")}),
        ("Skills found by the extractor", {"fields": ("skill_review",)}),
        ("Text", {"fields": ("description",)}),
        (
            "Details",
            {
                "fields": (
                    "remote", "department", "employment_type", ("salary_min", "salary_max", "salary_currency",
                    "salary_period"),
                )
            },
        ),
        ("Source", {"fields": ("source", "external_id", "url", "first_seen_on", "closed_on")}),
        ("Publication", {"fields": ("published_at", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def save_model(self, request, obj, form, change):
        # The one write path for postings; the saved posting's id is what the admin goes on with.
        saved = posting_write(posting=obj, user=request.user)
        obj.pk, obj.content_hash, obj.duplicate_of_id = saved.pk, saved.content_hash, saved.duplicate_of_id

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

    @admin.display(description="review")
    def skill_review(self, obj):
        waiting = obj.posting_skills.filter(state=PostingSkillState.AUTO).count() if obj and obj.pk else 0
        if not waiting:
            return "No skill found by the extractor is waiting for review."
        # Submit buttons of the posting's own form: the review happens after the form's other changes are
        # saved, without JavaScript, and the page comes back to the posting.
        return format_html(
            "{} found by the extractor, not yet reviewed: "
            '<button type="submit" name="{}" value="accept">Accept all</button> '
            '<button type="submit" name="{}" value="reject">Reject all</button>',
            f"{waiting} skill{'s' if waiting != 1 else ''}",
            REVIEW,
            REVIEW,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if request.POST.get(REVIEW) in REVIEWS:
            self._review_skills(request, Posting.objects.filter(pk=form.instance.pk), request.POST[REVIEW])

    def response_change(self, request, obj):
        if REVIEW in request.POST:  # back to the posting, to check the result
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _review_skills(self, request, postings, review: str) -> None:
        state, verb = REVIEWS[review]
        try:
            changed = services.posting_skills_review(postings=postings, state=state, user=request.user)
        except PermissionDenied as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return
        self.message_user(
            request, f"{verb} {changed} skill{'s' if changed != 1 else ''} found by the extractor.", messages.SUCCESS
        )

    @admin.action(description="Accept every skill the extractor found in the selected postings", permissions=["change"])
    def accept_extracted_skills(self, request, queryset):
        self._review_skills(request, queryset, "accept")

    @admin.action(description="Reject every skill the extractor found in the selected postings", permissions=["change"])
    def reject_extracted_skills(self, request, queryset):
        self._review_skills(request, queryset, "reject")


# The demand engine and ingestion register their own pages.
from .demand import admin as demand_admin  # noqa: E402, F401
from .ingest import admin as ingest_admin  # noqa: E402, F401
from .sources import admin as sources_admin  # noqa: E402, F401
from .terms import admin as terms_admin  # noqa: E402, F401
