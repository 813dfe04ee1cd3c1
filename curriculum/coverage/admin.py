"""The editors' coverage dashboard: a custom admin view in place of the coverage changelist.

Every track's coverage per segment (sortable, filtered with the API's FilterSet), a page per track
with its gaps (one click adds a missing skill to a chosen module, through ``module_add_skills``),
surplus, duplication and each module's evidence, the duplication report, and a CSV export.
"""

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from careerhub.core.revisions.models import RevisionState
from careerhub.core.revisions.permissions import can_publish
from careerhub.core.revisions.services import revision_publish, revision_save_draft
from postings.models import Skill

from ..models import Module, Track
from ..services import module_add_skills
from .filters import SegmentCoverageFilter
from .models import CoverageMark, TrackCoverage
from .selectors import SORTS, coverage_duplication, coverage_list, segment_figures, skills_of, track_coverage_detail
from .tasks import recompute_all_coverage

DASHBOARD_GAPS = 3
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@admin.register(TrackCoverage)
class CoverageAdmin(admin.ModelAdmin):
    """Coverage is computed by the engine: editors read it here and act on the curriculum."""

    search_fields = ("track__title",)  # the dashboard's own search; see ``dashboard_rows``

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="curriculum_trackcoverage_changelist"),
            path("export.csv", view(self.export_view), name="curriculum_trackcoverage_export"),
            path("duplication/", view(self.duplication_view), name="curriculum_trackcoverage_duplication"),
            path("recompute/", view(self.recompute_view), name="curriculum_trackcoverage_recompute"),
            path("track/<int:track_id>/", view(self.track_view), name="curriculum_trackcoverage_track"),
            path(
                "track/<int:track_id>/add-skill/", view(self.add_skill_view), name="curriculum_trackcoverage_add_skill"
            ),
        ]

    def _check_view(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def dashboard_rows(self, request: HttpRequest):
        sort = request.GET.get("o", "")
        filterset = SegmentCoverageFilter(request.GET, queryset=coverage_list(include_unpublished=True, sort=sort))
        rows = filterset.qs if filterset.is_valid() else coverage_list(include_unpublished=True).none()
        if query := request.GET.get("q", "").strip():
            rows = rows.filter(track_coverage__track__title__icontains=query)
        return filterset, list(rows), sort

    def changelist_view(self, request, extra_context=None):
        self._check_view(request)
        filterset, rows, sort = self.dashboard_rows(request)
        skills = skills_of(rows, include_unpublished=True)
        figures = [(row, segment_figures(row, skills, gaps=DASHBOARD_GAPS)) for row in rows]
        query = request.GET.copy()
        query.pop("o", None)
        columns = []
        for key, label in (
            ("track", "Track"),
            ("level", "Level"),
            ("segment", "Segment"),
            ("coverage", "Coverage (cumulative)"),
            ("own", "Own"),
            ("gaps", "Top skills taught"),
            ("postings", "Postings"),
        ):
            next_sort = f"-{key}" if sort == key else key
            query["o"] = next_sort
            columns.append(
                {
                    "label": label,
                    "url": f"?{query.urlencode()}",
                    "sorted": "asc" if sort == key else ("desc" if sort == f"-{key}" else ""),
                }
            )
        marks = CoverageMark.objects.aggregate(n=Count("id"), oldest=Min("created_at"))
        oldest = marks["oldest"]
        uncovered = (
            Track.objects.exclude(coverage__segments__isnull=False)
            .select_related("coverage")
            .order_by("display_order", "title")
        )
        context = self._context(
            request,
            title="Curriculum coverage",
            filterset=filterset,
            figures=figures,
            columns=columns,
            sorts=SORTS,
            uncovered=uncovered,
            pending_marks=marks["n"],
            oldest_mark_age=(timezone.now() - oldest).total_seconds() if oldest else None,
            can_recompute=request.user.has_perm("curriculum.change_track"),
            export_query=request.GET.urlencode(),
            search=request.GET.get("q", ""),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/curriculum/coverage/dashboard.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        self._check_view(request)
        _, rows, _ = self.dashboard_rows(request)
        skills = skills_of(rows, include_unpublished=True)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="coverage-{timezone.localdate():%Y-%m-%d}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "track",
                "track_slug",
                "level",
                "track_status",
                "segment",
                "segment_slug",
                "coverage",
                "own_coverage",
                "postings",
                "demand_skills",
                "taught_demand_skills",
                "own_taught_demand_skills",
                "gaps",
                "surplus",
                "as_of",
                "computed_at",
            ]
        )
        for row in rows:
            figures = segment_figures(row, skills)
            track, coverage = row.track_coverage.track, row.track_coverage
            writer.writerow(
                [
                    _cell(value)
                    for value in (
                        track.title,
                        track.slug,
                        track.level,
                        track.status,
                        row.segment.name,
                        row.segment.slug,
                        "" if row.coverage is None else f"{row.coverage:.4f}",
                        "" if row.own_coverage is None else f"{row.own_coverage:.4f}",
                        row.postings,
                        row.demand_skills,
                        row.taught_demand_skills,
                        row.own_taught_demand_skills,
                        "; ".join(f"{gap.skill.name} ({gap.postings})" for gap in figures.gaps),
                        "; ".join(f"{item.skill.name} ({item.postings})" for item in figures.surplus),
                        coverage.as_of.isoformat(),
                        coverage.computed_at.isoformat(),
                    )
                ]
            )
        return response

    def duplication_view(self, request: HttpRequest) -> TemplateResponse:
        self._check_view(request)
        context = self._context(request, title="Duplication across and within tracks", report=coverage_duplication())
        return TemplateResponse(request, "admin/curriculum/coverage/duplication.html", context)

    def track_view(self, request: HttpRequest, track_id: int) -> TemplateResponse:
        self._check_view(request)
        track = get_object_or_404(Track.objects.prefetch_related("segments"), pk=track_id)
        detail = track_coverage_detail(track=track, include_unpublished=True)
        modules = list(Module.objects.filter(track=track).exclude(status="archived").order_by("order", "id"))
        context = self._context(
            request,
            title=f"Coverage of {track}",
            track=track,
            detail=detail,
            modules=modules,
            can_add_skill=request.user.has_perm("curriculum.change_module"),
        )
        return TemplateResponse(request, "admin/curriculum/coverage/track.html", context)

    def add_skill_view(self, request: HttpRequest, track_id: int) -> HttpResponseRedirect:
        """Add a gap's skill to the module the editor chose (one click from the track's coverage page)."""
        track = get_object_or_404(Track, pk=track_id)
        back = reverse("admin:curriculum_trackcoverage_track", args=[track.pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not request.user.has_perm("curriculum.change_module"):
            raise PermissionDenied
        module = _get_by_id(Module.objects.filter(track=track), request.POST.get("module"))
        skill = _get_by_id(Skill.objects.all(), request.POST.get("skill"))
        if module is None:
            self.message_user(request, f"Module: choose one of the modules of {track}.", messages.ERROR)
        elif skill is None:
            self.message_user(request, "Skill: no such skill.", messages.ERROR)
        elif module.skills.filter(pk=skill.pk).exists():
            self.message_user(request, f"{module.title} already teaches {skill}.", messages.WARNING)
        else:
            self.message_user(request, _add_skill(request, module, skill), messages.SUCCESS)
        return HttpResponseRedirect(back)

    def recompute_view(self, request: HttpRequest) -> HttpResponseRedirect:
        back = reverse("admin:curriculum_trackcoverage_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not request.user.has_perm("curriculum.change_track"):
            raise PermissionDenied
        recompute_all_coverage.delay(trigger="admin")
        self.message_user(request, "A full recompute of every track's coverage has been started.", messages.SUCCESS)
        return HttpResponseRedirect(back)


def _add_skill(request: HttpRequest, module: Module, skill: Skill) -> str:
    """Add the skill as a revision of the module: a draft of a live module unless a publisher publishes it."""
    revision = revision_save_draft(
        instance=module,
        by=request.user,
        write=lambda: module_add_skills(module=module, skills=[skill]),
        note=f"Teaches {skill} (a coverage gap)",
    )
    if revision.state == RevisionState.DRAFT and can_publish(request.user):
        revision = revision_publish(revision=revision, by=request.user)
    if revision.state == RevisionState.DRAFT:
        return (f"{skill} is added to {module.title} in draft revision {revision.number}: the live module is "
                "unchanged until a publisher publishes it.")  # fmt: skip
    return f"{skill} is now taught in {module.title}; the coverage is recomputed once the change is committed."


def _get_by_id(queryset, value):
    try:
        return queryset.filter(pk=int(value)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def _cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value
