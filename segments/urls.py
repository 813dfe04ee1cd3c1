from django.urls import path

from . import views

app_name = "segments"
urlpatterns = [
    path("", views.segment_list_view, name="list"),
    path("compare/", views.segment_compare_view, name="compare"),  # before the slug: "compare" is no segment
    path("<slug:slug>/", views.segment_detail_view, name="detail"),
]
