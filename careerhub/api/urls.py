"""Every route of the API, under ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from curriculum.coverage.api import CoverageViewSet, TrackCoverageView
from postings.api.views import PostingViewSet

router = DefaultRouter()
router.register("postings", PostingViewSet, basename="posting")
router.register("coverage", CoverageViewSet, basename="coverage")

app_name = "api"
urlpatterns = [
    path("tracks/<slug:slug>/coverage/", TrackCoverageView.as_view(), name="track-coverage"),
    path("", include(router.urls)),
]
