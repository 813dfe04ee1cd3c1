"""The learners' site: what each page shows, what it never shows (drafts), and how many queries it makes."""

import re

import pytest
from django.db import connection
from django.test import TestCase, override_settings

from postings.demand.engine import recompute_all
from segments.models import Segment
from tests.conftest import fresh_copy, shared_by_module
from tests.factories import ModuleFactory, PostingFactory, SegmentFactory, SkillFactory, TrackFactory, make_editor
from tests.world import NOW, add_postings, build_world

pytestmark = pytest.mark.django_db

SECRETS = ["Secret segment", "Secret skill", "Secret track", "Hidden module", "Unfinished module"]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once for the module; each test's writes are rolled back after it."""
    yield from shared_by_module(django_db_blocker, lambda: build_world(TestCase.captureOnCommitCallbacks))


@pytest.fixture
def world(shared_world, db):
    return fresh_copy(shared_world)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def assert_no_secrets(body: str) -> None:
    for secret in SECRETS:
        assert secret not in body
    assert "secret-" not in body  # no link to a draft either


def public_urls(world) -> list[str]:
    return [
        "/",
        "/segments/",
        world.segment.get_absolute_url(),
        "/tracks/",
        world.track.get_absolute_url(),
        world.module.get_absolute_url(),
        "/skills/",
        world.kubernetes.get_absolute_url(),
        "/postings/",
        world.postings[0].get_absolute_url(),
        "/search/?q=secret",
        "/sitemap.xml",
        "/sitemap-modules.xml",
        "/sitemap-skills.xml",
        "/sitemap-tracks.xml",
        "/sitemap-segments.xml",
    ]


def test_no_public_page_shows_or_links_a_draft(client, world):
    for url in public_urls(world):
        assert_no_secrets(page(client, url))


def test_every_html_page_has_one_h1_a_title_a_description_and_a_canonical_url(client, world):
    for url in public_urls(world)[:11]:
        body = page(client, url)
        assert len(re.findall(r"<h1[ >]", body)) == 1, url
        assert re.search(r"<title>[^<]+ · CareerHub</title>", body), url
        assert re.search(r'<meta name="description" content="[^"]{20,}">', body), url
        path = url.split("?")[0]
        assert f'<link rel="canonical" href="http://testserver{path}">' in body, url
        assert '<main id="main"' in body and '<nav aria-label="Main">' in body


def test_segment_page_shows_top_skills_with_shares_directions_chart_and_tracks(client, world):
    body = page(client, world.segment.get_absolute_url())
    assert "asked for in 50% of Financial services postings, rising" in body
    assert "asked for in 100% of Financial services postings, stable" in body
    assert 'id="top-skills-chart"' in body and 'role="img"' in body
    assert '<th scope="row">Kubernetes</th><td>40</td><td>80</td><td>50%</td><td>rising (+50.0 points)</td>' in body
    assert "80 published postings in the 12 months to October 2026 (complete months only)" in body
    assert 'id="trend-chart"' in body  # the share over time, with its data table
    assert '<tr><th scope="row">Oct 2026</th><td>100% (40 of 40)</td><td>75% (30 of 40)</td></tr>' in body
    assert "ML Platform Engineer" in body


def test_too_few_postings_show_no_share(client, world):
    small = SegmentFactory(name="Healthcare", slug="healthcare")
    add_postings(segment=small, employer=world.employer, day=NOW, count=5, skills={world.kubernetes: 5}, prefix="h")
    recompute_all()
    body = page(client, small.get_absolute_url())
    assert "too few Healthcare postings to show a share (5, fewer than 30)" in body
    assert "too few postings (5, fewer than 30)" in body  # on the bar itself
    assert "100%" not in body.split('id="top-skills-heading"')[1].split("</section>")[0].replace("100%;", "")
    assert "Not enough postings yet to draw demand over time" in body


def test_segment_without_postings_says_so(client, db):
    segment = SegmentFactory()
    body = page(client, segment.get_absolute_url())
    assert "No demand figures yet" in body and '<svg class="chart"' not in body


def test_track_page_lists_modules_and_skills_and_its_coverage_page_gives_each_skill_its_evidence(client, world):
    body = page(client, world.track.get_absolute_url())
    assert 'href="/tracks/ml-platform-engineer/modules/orchestration/"' in body
    assert f'<a href="{world.kubernetes.get_absolute_url()}">Kubernetes</a>' in body
    assert 'id="coverage"' in body
    assert "asked for in 50% of Financial services postings" not in body  # on the module and coverage pages
    assert_no_secrets(body)
    detail = page(client, "/tracks/ml-platform-engineer/coverage/")
    assert "asked for in 50% of Financial services postings, rising" in detail
    assert_no_secrets(detail)


def cards(body: str) -> str:
    """The track list's cards (the filtered list), after the learning path that shows every track."""
    return body.split("<h2>All tracks</h2>")[1]


def test_track_list_filters_by_level_and_segment_and_names_a_bad_filter(client, world):
    other = TrackFactory(title="Architect path", level="architect")
    body = cards(page(client, "/tracks/?segment=financial-services"))
    assert "ML Platform Engineer" in body and "Architect path" not in body
    body = cards(page(client, "/tracks/?level=architect"))
    assert "Architect path" in body and "ML Platform Engineer" not in body
    body = page(client, "/tracks/?segment=secret-segment")  # a draft is not a valid choice
    assert "Some filters were ignored" in body and "segment (slug): Select a valid choice" in body
    assert other.title in body  # the bad filter is ignored, nothing is lost


def test_module_page_shows_skills_with_evidence_and_neighbours(client, world):
    second = ModuleFactory(track=world.track, title="Serving", slug="serving", order=3)
    body = page(client, world.module.get_absolute_url())
    assert "<h1>Orchestration</h1>" in body
    # one row per skill, one column per segment of the track: the share, its direction and its tiers
    kubernetes = body.split(f'<a href="{world.kubernetes.get_absolute_url()}">Kubernetes</a></th>')[1].split("</tr>")[0]
    assert '<td>50%, rising <span class="badge">core</span>' in kubernetes
    assert "How the tiers are decided" in body
    assert f'href="{second.get_absolute_url()}" rel="next"' in body  # the draft module in between is skipped
    assert_no_secrets(body)


@pytest.mark.parametrize("which", ["draft_module", "module_of_draft_track"])
def test_draft_modules_are_reachable_by_editors_only(client, world, which):
    module = getattr(world, which)
    page(client, module.get_absolute_url(), 404)
    client.force_login(make_editor())
    body = page(client, module.get_absolute_url())
    assert "Preview: this" in body and '<meta name="robots" content="noindex">' in body


def test_skill_page_shows_demand_per_segment_skills_asked_together_and_where_it_is_taught(client, world):
    body = page(client, world.kubernetes.get_absolute_url())
    assert 'id="segment-share-chart"' in body and 'id="demand-chart"' in body
    assert '<th scope="row">Financial services</th><td>40</td><td>80</td><td>50%</td>' in body
    together = body.split('id="together-heading"')[1].split("</section>")[0]
    assert "Python" in together and "Secret skill" not in together
    assert "Orchestration" in body and "ML Platform Engineer" in body
    assert_no_secrets(body)


def test_skill_list_filters_by_category_and_name(client, world):
    SkillFactory(name="Terraform")
    body = page(client, "/skills/?q=kube")
    assert "Kubernetes" in body and "Terraform" not in body and "Python" not in body
    body = page(client, "/skills/?category=containers")
    assert "Kubernetes" in body and "Terraform" not in body
    assert "Select a valid choice" in page(client, "/skills/?category=nope")


def test_home_lists_rising_skills(client, world):
    # Kubernetes: 10 of 40 postings in May-Jul 2026, 30 of 40 in Aug-Oct; Python in all of them both times
    body = page(client, "/")
    rising = body.split('id="rising-heading"')[1].split("</section>")[0]
    assert "Kubernetes</a>: +50.0 points, now asked for in 30 of 40 postings" in rising
    assert "Python" not in rising and "Secret skill" not in rising
    periods = "Aug\N{EN DASH}Oct 2026 against May\N{EN DASH}Jul 2026"
    assert f"Its share in {periods} grew by at least 2 percentage points" in rising


@override_settings(DEBUG=False)
def test_robots_and_sitemap(client, world):
    robots = page(client, "/robots.txt")
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots
    index = page(client, "/sitemap.xml")
    assert "sitemap-segments.xml" in index and "sitemap-postings.xml" in index
    urls = "".join(
        page(client, f"/sitemap-{section}.xml")
        for section in ["pages", "segments", "tracks", "modules", "skills", "postings"]
    )
    for obj in [world.segment, world.track, world.module, world.kubernetes, world.postings[0]]:
        assert f"http://testserver{obj.get_absolute_url()}" in urls
    for obj in [
        world.draft_segment,
        world.draft_track,
        world.draft_module,
        world.module_of_draft_track,
        world.draft_skill,
    ]:
        assert obj.get_absolute_url() not in urls


@override_settings(DEBUG=False)
def test_server_errors_get_the_friendly_500(client, monkeypatch):
    from careerhub import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "segment_list", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_hostile_editorial_content_is_escaped(client, db):
    long_word = "A" * 500
    segment = SegmentFactory(
        name="<script>alert(1)</script> Seg",
        slug="hostile",
        summary=f"<img src=x onerror=alert(1)> {long_word}",
        looks_for=["<b>bold</b>", "ünïcödé ‮reversed"],
    )
    body = page(client, segment.get_absolute_url())
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body and "<b>bold</b>" not in body
    assert long_word in body  # kept whole; the stylesheet wraps it (checked in the browser tests)


# --- Query counts: the same for one item or many, and lower once demand figures are cached -------------

QUERIES = {
    # (cold cache, warm cache)
    "home": (7, 5),
    "segment": (12, 5),  # with the coverage rows of its best path (none computed in this world)
    # with its prerequisites and next tracks, and the coverage section's query (not computed in this world);
    # no demand figures: each skill's evidence is on the module and coverage pages
    "track": (7, 7),
    # with the module's resources, exercises, self-check questions, prerequisites and its skills' tiers
    "module": (12, 8),
    "skill": (13, 5),
}


def detail_url(world, kind: str) -> str:
    return {
        "home": "/",
        "segment": world.segment.get_absolute_url(),
        "track": world.track.get_absolute_url(),
        "module": world.module.get_absolute_url(),
        "skill": world.kubernetes.get_absolute_url(),
    }[kind]


@pytest.mark.parametrize("kind", QUERIES)
@pytest.mark.parametrize("extra", [0, 6])
def test_demand_pages_make_a_fixed_number_of_queries(client, world, django_assert_num_queries, kind, extra):
    for n in range(extra):  # more segments, tracks, modules and skills must not mean more queries
        segment = SegmentFactory()
        world.track.segments.add(segment)
        ModuleFactory(track=world.track, order=10 + n).skills.add(SkillFactory(), world.kubernetes)
        world.module.skills.add(SkillFactory())
        TrackFactory().segments.add(world.segment)
    add_postings(
        segment=Segment.objects.last(),
        employer=world.employer,
        day=NOW,
        count=3 * extra + 1,
        skills={world.kubernetes: extra},
        prefix="x",
    )
    recompute_all()
    cold, warm = QUERIES[kind]
    with django_assert_num_queries(cold):
        page(client, detail_url(world, kind))
    with django_assert_num_queries(warm):
        page(client, detail_url(world, kind))



# Queries on PostgreSQL and elsewhere. A word in no posting: the two probes, then no list query at all
# (no id to read) on PostgreSQL; elsewhere the list query finds nothing.
WORDS = {"common words": (6, 5), "a rare word": (4, 3)}


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/segments/", 1),
        ("/tracks/", 5),  # with the learning path: its tracks (with their coverage) and links
        ("/tracks/?level=engineer&segment=financial-services", 5),  # the slug matched in the main query
        ("/skills/", 5),  # skills, categories, segments, and the demand figures (totals, counts) on a cold cache
        ("/skills/?q=kube&category=containers", 5),
        ("/skills/?segment=financial-services&tier=core&sort=name", 5),  # the segment found among those listed
        ("/postings/", 4),
        # Three slugs, none looked up before the list: matched in its query.
        ("/postings/?segment=financial-services&skill=kubernetes&employer=harbor-trust-bank&posted_from=2026-01-01", 4),
        # The employers named so first, then their postings.
        ("/postings/?employer_name=harbor&q=kubernetes+engineer", "common words"),
        ("/postings/?q=zyzzyva", "a rare word"),
        ("/search/?q=kubernetes", "search"),
        ("/search/?q=", 0),
    ],
)
@pytest.mark.parametrize("extra", [0, 25])
def test_list_pages_make_a_fixed_number_of_queries(client, world, django_assert_num_queries, url, queries, extra):
    if queries == "search":
        # One query for every kind of content on PostgreSQL; elsewhere one per kind, and one for the
        # spellings of the skills' names and aliases (difflib's near spellings).
        queries = 1 if connection.vendor == "postgresql" else 6
    elif queries in WORDS:
        # On PostgreSQL the words are first counted among the newest postings (one query); a rare word's
        # postings are then looked up in the search index (one more): postings.filters.rare_word_postings.
        queries = WORDS[queries][0 if connection.vendor == "postgresql" else 1]
    for _ in range(extra):
        PostingFactory(segment=world.segment, employer=world.employer, title="Kubernetes engineer").skills.add(
            world.kubernetes, SkillFactory()
        )
        TrackFactory().segments.add(world.segment)
    with django_assert_num_queries(queries):
        page(client, url)


def test_posting_detail_makes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    with django_assert_num_queries(2):
        page(client, world.postings[0].get_absolute_url())
