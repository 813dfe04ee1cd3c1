from django.urls import path

from . import views

app_name = "postings"
urlpatterns = [
    path("", views.skill_list_view, name="skill-list"),
    path("<slug:slug>/", views.skill_detail_view, name="skill-detail"),
]
