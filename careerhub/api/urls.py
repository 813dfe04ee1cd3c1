"""Every route of the API, under ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from postings.api.views import PostingViewSet

router = DefaultRouter()
router.register("postings", PostingViewSet, basename="posting")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
]
