from django.urls import path

from . import views

app_name = "postings"
urlpatterns = [
    path("skills/", views.skill_list_view, name="skill-list"),
    path("skills/<slug:slug>/", views.skill_detail_view, name="skill-detail"),
    path("postings/", views.posting_list_view, name="posting-list"),
    path("postings/<int:pk>/", views.posting_detail_view, name="posting-detail"),
]
