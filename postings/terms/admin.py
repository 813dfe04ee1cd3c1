"""The queue of new terms: each with its postings per segment and example sentences; add or dismiss in one click."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join

from careerhub.core.services import validated_save

from .models import NewTerm, NewTermMention
from .services import new_term_add_alias, new_term_add_skill, new_term_dismiss

BUTTONS = {
    "_add_skill": "Add as a new skill",
    "_add_alias": "Add as an alias",
    "_dismiss": "Dismiss for good",
}


class QueueFilter(admin.SimpleListFilter):
    """The queue by default: open terms that enough postings use; or every term, or the decided ones."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (
            ("all_open", "Every open term (rare ones too)"),
            ("decided", "Decided"),
            ("everything", "Everything"),
        )

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": f"Queue: open, in {settings.CAREERHUB_NEW_TERM_MIN_POSTINGS}+ postings",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "everything":
            return queryset
        if self.value() == "decided":
            return queryset.exclude(status=NewTerm.Status.OPEN)
        queryset = queryset.filter(status=NewTerm.Status.OPEN)
        if self.value() == "all_open":
            return queryset
        return queryset.filter(posting_count__gte=settings.CAREERHUB_NEW_TERM_MIN_POSTINGS)


@admin.register(NewTerm)
class NewTermAdmin(admin.ModelAdmin):
    """Terms the taxonomy lacks, most used first; a term's page shows where it is used and the three buttons."""

    list_display = ("text", "reason", "posting_count", "segment_count", "near_skill", "status", "last_seen_at")
    list_filter = (QueueFilter, "reason", "mentions__posting__segment")
    list_select_related = ("near_skill",)
    search_fields = ("text", "key")
    autocomplete_fields = ("category", "skill")
    fields = ("text", "reason", "near_skill", "status", "by_segment", "example_list", "category", "skill",
              "decided_by", "decided_at")  # fmt: skip
    readonly_fields = ("reason", "near_skill", "status", "by_segment", "example_list", "decided_by", "decided_at")
    actions = ("dismiss", "alias_of_near_skill")
    change_form_template = "admin/postings/newterm/change_form.html"

    def get_queryset(self, request):
        # Not super(): it orders by ``get_ordering`` before the counts that ordering names exist.
        return NewTerm.objects.annotate(
            posting_count=Count("mentions", distinct=True),
            segment_count=Count("mentions__posting__segment", distinct=True),
        ).order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ("-posting_count", "key")  # an annotation: the model's own ordering cannot name it

    def has_add_permission(self, request):
        return False  # found in postings, never typed in

    @admin.display(description="postings", ordering="posting_count")
    def posting_count(self, obj):
        return obj.posting_count

    @admin.display(description="segments", ordering="segment_count")
    def segment_count(self, obj):
        return obj.segment_count

    @admin.display(description="postings per segment")
    def by_segment(self, obj):
        counts = (
            NewTermMention.objects.filter(term=obj)
            .values("posting__segment__name")
            .annotate(postings=Count("posting", distinct=True))
            .order_by("-postings", "posting__segment__name")
        )
        if not counts:
            return "—"
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td></tr>", ((c["posting__segment__name"], c["postings"]) for c in counts)
            ),
        )

    @admin.display(description="examples")
    def example_list(self, obj):
        if not obj.examples:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((e,) for e in obj.examples)))

    def get_object(self, request, object_id, from_field=None):
        term = super().get_object(request, object_id, from_field)
        if term is not None and term.skill_id is None and term.near_skill_id is not None:
            term.skill_id = term.near_skill_id  # a near-miss is offered as an alias of the skill it nearly spells
        return term

    def save_model(self, request, obj, form, change):
        validated_save(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["decision_buttons"] = BUTTONS.items() if obj and obj.status == NewTerm.Status.OPEN else ()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        button = next((name for name in BUTTONS if name in request.POST), None)
        if button is None:
            return super().response_change(request, obj)
        try:
            self._decide(request, obj, button)
        except ValidationError as exc:
            self.message_user(request, f"“{obj.text}”: {' '.join(exc.messages)}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect("../../")

    def _decide(self, request, term: NewTerm, button: str) -> None:
        if button == "_add_skill":
            if term.category is None:
                raise ValidationError("Choose the category of the new skill first.")
            skill = new_term_add_skill(term=term, category=term.category, user=request.user)
            self.message_user(
                request, f"Added “{skill.name}” as a draft skill in {term.category}; postings that mention it are "
                "being re-extracted. Publish it when its description is written.", messages.SUCCESS,
            )  # fmt: skip
        elif button == "_add_alias":
            if term.skill is None:
                raise ValidationError("Choose the skill it is another spelling of first.")
            new_term_add_alias(term=term, skill=term.skill, user=request.user)
            self.message_user(
                request, f"Added “{term.text}” as an alias of {term.skill}; postings that mention it are being "
                "re-extracted.", messages.SUCCESS,
            )  # fmt: skip
        else:
            new_term_dismiss(term=term, user=request.user)
            self.message_user(request, f"Dismissed “{term.text}” for good.", messages.SUCCESS)

    @admin.action(description="Dismiss selected terms for good", permissions=["change"])
    def dismiss(self, request, queryset):
        done = 0
        for term in queryset.filter(status=NewTerm.Status.OPEN):
            new_term_dismiss(term=term, user=request.user)
            done += 1
        self.message_user(request, f"Dismissed {done} term(s).", messages.SUCCESS)

    @admin.action(
        description="Add selected near-misses as aliases of the skill they nearly spell", permissions=["change"]
    )
    def alias_of_near_skill(self, request, queryset):
        done = 0
        for term in queryset.filter(status=NewTerm.Status.OPEN, near_skill__isnull=False).select_related("near_skill"):
            try:
                new_term_add_alias(term=term, skill=term.near_skill, user=request.user)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"“{term.text}”: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"Added {done} alias(es); their postings are being re-extracted.", messages.SUCCESS)
