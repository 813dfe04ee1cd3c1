"""sitemap.xml: every public page, and nothing else (``careerhub.core.visibility.public``: no draft, no module
of a draft track, no posting of a draft segment)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

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
