from django.contrib import admin
from django.contrib.sitemaps.views import index, sitemap
from django.urls import include, path

from curriculum.urls import readiness_patterns

from . import health, views
from .sitemaps import SITEMAPS, cached_sitemap

# A database outage raised outside a view answers 503 too (careerhub/core/unavailable.py).
handler500 = "careerhub.core.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("search/", views.search_view, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cached_sitemap(index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", cached_sitemap(sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("segments/", include("segments.urls")),
    path("tracks/", include("curriculum.urls")),
    path("readiness/", include(readiness_patterns)),
    path("", include("postings.urls")),
    path("api/v1/", include("careerhub.api.urls")),
    path("admin/", admin.site.urls),
]
