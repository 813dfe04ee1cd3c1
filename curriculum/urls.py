from django.urls import path

from . import views
from .readiness import views as readiness

app_name = "curriculum"
urlpatterns = [
    path("", views.track_list_view, name="track-list"),
    path("<slug:slug>/", views.track_detail_view, name="track-detail"),
    path("<slug:slug>/coverage/", views.track_coverage_view, name="track-coverage"),
    path("<slug:track_slug>/modules/<slug:slug>/", views.module_detail_view, name="module-detail"),
]

# /readiness/: a learner against the segments (included by the project's urls under its own prefix).
readiness_patterns = (
    [
        path("", readiness.readiness_view, name="page"),
        path("job-ad/", readiness.job_ad_view, name="job-ad"),
    ],
    "readiness",
)
