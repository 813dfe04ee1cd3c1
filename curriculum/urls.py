from django.urls import path

from . import views

app_name = "curriculum"
urlpatterns = [
    path("", views.track_list_view, name="track-list"),
    path("<slug:slug>/", views.track_detail_view, name="track-detail"),
    path("<slug:slug>/coverage/", views.track_coverage_view, name="track-coverage"),
    path("<slug:track_slug>/modules/<slug:slug>/", views.module_detail_view, name="module-detail"),
]
