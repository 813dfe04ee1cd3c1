"""Every route of the API, under ``/api/v1/``, with its OpenAPI schema and Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from curriculum.api.views import ModuleViewSet, TrackViewSet
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

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
