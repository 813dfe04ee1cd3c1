"""Every route of the API, under ``/api/v1/``, with its OpenAPI schema and Swagger UI."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from curriculum.api.views import LearningPathView, ModuleViewSet, TrackViewSet
from curriculum.coverage.api import CoverageViewSet, TrackCoverageView
from curriculum.readiness.api import JobAdView, ReadinessView
from postings.api.demand import DemandViewSet
from postings.api.views import EmployerViewSet, PostingViewSet, SkillCategoryViewSet, SkillViewSet
from segments.api.views import SegmentViewSet

router = DefaultRouter()
router.register("segments", SegmentViewSet, basename="segment")
router.register("tracks", TrackViewSet, basename="track")
router.register("modules", ModuleViewSet, basename="module")
router.register("skills", SkillViewSet, basename="skill")
router.register("skill-categories", SkillCategoryViewSet, basename="skill-category")
router.register("employers", EmployerViewSet, basename="employer")
router.register("postings", PostingViewSet, basename="posting")
router.register("demand", DemandViewSet, basename="demand")
router.register("coverage", CoverageViewSet, basename="coverage")


@csrf_exempt
def not_found(request, path=""):
    """Any other path under /api/v1/: a 404 in the API's error format, not the site's HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": []}, status=404)


app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split: the page loads its start-up script from ?script, as the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tracks/<slug:slug>/coverage/", TrackCoverageView.as_view(), name="track-coverage"),
    path("path/", LearningPathView.as_view(), name="path"),
    path("readiness/", ReadinessView.as_view(), name="readiness"),
    path("postings/analyze/", JobAdView.as_view(), name="postings-analyze"),  # before the router's postings/<pk>/
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", not_found),
]
