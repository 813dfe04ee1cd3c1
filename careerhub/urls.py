from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("segments/", include("segments.urls")),
    path("tracks/", include("curriculum.urls")),
    path("skills/", include("postings.urls")),
    path("api/v1/", include("careerhub.api.urls")),
    path("admin/", admin.site.urls),
]
