"""The benchmark's baseline: each API list endpoint's rows as bare views (``values()`` and JSON), no DRF.

``bench/api.py`` serves this module with gunicorn beside the API (``--pythonpath bench
bare_site:application``): the whole site as deployed, plus ``/bare/<name>/`` for each benchmarked
endpoint. A bare view reads the rows the public sees on the endpoint's first page (same filters,
order and page size, nested lists included) with ``values()`` in as few queries as plain SQL needs,
and returns them as JSON through the same middleware. What the API adds on top of it (DRF's
request, the FilterSet, the serializer, the ETag) is what the benchmark's ratio measures.
"""

import datetime
import os
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerhub.settings.base")

from django.conf import settings

from careerhub.wsgi import application  # noqa: F401  the site as deployed, its web database sessions included

settings.ROOT_URLCONF = __name__  # the site's routes and the bare views below

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum, Window  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from careerhub.core.markdown import render_markdown  # noqa: E402
from curriculum.coverage.models import SegmentCoverage  # noqa: E402
from curriculum.models import Exercise, Module, Resource, SelfCheckQuestion, Track  # noqa: E402
from postings.demand.models import SegmentMonthTotal, SkillDemand  # noqa: E402
from postings.demand.selectors import demand_row_list  # noqa: E402
from postings.models import Employer, Posting, PostingSkill, Skill, SkillAlias, SkillCategory  # noqa: E402
from segments.models import Segment  # noqa: E402

PAGE = 50
PUBLISHED = "published"


def _page(rows, **extra) -> JsonResponse:
    return JsonResponse({**extra, "results": rows}, json_dumps_params={"ensure_ascii": False})


def _counted(queryset, fields, limit=PAGE) -> tuple[int, list[dict]]:
    rows = list(queryset.annotate(total_rows=Window(Count("*"))).values(*fields, "total_rows")[:limit])
    total = rows[0]["total_rows"] if rows else 0
    for row in rows:
        del row["total_rows"]
    return total, rows


def postings(request, segment: str | None = None, skill: str | None = None) -> JsonResponse:
    queryset = Posting.objects.filter(status=PUBLISHED, segment__status=PUBLISHED)
    if segment:
        queryset = queryset.filter(segment__slug=segment)
    if skill:
        links = PostingSkill.objects.filter(posting=OuterRef("pk"), skill__slug=skill, skill__status=PUBLISHED)
        queryset = queryset.filter(Exists(links.exclude(state="rejected")))
    rows = list(
        queryset.order_by("-posted_on", "-id").values(
            "id", "external_id", "source", "title", "employer__name", "segment__slug", "posted_on", "location",
            "url", "description", "version",
        )[:PAGE]
    )
    links = defaultdict(list)
    for link in (
        PostingSkill.objects.filter(posting_id__in=[row["id"] for row in rows], skill__status=PUBLISHED)
        .exclude(state="rejected")
        .order_by("start", "skill__name")
        .values("posting_id", "skill__slug", "skill__name", "state", "matched_text", "start", "end")
    ):
        links[link.pop("posting_id")].append(link)
    for row in rows:
        row["skills"] = links[row["id"]]
    return _page(rows, next=None, previous=None)


def postings_filtered(request) -> JsonResponse:
    return postings(request, segment="big-tech", skill="kubernetes")


def skills(request) -> JsonResponse:
    total, rows = _counted(
        Skill.objects.filter(status=PUBLISHED).order_by("name"),
        ("id", "slug", "name", "category__slug", "category__name", "type", "description", "name_ambiguous",
         "updated_at", "version"),
    )
    ids = [row["id"] for row in rows]
    aliases = defaultdict(list)
    for skill_id, text in SkillAlias.objects.filter(skill_id__in=ids).order_by("text").values_list("skill_id", "text"):
        aliases[skill_id].append(text)
    taught = defaultdict(list)
    for row in (
        Module.skills.through.objects.filter(
            skill_id__in=ids, module__status=PUBLISHED, module__track__status=PUBLISHED
        )
        .order_by("module__track__display_order", "module__track__title", "module__order")
        .values("skill_id", "module__track__slug", "module__track__title", "module__slug", "module__title")
    ):
        taught[row.pop("skill_id")].append(row)
    for row in rows:
        row["aliases"], row["taught_in"] = aliases[row["id"]], taught[row.pop("id")]
    return _page(rows, count=total, next=None, previous=None)


def tracks(request) -> JsonResponse:
    total, rows = _counted(
        Track.objects.filter(status=PUBLISHED).order_by("display_order", "title"),
        ("id", "slug", "title", "level", "summary", "display_order", "updated_at", "version"),
    )
    ids = [row["id"] for row in rows]
    segments, prerequisites = defaultdict(list), defaultdict(list)
    for track_id, slug in Track.segments.through.objects.filter(
        track_id__in=ids, segment__status=PUBLISHED
    ).values_list("track_id", "segment__slug"):
        segments[track_id].append(slug)
    for track_id, slug in (
        Track.prerequisites.through.objects.filter(from_track_id__in=ids, to_track__status=PUBLISHED)
        .order_by("to_track__display_order", "to_track__title")
        .values_list("from_track_id", "to_track__slug")
    ):
        prerequisites[track_id].append(slug)
    for row in rows:
        row["prerequisites"] = prerequisites[row["id"]]
        row["segments"] = segments[row.pop("id")]
    return _page(rows, count=total, next=None, previous=None)


def modules(request) -> JsonResponse:
    total, rows = _counted(
        Module.objects.filter(status=PUBLISHED, track__status=PUBLISHED).order_by(
            "track__display_order", "track__title", "order", "id"
        ),
        ("id", "track__slug", "order", "slug", "title", "summary", "outcomes", "body", "hours", "updated_at",
         "version"),
    )
    ids = [row["id"] for row in rows]
    lists = {name: defaultdict(list) for name in ("skills", "resources", "exercises", "self_check", "prerequisites")}
    for row in (
        Module.skills.through.objects.filter(module_id__in=ids, skill__status=PUBLISHED)
        .order_by("skill__name")
        .values("module_id", "skill__slug", "skill__name", "skill__category__slug")
    ):
        lists["skills"][row.pop("module_id")].append(row)
    for name, model, fields in (
        ("resources", Resource, ("title", "url", "kind", "free", "minutes", "note")),
        ("exercises", Exercise, ("title", "brief", "acceptance_criteria", "hours")),
        ("self_check", SelfCheckQuestion, ("question", "answer")),
    ):
        for row in model.objects.filter(module_id__in=ids).order_by("order", "id").values("module_id", *fields):
            lists[name][row.pop("module_id")].append(row)
    for module_id, track, slug in (
        Module.prerequisites.through.objects.filter(
            from_module_id__in=ids, to_module__status=PUBLISHED, to_module__track__status=PUBLISHED
        )
        .order_by("to_module__track__display_order", "to_module__track__title", "to_module__order")
        .values_list("from_module_id", "to_module__track__slug", "to_module__slug")
    ):
        lists["prerequisites"][module_id].append(f"{track}/{slug}")
    for row in rows:
        row["body_html"] = render_markdown(row["body"])
        for name, by_module in lists.items():
            row[name] = by_module[row["id"]]
    return _page(rows, count=total, next=None, previous=None)


def segments(request) -> JsonResponse:
    total, rows = _counted(
        Segment.objects.filter(status=PUBLISHED).order_by("display_order", "name"),
        ("slug", "name", "summary", "optimises_for", "looks_for", "pitfalls", "sample_employers", "focus_areas",
         "display_order", "updated_at", "version"),
    )
    return _page(rows, count=total, next=None, previous=None)


def skill_categories(request) -> JsonResponse:
    total, rows = _counted(
        SkillCategory.objects.annotate(skill_count=Count("skills", filter=Q(skills__status=PUBLISHED))).order_by(
            "display_order", "name"
        ),
        ("slug", "name", "description", "display_order", "skill_count"),
    )
    return _page(rows, count=total, next=None, previous=None)


def employers(request) -> JsonResponse:
    segment_ids = list(Segment.objects.filter(status=PUBLISHED).values_list("id", flat=True))
    public = Posting.objects.filter(employer=OuterRef("pk"), status=PUBLISHED, segment_id__in=segment_ids)
    total, rows = _counted(Employer.objects.filter(Exists(public)).order_by("name"), ("slug", "name", "website"))
    return _page(rows, count=total, next=None, previous=None)


def demand(request) -> JsonResponse:
    # The API's rows (with each cell's month total and rank, as the selector computes them), as plain values.
    rows = list(
        demand_row_list()
        .filter(segment__slug="big-tech")
        .values("segment__slug", "skill__slug", "skill__name", "skill__category__slug", "month", "postings",
                "total", "rank")[:PAGE]
    )
    for row in rows:
        row["month"] = f"{row['month']:%Y-%m}"
        row["share"] = round(row["postings"] / row["total"], 4) if row["total"] else None
    return _page(rows, next=None, previous=None)


def demand_top(request) -> JsonResponse:
    segment_id = Segment.objects.filter(slug="big-tech", status=PUBLISHED).values_list("id", flat=True).get()
    latest = SegmentMonthTotal.objects.filter(segment_id=segment_id).aggregate(m=Max("month"))["m"]
    first = datetime.date(latest.year - (latest.month <= 11), (latest.month - 12) % 12 + 1, 1)
    period = {"segment_id": segment_id, "month__gte": first, "month__lte": latest}
    total = SegmentMonthTotal.objects.filter(**period).aggregate(n=Sum("postings"))["n"] or 0
    rows = list(
        SkillDemand.objects.filter(**period, skill__status=PUBLISHED)
        .values("skill_id", "skill__slug", "skill__name", "skill__category__slug")
        .annotate(postings=Sum("postings"))
        .order_by("-postings", "skill_id")[:20]
    )
    for row in rows:
        row["share"] = round(row["postings"] / total, 4) if total else None
    return _page(rows, segment="big-tech", period_from=f"{first:%Y-%m}", period_to=f"{latest:%Y-%m}", total=total)


def coverage(request) -> JsonResponse:
    total, rows = _counted(
        SegmentCoverage.objects.filter(
            track_coverage__track__status=PUBLISHED, segment__status=PUBLISHED
        ).order_by("track_coverage__track__display_order", "track_coverage__track__title", "segment__name"),
        ("segment__slug", "segment__name", "coverage", "own_coverage", "postings", "demand_skills",
         "taught_demand_skills", "own_taught_demand_skills", "gaps",
         "surplus", "track_coverage__track__slug", "track_coverage__track__title", "track_coverage__track__level",
         "track_coverage__as_of", "track_coverage__computed_at"),
        limit=100,
    )
    ids = {item["skill"] for row in rows for item in (*row["gaps"], *row["surplus"])}
    names = {
        pk: (slug, name)
        for pk, slug, name in Skill.objects.filter(pk__in=ids, status=PUBLISHED).values_list("id", "slug", "name")
    }
    for row in rows:
        for key in ("gaps", "surplus"):
            row[key] = [
                {"skill": names[item["skill"]][0], "name": names[item["skill"]][1], **item}
                for item in row[key]
                if item["skill"] in names
            ]
    return _page(rows, count=total, next=None, previous=None)


# The API path each bare view stands for, as bench/api.py names the endpoints.
BARE = {
    "/api/v1/postings/": postings,
    "/api/v1/postings/?segment=big-tech&skill=kubernetes": postings_filtered,
    "/api/v1/skills/": skills,
    "/api/v1/tracks/": tracks,
    "/api/v1/demand/?segment=big-tech": demand,
    "/api/v1/demand/top/?segment=big-tech": demand_top,
    "/api/v1/segments/": segments,
    "/api/v1/modules/": modules,
    "/api/v1/skill-categories/": skill_categories,
    "/api/v1/employers/": employers,
    "/api/v1/coverage/": coverage,
}


def bare_path(endpoint: str) -> str:
    return f"/bare/{BARE[endpoint].__name__}/"


urlpatterns = [path(bare_path(endpoint)[1:], view) for endpoint, view in BARE.items()]
urlpatterns.append(path("", include("careerhub.urls")))
