"""Admin pages of job-board sources: set one up, see its runs and why it paused, sync, pause or resume it."""

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html, format_html_join

from careerhub.core.admin import ServiceAdmin
from careerhub.core.after_commit import send_after_commit

from .models import Source, SourceRun
from .services import source_delete, source_resume, source_save

RUNS_SHOWN = 20
REFUSALS_SHOWN = 200


def _latest_run(field: str) -> Subquery:
    return Subquery(SourceRun.objects.filter(source=OuterRef("pk")).order_by("-started_at", "-id").values(field)[:1])


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    """Each board with its state: running, paused (and why), or switched off; its latest runs on its page."""

    list_display = ("name", "kind", "employer", "segment", "interval_hours", "state", "last_run", "last_synced_at")
    list_filter = ("kind", "active", "segment")
    list_select_related = ("employer", "segment")
    search_fields = ("name", "slug", "board", "employer__name")
    autocomplete_fields = ("employer", "segment")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("state", "consecutive_failures", "last_synced_at", "next_sync_at", "recent_runs")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "board", "base_url", "employer", "segment")}),
        ("Schedule", {"fields": ("interval_hours", "active", "state", "consecutive_failures", "last_synced_at",
                                 "next_sync_at")}),
        ("Runs", {"fields": ("recent_runs",)}),
    )  # fmt: skip
    actions = ("sync_now", "resume", "switch_off")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_outcome=_latest_run("outcome"),
                last_error=_latest_run("error"),
                last_fetched=_latest_run("fetched"),
            )
        )

    @admin.display(description="state")
    def state(self, obj):
        if obj.paused_reason:
            return format_html("<strong>Paused</strong>: {}", obj.paused_reason)
        return "Running" if obj.active else "Switched off"

    @admin.display(description="last run")
    def last_run(self, obj):
        outcome = getattr(obj, "last_outcome", None)
        if outcome is None:
            return "—"
        if outcome == SourceRun.Outcome.FAILED:
            return format_html("Failed: {}", (obj.last_error or "")[:160])
        return f"{SourceRun.Outcome(outcome).label} ({obj.last_fetched:,} listed)"

    @admin.display(description=f"latest {RUNS_SHOWN} runs")
    def recent_runs(self, obj):
        if not obj.pk:
            return "—"
        runs = obj.runs.all()[:RUNS_SHOWN]
        rows = format_html_join(
            "",
            "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td>{} s</td></tr>",
            (
                (f"../../sourcerun/{run.pk}/change/", f"{run.started_at:%Y-%m-%d %H:%M}", run.trigger, run.summary(),
                 f"{run.duration:.1f}")
                for run in runs
            ),
        )  # fmt: skip
        return format_html(
            "<table><thead><tr><th>started</th><th>by</th><th>what it did</th><th>took</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows or format_html("<tr><td colspan='4'>No sync yet.</td></tr>"),
        )

    def save_object(self, obj):
        source_save(source=obj)

    def delete_object(self, obj):
        source_delete(source=obj)

    @admin.action(description="Sync selected sources now (in the background)", permissions=["change"])
    def sync_now(self, request, queryset):
        from .tasks import sync_source

        for source in queryset:
            send_after_commit(sync_source, source_id=source.pk, trigger="admin")
        self.message_user(request, f"Syncing {queryset.count()} source(s); their runs appear on their pages.")

    @admin.action(description="Resume selected sources (clear a pause, sync on schedule)", permissions=["change"])
    def resume(self, request, queryset):
        for source in queryset:
            source_resume(source=source)
        self.message_user(request, "Resumed: they sync at the next beat tick.", messages.SUCCESS)

    @admin.action(description="Switch off selected sources (no more syncs)", permissions=["change"])
    def switch_off(self, request, queryset):
        for source in queryset:
            source.active = False
            source_save(source=source)
        self.message_user(request, "Switched off.", messages.SUCCESS)


@admin.register(SourceRun)
class SourceRunAdmin(admin.ModelAdmin):
    """Every sync, read-only: counts, each refused posting with its reason, the error of a failed one."""

    list_display = ("started_at", "source", "trigger", "outcome", "fetched", "created", "updated", "unchanged",
                    "closed", "reopened", "refused", "seconds", "error_short")  # fmt: skip
    list_filter = ("outcome", "trigger", "source")
    list_select_related = ("source",)
    search_fields = ("source__name", "error")
    date_hierarchy = "started_at"
    readonly_fields = ("source", "trigger", "outcome", "started_at", "duration", "url", "fetched", "created",
                       "updated", "unchanged", "closed", "reopened", "refused", "refusal_list", "error",
                "note")  # fmt: skip
    exclude = ("refusals",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="took", ordering="duration")
    def seconds(self, obj):
        return f"{obj.duration:.1f} s"

    @admin.display(description="error")
    def error_short(self, obj):
        return obj.error[:120]

    @admin.display(description="refused postings")
    def refusal_list(self, obj):
        if not obj.refusals:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{}</code>, {}: {}</li>",
                (
                    (r["external_id"] or f"row {r['row']}", r["field"], r["message"])
                    for r in obj.refusals[:REFUSALS_SHOWN]
                ),
            ),
        )
