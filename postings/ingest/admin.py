"""Admin pages of ingestion: upload a posting file (checked, then imported by a task), and near-duplicates."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .jobs import import_job_confirm, import_job_create
from .models import ImportJob, NearDuplicate
from .near_duplicates import near_duplicate_dismiss, near_duplicate_merge
from .readers import FORMATS, ImportFileError, format_for
from .rows import FIELDS, REQUIRED_FIELDS, SOURCE_PATTERN

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # larger files: the import_postings command streams them
ERRORS_SHOWN = 200


class ImportUploadForm(forms.ModelForm):
    file = forms.FileField(
        help_text=f"CSV or JSON Lines (.csv, .jsonl). Columns: {', '.join(REQUIRED_FIELDS)}; optional "
        f"{', '.join(f for f in FIELDS if f not in REQUIRED_FIELDS)}. At most {MAX_UPLOAD_BYTES // 2**20} MB."
    )
    file_format = forms.ChoiceField(
        choices=[("", "From the file name"), *((fmt, fmt.upper()) for fmt in FORMATS)],
        required=False,
        label="Format",
    )

    class Meta:
        model = ImportJob
        fields = ("source", "partial", "create_employers")

    def clean_source(self):
        source = self.cleaned_data["source"]
        if not SOURCE_PATTERN.match(source):
            raise ValidationError("Use lowercase letters, digits, hyphens and underscores.")
        return source

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                self.add_error("file", f"The file is {upload.size:,} bytes; at most {MAX_UPLOAD_BYTES:,} here.")
            try:
                cleaned["fmt"] = format_for(upload.name, cleaned.get("file_format") or None)
            except ImportFileError as exc:
                self.add_error("file_format", str(exc))
        return cleaned


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Upload, check (a dry run listing every refused row), confirm, and watch the import run."""

    list_display = ("file_name", "status", "rows_done", "source", "created_by", "created_at", "finished_at")
    list_filter = ("status", "source")
    search_fields = ("file_name",)
    readonly_fields = (
        "file_name",
        "format",
        "source",
        "partial",
        "create_employers",
        "status",
        "rows_done",
        "created_by",
        "created_at",
        "finished_at",
        "preview_summary",
        "report_summary",
    )
    fields = readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImportUploadForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("file", "file_format", "source", "partial", "create_employers") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a job is only ever confirmed (the button on its page), never edited

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["file"]
        job = import_job_create(
            user=request.user,
            file_name=upload.name,
            content=upload.read(),
            fmt=form.cleaned_data["fmt"],
            source=obj.source,
            partial=obj.partial,
            create_employers=obj.create_employers,
        )
        # The admin names the saved object in its message ("The import job “…” was added"): the job as stored.
        for field in job._meta.concrete_fields:
            setattr(obj, field.attname, getattr(job, field.attname))

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [path("<int:pk>/confirm/", confirm, name="postings_importjob_confirm"), *super().get_urls()]

    def confirm_view(self, request, pk):
        if request.method != "POST" or not request.user.has_perm("postings.add_posting"):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=pk)
        try:
            import_job_confirm(job=job)
            self.message_user(request, f"Importing {job.file_name}…", messages.SUCCESS)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:postings_importjob_change", args=[pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_confirm"] = bool(
            obj and obj.status == ImportJob.Status.PREVIEWED and request.user.has_perm("postings.add_posting")
        )
        context["still_running"] = bool(obj and obj.status in {ImportJob.Status.PREVIEWING, ImportJob.Status.RUNNING})
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="check of the file")
    def preview_summary(self, obj):
        return _report_html(obj.preview)

    @admin.display(description="import")
    def report_summary(self, obj):
        return _report_html(obj.report)


def _report_html(report: dict):
    if not report:
        return "—"
    if "file_error" in report:
        return report["file_error"]
    errors = report.get("errors", [])
    listed = format_html_join(
        "",
        "<li>row {}, <code>{}</code>: {}</li>",
        ((e["row"], e["field"], e["message"]) for e in errors[:ERRORS_SHOWN]),
    )
    more = f"… and {len(errors) - ERRORS_SHOWN:,} more." if len(errors) > ERRORS_SHOWN else ""
    return format_html("<p>{}</p><ul>{}</ul>{}", report.get("summary", ""), listed, more)


@admin.register(NearDuplicate)
class NearDuplicateAdmin(admin.ModelAdmin):
    """Postings that look like the same ad reposted: merge them (the later stops counting) or dismiss."""

    list_display = ("posting", "similar_to", "similarity_percent", "status", "found_at")
    list_filter = ("status",)
    list_select_related = ("posting__employer", "similar_to__employer")
    search_fields = ("posting__title", "similar_to__title", "posting__employer__name")
    readonly_fields = ("posting", "similar_to", "similarity", "status", "found_at")
    actions = ("merge", "dismiss")

    def has_add_permission(self, request):
        return False

    @admin.display(description="similarity", ordering="similarity")
    def similarity_percent(self, obj):
        return f"{obj.similarity:.0%}"

    @admin.action(
        description="Merge: keep the earlier posting, count the later as its duplicate", permissions=["change"]
    )
    def merge(self, request, queryset):
        merged = 0
        for near in queryset.filter(status=NearDuplicate.Status.OPEN).select_related("posting", "similar_to"):
            try:
                near_duplicate_merge(near_duplicate=near)
                merged += 1
            except ValidationError as exc:
                self.message_user(request, f"{near}: {' '.join(exc.messages)}", messages.WARNING)
        self.message_user(request, f"Merged {merged} pair(s).", messages.SUCCESS)

    @admin.action(description="Dismiss: these are different ads", permissions=["change"])
    def dismiss(self, request, queryset):
        for near in queryset.filter(status=NearDuplicate.Status.OPEN):
            near_duplicate_dismiss(near_duplicate=near)
        self.message_user(request, "Dismissed.", messages.SUCCESS)
