"""sitemap.xml: every public page, and nothing else (``careerhub.core.visibility.public``: no draft, no module
of a draft track, no posting of a draft segment).

The sitemaps are cached whole (``cached_sitemap``), keyed by the content generation every published write
moves on (``careerhub.core.cache.content_changed``), so a crawler never reads a stale one: with 1,000,000
postings a page of 10,000 postings took 1 to 7 s to build (reversing and rendering 10,000 addresses, and
for the last pages an ``OFFSET`` of up to 990,000 rows), and a crawler asks for all hundred of them.
"""

from functools import wraps

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.db.models import Max
from django.urls import reverse

from careerhub.core.cache import CONTENT, generation
from careerhub.core.degrade import step_aside
from careerhub.core.visibility import public
from curriculum.models import Module, Track
from postings.models import Posting, Skill
from segments.models import Segment


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "home", "segments:list", "curriculum:track-list", "postings:skill-list", "postings:posting-list",
            "readiness:page",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class EditorialSitemap(Sitemap):
    model = None
    changefreq = "weekly"

    def items(self):
        return public(self.model.objects.all()).order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not a walk over every item (Django's default), which 100,000 postings make slow.
        return self.items().order_by().aggregate(latest=Max("updated_at"))["latest"]


class SegmentSitemap(EditorialSitemap):
    model = Segment
    priority = 0.7


class TrackSitemap(EditorialSitemap):
    model = Track
    priority = 0.7


class ModuleSitemap(EditorialSitemap):
    model = Module
    priority = 0.5

    def items(self):
        return public(Module.objects.all()).select_related("track").order_by("pk")


class SkillSitemap(EditorialSitemap):
    model = Skill
    priority = 0.6


class PostingSitemap(EditorialSitemap):
    model = Posting
    priority = 0.3
    limit = 10_000

    def items(self):
        return public(Posting.objects.all()).only("pk", "updated_at").order_by("-posted_on", "-id")


SITEMAPS = {
    "pages": StaticSitemap,
    "segments": SegmentSitemap,
    "tracks": TrackSitemap,
    "modules": ModuleSitemap,
    "skills": SkillSitemap,
    "postings": PostingSitemap,
}


SITEMAP_CACHE_SECONDS = 24 * 3600  # an entry of an old generation is never read again; this bounds its stay


def cached_sitemap(view):
    """``view`` (Django's sitemap index or section) answered from the cache while no published content changed.

    A cache outage builds the sitemap as before. Only complete answers (status 200) are kept.
    """

    @wraps(view)
    def cached(request, *args, **kwargs):
        try:
            key = f"sitemap:{generation(CONTENT)}:{request.get_full_path()}"
            found = cache.get(key)
        except Exception as error:
            step_aside("sitemap-cache", error, "the sitemap is built for this request")
            return view(request, *args, **kwargs)
        if found is not None:
            return found
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code == 200:
            try:
                cache.set(key, response, SITEMAP_CACHE_SECONDS)
            except Exception as error:
                step_aside("sitemap-cache", error, "the sitemap is not kept")
        return response

    return cached
