"""Track and module pages: what each track teaches, with the demand evidence for every skill."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careerhub.core.filters import refuse_unknown_slugs
from careerhub.core.visibility import can_see_drafts
from postings.demand.fragments import MIN_SAMPLE, DemandWindow, demand_tiers, tier_rules, track_evidence
from segments.selectors import segment_list

from .coverage.selectors import track_coverage_detail
from .diagram import path_diagram
from .filters import TrackFilterSet
from .models import Level
from .selectors import module_get, track_get, track_get_with_modules, track_list, track_path


def track_list_view(request: HttpRequest) -> HttpResponse:
    filterset = TrackFilterSet(request.GET or None, queryset=track_list(), request=request)
    tracks = filterset.qs.distinct() if filterset.is_bound else filterset.queryset
    if filterset.is_bound and not tracks and refuse_unknown_slugs(filterset):  # named, and read without them
        tracks = filterset.qs.distinct()
    return render(
        request,
        "curriculum/track_list.html",
        {
            "tracks": tracks,
            "diagram": path_diagram(track_path()),
            "filterset": filterset,
            "levels": Level.choices,
            "segments": segment_list(),
            "level": request.GET.get("level", ""),
            "segment": request.GET.get("segment", ""),
        },
    )


def _skill_evidence(segments: list, skills: list) -> tuple[dict[int, list], DemandWindow]:
    """For each skill id: ``[(segment, SkillFigures), ...]`` over the given segments, from cached figures; and the
    demand window those figures cover."""
    demand = track_evidence(segment_ids=[s.pk for s in segments], skill_ids=[k.pk for k in skills])
    figures = demand["evidence"]
    evidence = {skill.pk: [(segment, figures.get((segment.pk, skill.pk))) for segment in segments] for skill in skills}
    return evidence, demand["window"]


def _skill_tiers(segments: list) -> dict[tuple[int, int], tuple[str, ...]]:
    """The tiers of every skill in each of ``segments`` over the window: ``{(segment id, skill id): tiers}``."""
    if not segments:
        return {}
    table = demand_tiers(segment_ids=[segment.pk for segment in segments])
    return {(segment_id, row.skill_id): row.tiers for segment_id, rows in table.segments.items() for row in rows}


def track_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A track: where it sits on the learning path, its modules (each with the skills it teaches), then a
    summary of its coverage; each skill's demand evidence is on the module pages and the coverage page."""
    preview = can_see_drafts(request, "curriculum", "track")
    track = track_get(slug=slug, include_unpublished=preview)
    if track is None:
        raise Http404("No such track.")
    return render(
        request,
        "curriculum/track_detail.html",
        {
            "track": track,
            "preview": preview,
            "segments": list(track.segments.all()),
            "modules": list(track.modules.all()),
            "prerequisites": list(track.prerequisites.all()),
            "next_tracks": list(track.next_tracks.all()),
        },
    )


def track_coverage_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A track's whole coverage: per segment (cumulative and own) with every gap and surplus, the tracks
    before it whose teaching counts, skills taught again, and the demand behind each module's skills."""
    preview = can_see_drafts(request, "curriculum", "track")
    track = track_get_with_modules(slug=slug, include_unpublished=preview)
    if track is None:
        raise Http404("No such track.")
    segments = list(track.segments.all())
    modules = list(track.modules.all())
    skills = {skill.pk: skill for module in modules for skill in module.skills.all()}
    evidence, window = _skill_evidence(segments, list(skills.values()))
    return render(
        request,
        "curriculum/track_coverage.html",
        {
            "window": window,
            "tier_rules": tier_rules(window),
            "min_sample": MIN_SAMPLE,
            "track": track,
            "preview": preview,
            "coverage": track_coverage_detail(track=track, include_unpublished=preview, history=0, evidence=False),
            "modules": [
                (module, [(skill, evidence[skill.pk]) for skill in module.skills.all()]) for module in modules
            ],
        },
    )


def module_detail_view(request: HttpRequest, track_slug: str, slug: str) -> HttpResponse:
    preview = can_see_drafts(request, "curriculum", "module")
    module = module_get(track_slug=track_slug, slug=slug, include_unpublished=preview)
    if module is None:
        raise Http404("No such module.")
    segments = list(module.track.segments.all())
    skills = list(module.skills.all())
    evidence, window = _skill_evidence(segments, skills)
    tiers = _skill_tiers(segments)
    siblings = list(module.track.modules.all())
    position = next((i for i, m in enumerate(siblings) if m.pk == module.pk), None)
    return render(
        request,
        "curriculum/module_detail.html",
        {
            "module": module,
            "window": window,
            "track": module.track,
            "segments": segments,
            # per skill: (segment, its figures there, its tiers there) for each of the track's segments
            "skills": [
                (skill, [(seg, figures, tiers.get((seg.pk, skill.pk), ())) for seg, figures in evidence[skill.pk]])
                for skill in skills
            ],
            "tier_rules": tier_rules(window),
            "min_sample": MIN_SAMPLE,
            "prerequisites": module.prerequisite_list,
            "resources": list(module.resources.all()),
            "exercises": list(module.exercises.all()),
            "self_check": list(module.self_check_questions.all()),
            "previous": siblings[position - 1] if position else None,
            "next": siblings[position + 1] if position is not None and position + 1 < len(siblings) else None,
        },
    )
