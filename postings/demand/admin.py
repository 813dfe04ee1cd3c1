"""Admin pages of the demand engine: the summaries, the runs, and "recompute now".

Internal tables, for superusers only (``InternalTableAdmin``): editors read demand through the
dashboards and the public pages.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone

from careerhub.core.admin import InternalTableAdmin, month_filter

from .models import DemandMark, DemandRun, SegmentMonthTotal, SkillDemand
from .tasks import recompute_all_demand


@admin.register(SkillDemand)
class SkillDemandAdmin(InternalTableAdmin):
    list_display = ("skill", "segment_name", "month", "postings", "computed_at", "taxonomy_version")
    list_filter = ("segment", month_filter("month"), "skill__category")
    list_select_related = ("skill", "segment")
    search_fields = ("skill__name",)
    ordering = ("-month", "segment", "-postings")

    @admin.display(description="segment", ordering="segment__name")
    def segment_name(self, obj):
        return obj.segment or "All segments"


@admin.register(SegmentMonthTotal)
class SegmentMonthTotalAdmin(InternalTableAdmin):
    list_display = ("month", "segment_name", "postings", "computed_at")
    list_filter = ("segment", month_filter("month"))
    list_select_related = ("segment",)
    ordering = ("-month", "segment")

    @admin.display(description="segment", ordering="segment__name")
    def segment_name(self, obj):
        return obj.segment or "All segments"


@admin.register(DemandRun)
class DemandRunAdmin(InternalTableAdmin):
    list_display = ("started_at", "kind", "trigger", "duration", "marks", "cells", "drift", "outcome")
    list_filter = ("kind", "trigger", ("error", admin.EmptyFieldListFilter))
    search_fields = ("error",)
    readonly_fields = ("kind", "trigger", "started_at", "finished_at", "marks", "cells", "drift", "drift_sample",
                       "error")
    change_list_template = "admin/postings/demandrun/change_list.html"

    @admin.display(description="duration")
    def duration(self, obj):
        if obj.finished_at is None:
            return "running"
        return f"{(obj.finished_at - obj.started_at).total_seconds():.2f} s"

    @admin.display(description="outcome")
    def outcome(self, obj):
        if obj.error:
            return "failed"
        return "running" if obj.finished_at is None else ("drift" if obj.drift else "ok")

    def get_urls(self):
        return [
            path("recompute/", self.admin_site.admin_view(self.recompute_view), name="postings_demandrun_recompute"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        oldest = DemandMark.objects.aggregate(oldest=Min("created_at"))["oldest"]
        extra_context = {
            **(extra_context or {}),
            "pending_marks": DemandMark.objects.count(),
            "oldest_mark_age": (timezone.now() - oldest).total_seconds() if oldest else None,
            "can_recompute": request.user.has_perm("postings.add_demandrun"),
        }
        return super().changelist_view(request, extra_context)

    def recompute_view(self, request: HttpRequest):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:postings_demandrun_changelist"))
        if not (self.has_view_permission(request) and request.user.has_perm("postings.add_demandrun")):
            raise PermissionDenied
        recompute_all_demand.delay(trigger="admin")
        self.message_user(request, "A full recompute of the demand summaries has been started.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:postings_demandrun_changelist"))
