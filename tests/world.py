"""The worlds tests build, from a few small parts (``tests/factories.py`` holds the factories they use).

Parts, to compose:

- ``create_postings``: the one way a world makes postings, through the write service as production does.
- ``add_postings``: many alike postings of one employer on one day, the first few asking for each skill.
- ``skill_set``: skills of one category, by name.
- ``track_with_modules``: a track aimed at segments, with modules teaching skills.
- ``write_summaries``: demand summaries written directly, no postings: figures chosen to sit on a threshold.

Worlds, each fully known so tests can state their figures by hand:

- ``build_world(capture)``: the public pages (``PagesWorld``): two segments (one draft), skills (one draft),
  tracks and modules (some drafts), and postings in two periods so shares and directions are known.
- ``build_api_world()``: the API, one published and one unpublished item of every kind, demand computed.
- ``build_coverage_world()``: coverage, whose figures ``tests/curriculum`` computes by hand.
- ``build_tiers_world()``: demand summaries written by hand for the window, the trend rule and the tiers.
"""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from careerhub.core.editorial import Status
from curriculum.coverage import compute as coverage_compute
from curriculum.coverage import engine as coverage_engine
from curriculum.models import Module, Track
from postings.demand import engine as demand_engine
from postings.demand.models import SegmentMonthTotal, SkillDemand
from postings.demand.months import add_months
from postings.demand.services import demand_recompute_all
from postings.ingest.services import postings_import
from postings.models import Employer, Posting, Skill, SkillCategory
from postings.services import posting_set_skills
from segments.models import Segment
from tests.factories import (
    EmployerFactory,
    ExerciseFactory,
    ModuleFactory,
    ResourceFactory,
    SegmentFactory,
    SelfCheckQuestionFactory,
    SkillAliasFactory,
    SkillCategoryFactory,
    SkillFactory,
    TrackFactory,
    UserFactory,
    make_editor,
)

NOW = datetime.date(2026, 10, 5)
QUARTER_AGO = datetime.date(2026, 7, 5)
DRAFT = {"status": Status.DRAFT, "published_at": None}
ARCHIVED = {"status": Status.ARCHIVED, "published_at": None}


# --- Parts ---------------------------------------------------------------------------------------------------


def create_postings(rows: Iterable[dict]) -> list[Posting]:
    """Create postings from keyword rows (see ``_write_posting``): every world makes its postings here,
    through the one write path production uses."""
    return [_write_posting(**row) for row in rows]


def create_posting(**row) -> Posting:
    """One posting through ``create_postings``."""
    return create_postings([row])[0]


def add_postings(
    *,
    segment: Segment,
    employer: Employer,
    day: datetime.date,
    count: int,
    skills: dict[Skill, int],
    source: str = "test",
    prefix: str = "p",
) -> list[Posting]:
    """``count`` published postings on ``day``; the first ``n`` ask for each skill of ``skills``.

    The skills are given, not extracted, so the text mentioning Kubernetes and Python changes no count.
    """
    return create_postings(
        {
            "employer": employer,
            "segment": segment,
            "title": f"MLOps Engineer {prefix}{n}",
            "description": "We run Kubernetes and Python in production.",
            "posted_on": day,
            "source": source,
            "external_id": f"{prefix}-{day:%Y%m}-{n}",
            "skills": [skill for skill, wanted in skills.items() if n < wanted],
            "extract": False,
        }
        for n in range(count)
    )


def skill_set(names: Iterable[str], *, category: SkillCategory | None = None, **fields) -> list[Skill]:
    """Skills named ``names`` (slugs follow the names), all in ``category`` if given, else each in a new one."""
    if category is not None:
        fields["category"] = category
    return [SkillFactory(name=name, slug=slugify(name), **fields) for name in names]


def track_with_modules(
    *, segments: Iterable[Segment] = (), modules: Iterable[tuple[dict, Iterable[Skill]]] = (), **track_fields
) -> tuple[Track, list[Module]]:
    """A track aimed at ``segments``; each module is (its fields, the skills it teaches), ordered as given."""
    track = TrackFactory(**track_fields)
    track.segments.add(*segments)
    made = []
    for order, (fields, skills) in enumerate(modules, start=1):
        module = ModuleFactory(track=track, **{"order": order, **fields})
        module.skills.add(*skills)
        made.append(module)
    return track, made


def add_module_content(module: Module, *, prerequisites: Iterable[Module] = ()) -> Module:
    """Give a module what it teaches: outcomes, a Markdown body with a table and code, hours, a free and a
    paid resource, an exercise, two self-check questions, and ``prerequisites``."""
    module.outcomes = ["Deploy a model server to Kubernetes", "Roll a deployment back"]
    module.body = (
        "## Pods and deployments\n\nA *pod* runs one or more containers.\n\n"
        "| object | owns |\n|---|---|\n| Deployment | ReplicaSets |\n\n"
        "```sh\nkubectl rollout undo deployment/model-server\n```\n"
    )
    module.hours = Decimal("6.5")
    module.save()
    ResourceFactory(module=module, order=1, title="Kubernetes documentation", url="https://kubernetes.io/docs/",
                    kind="documentation", free=True, minutes=60, note="Read Concepts first")
    ResourceFactory(module=module, order=2, title="Kubernetes in Action", url="https://example.com/book",
                    kind="book", free=False, minutes=None)
    ExerciseFactory(module=module, order=1, title="Serve a model", brief="Deploy the model server.",
                    acceptance_criteria=["Answers on /predict", "Rolls back in one command"], hours=Decimal("2"))
    SelfCheckQuestionFactory(module=module, order=1, question="What owns a ReplicaSet?", answer="A Deployment.")
    SelfCheckQuestionFactory(module=module, order=2, question="How do you roll back?", answer="kubectl rollout undo.")
    module.prerequisites.add(*prerequisites)
    return module


def write_summaries(months: dict[tuple[Segment, datetime.date], tuple[int, dict[Skill, int]]]) -> None:
    """Demand summaries as the engine would store them, without postings behind them: for each (segment,
    month), its counted postings and how many of them ask for each skill; the all-segments rows are the sums.

    For tests of what is read from the summaries (shares, trends, tiers), whose figures must sit exactly on
    a threshold. Nothing that recounts from postings (a drain, a full recompute) may run after it.
    """
    provenance = {"computed_at": timezone.now(), "taxonomy_version": "test", "extractor_version": "test"}
    totals: dict[datetime.date, int] = {}
    cells: dict[tuple[datetime.date, Skill], int] = {}
    for (segment, month), (postings, skills) in months.items():
        SegmentMonthTotal.objects.create(segment=segment, month=month, postings=postings, **provenance)
        totals[month] = totals.get(month, 0) + postings
        for skill, asking in skills.items():
            SkillDemand.objects.create(segment=segment, skill=skill, month=month, postings=asking, **provenance)
            cells[(month, skill)] = cells.get((month, skill), 0) + asking
    for month, postings in totals.items():  # added to the all-segments rows of an earlier call, if any
        if not SegmentMonthTotal.objects.filter(segment=None, month=month).update(postings=F("postings") + postings):
            SegmentMonthTotal.objects.create(segment=None, month=month, postings=postings, **provenance)
    for (month, skill), asking in cells.items():
        everyone = SkillDemand.objects.filter(segment=None, skill=skill, month=month)
        if not everyone.update(postings=F("postings") + asking):
            SkillDemand.objects.create(segment=None, skill=skill, month=month, postings=asking, **provenance)


# --- The public pages ----------------------------------------------------------------------------------------


@dataclass
class PagesWorld:
    """Financial services, latest complete month (2026-10; the tests' demand "today" is 2026-11-15): 40 postings,
    all asking for Python, 30 for Kubernetes, 10 for the draft skill. A quarter before (2026-07): 40 postings,
    all asking for Python, 10 for Kubernetes. Over the 12 months to October 2026 Kubernetes is asked for in
    40 of 80 postings (50%), rising: 75% in Aug-Oct 2026 against 25% in May-Jul 2026 (+50 points)."""

    segment: Segment
    draft_segment: Segment
    kubernetes: Skill
    python: Skill
    draft_skill: Skill
    employer: Employer
    track: Track
    draft_track: Track
    module: Module
    draft_module: Module
    module_of_draft_track: Module
    postings: list[Posting]


World = PagesWorld  # the name the demand tests know it by


def build_world(capture) -> PagesWorld:
    """Build the pages' world and its demand summaries (``capture`` is django_capture_on_commit_callbacks)."""
    category = SkillCategoryFactory(name="Containers and orchestration", slug="containers")
    segment = SegmentFactory(name="Financial services", slug="financial-services")
    draft_segment = SegmentFactory(name="Secret segment", slug="secret-segment", **DRAFT)
    kubernetes, python = skill_set(["Kubernetes", "Python"], category=category)
    draft_skill = SkillFactory(name="Secret skill", slug="secret-skill", category=category, **DRAFT)
    employer = EmployerFactory(name="Harbor Trust Bank", slug="harbor-trust-bank")
    postings = add_postings(
        segment=segment,
        employer=employer,
        day=NOW,
        count=40,
        skills={python: 40, kubernetes: 30, draft_skill: 10},
        prefix="now",
    )
    postings += add_postings(
        segment=segment, employer=employer, day=QUARTER_AGO, count=40, skills={python: 40, kubernetes: 10},
        prefix="old",
    )
    track, (module, draft_module) = track_with_modules(
        title="ML Platform Engineer",
        slug="ml-platform-engineer",
        segments=[segment, draft_segment],
        modules=[
            ({"title": "Orchestration", "slug": "orchestration"}, [kubernetes, python, draft_skill]),
            ({"title": "Unfinished module", "slug": "unfinished", **DRAFT}, []),
        ],
    )
    draft_track, (module_of_draft_track,) = track_with_modules(
        title="Secret track", slug="secret-track", modules=[({"title": "Hidden module", "slug": "hidden"}, [])], **DRAFT
    )
    with capture(execute=True):
        demand_engine.recompute_all()
    return PagesWorld(
        segment,
        draft_segment,
        kubernetes,
        python,
        draft_skill,
        employer,
        track,
        draft_track,
        module,
        draft_module,
        module_of_draft_track,
        postings,
    )


# --- The API -------------------------------------------------------------------------------------------------

# Words that only unpublished content carries: none may appear in any public API response.
API_SECRETS = (
    "hidden-segment",
    "Hidden Segment",
    "secret-skill",
    "Secret Skill",
    "Draft track",
    "draft-track",
    "Draft module",
    "Stealth Corp",
    "stealth-corp",
    "Unpublished posting",
    "archived-track",
)
API_POSTING_TEXT = "Own CI/CD pipelines for training and inference on Kubernetes."


def build_api_world() -> dict:
    """One published and one unpublished item of every kind, with demand computed."""
    public_segment = SegmentFactory(slug="finance", name="Financial services")
    hidden_segment = SegmentFactory(slug="hidden-segment", name="Hidden Segment", **DRAFT)
    category = SkillCategoryFactory(slug="orchestration", name="Orchestration")
    k8s = SkillFactory(slug="kubernetes", name="Kubernetes", category=category)
    SkillAliasFactory(skill=k8s, text="k8s")
    docker = SkillFactory(slug="docker", name="Docker", category=SkillCategoryFactory(slug="containers"))
    secret = SkillFactory(slug="secret-skill", name="Secret Skill", category=category, **DRAFT)
    track, (module, draft_module) = track_with_modules(
        slug="platform",
        title="Platform track",
        segments=[public_segment, hidden_segment],
        modules=[
            ({"slug": "k8s-basics", "title": "Kubernetes basics"}, [k8s, secret]),
            ({"slug": "draft-module", "title": "Draft module", **DRAFT}, [k8s]),
        ],
    )
    draft_track, (module_of_draft_track,) = track_with_modules(
        slug="draft-track",
        title="Draft track",
        modules=[({"slug": "m-in-draft-track", "title": "Draft module too"}, [])],
        **DRAFT,
    )
    add_module_content(module, prerequisites=[draft_module, module_of_draft_track])
    track.prerequisites.add(draft_track)  # a link the public never sees
    TrackFactory(slug="archived-track", title="Archived track", **ARCHIVED)
    acme = EmployerFactory(slug="acme", name="Acme Bank")
    stealth = EmployerFactory(slug="stealth-corp", name="Stealth Corp")
    common = {"description": API_POSTING_TEXT, "source": "api", "extract": False}  # as the API writes them
    postings = create_postings(
        {
            **common,
            "employer": acme,
            "segment": public_segment,
            "posted_on": datetime.date(2026, 9, day),
            "title": f"Platform {day}",
            "external_id": f"api-{day}",
            "skills": [k8s, secret, docker],
        }
        for day in range(1, 4)
    )
    create_postings(
        [
            {
                **common,
                "employer": stealth,
                "segment": public_segment,
                "posted_on": datetime.date(2026, 10, 1),
                "title": "Unpublished posting",
                "external_id": "api-draft",
                "status": Status.DRAFT,
            },
            {
                **common,
                "employer": stealth,
                "segment": hidden_segment,
                "posted_on": datetime.date(2026, 10, 1),
                "title": "Unpublished posting in hiding",
                "external_id": "api-hiding",
                "skills": [k8s],
            },
        ]
    )
    demand_recompute_all(trigger="test")
    return {
        "segment": public_segment,
        "hidden_segment": hidden_segment,
        "skill": k8s,
        "docker": docker,
        "secret": secret,
        "track": track,
        "draft_track": draft_track,
        "module": module,
        "postings": postings,
        "acme": acme,
        "category": category,
    }


def token_client(*codenames: str, staff: bool = False, editor: bool = False) -> APIClient:
    """An API client authenticated by token as a new user with the permissions named by ``codenames``."""
    user = make_editor() if editor else UserFactory(is_staff=staff)
    if codenames:
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# --- Coverage ------------------------------------------------------------------------------------------------


class CoverageWorld(dict):
    """Named objects of the coverage world, and a way to add postings to it.

    Finance, in the window's last month: 30 counted postings. Kubernetes in 18 (60 %), MLflow in 12 (40 %),
    SOX in 6 (20 %), Airflow in 3 (10 %). Retail, the same month: 30 postings, 15 asking for Kubernetes.
    Finance's tiers (``postings.demand.tiers``): Kubernetes and MLflow are core (at least 25 %); MLflow
    and SOX are distinguishing (no other segment asks for them, 5 postings at least); Kubernetes is not
    (60 % against Retail's 50 %: a lift of 1.2), nor Airflow (3 postings); nothing is rising (no postings
    in the months before). Finance's demand: Kubernetes 18, MLflow 12, SOX 6, a weight of 36.
    Track "Engineer A" teaches Kubernetes (module 1), SOX and Airflow (module 2): 24 of 36.
    """

    numbers = itertools.count(1)

    def post(self, segment: str, skills: list[str], *, times: int = 1, months_ago: int = 0, **kwargs) -> None:
        """``times`` postings in the named segment asking for the named skills, ``months_ago`` before as_of: one
        import batch, the skills found by the extractor in a text naming exactly them."""
        source = kwargs.pop("source", "manual")
        status = kwargs.pop("status", Status.PUBLISHED)
        assert not kwargs, kwargs
        rows = [
            (
                n,
                {
                    "external_id": f"w{n}",
                    "title": f"Job {n}",
                    "employer": self["employer"].slug,
                    "segment": self[segment].slug,
                    "posted_on": add_months(self["as_of"], -months_ago).isoformat(),
                    "description": "We ask for " + (", ".join(self[name].name for name in skills) or "nothing") + ".",
                    "source": source,
                },
            )
            for n in itertools.islice(self.numbers, times)
        ]
        report = postings_import(rows, source=source, status=status, keep_results=True)
        assert report.applied and len(report.results) == times, report.as_dict()
        wanted = {self[name].pk for name in skills}
        for result in report.results:
            assert set(Posting.objects.get(pk=result["id"]).skills.values_list("pk", flat=True)) == wanted


def build_coverage_world() -> CoverageWorld:
    """The coverage world of the docstring above, its demand recomputed; coverage is left to each test."""
    world = CoverageWorld(
        as_of=coverage_compute.current_as_of(),
        employer=EmployerFactory(),
        finance=SegmentFactory(name="Finance", slug="finance"),
        health=SegmentFactory(name="Health", slug="health"),
        retail=SegmentFactory(name="Retail", slug="retail"),
    )
    names = {"k8s": "Kubernetes", "mlflow": "MLflow", "sox": "SOX", "airflow": "Airflow"}
    world.update(zip(names, skill_set(names.values()), strict=True))
    world.post("finance", ["k8s", "mlflow"], times=12)
    world.post("finance", ["k8s", "sox"], times=6)
    world.post("finance", ["airflow"], times=3)
    world.post("finance", [], times=9)
    world.post("retail", ["k8s"], times=15)
    world.post("retail", [], times=15)
    world.post("finance", ["mlflow"], months_ago=12)  # outside the 12-month window
    world.post("finance", ["mlflow"], status=Status.DRAFT)  # not counted
    demand_engine.recompute_marked()

    world["track"], (world["m1"], world["m2"], world["draft_module"]) = track_with_modules(
        title="Engineer A",
        slug="engineer-a",
        segments=[world["finance"]],
        modules=[
            ({"title": "Clusters", "slug": "clusters"}, [world["k8s"]]),
            ({"title": "Controls", "slug": "controls"}, [world["sox"], world["airflow"]]),
            # a draft module teaches nothing yet
            ({"title": "Draft", "slug": "draft", **DRAFT}, [world["mlflow"]]),
        ],
    )
    return world


def compute_coverage(*tracks) -> dict:
    """Mark and drain the given tracks, as a write would; return their stored coverage by track id."""
    from curriculum.coverage.marks import coverage_mark_tracks
    from curriculum.coverage.models import TrackCoverage

    coverage_mark_tracks(track_ids=[track.pk for track in tracks])
    coverage_engine.recompute_marked()
    return {c.track_id: c for c in TrackCoverage.objects.filter(track__in=tracks).prefetch_related("segments")}


# --- Skill tiers ------------------------------------------------------------------------------------------

JUL, OCT, NOV, DEC = (datetime.date(2026, m, 1) for m in (7, 10, 11, 12))


def build_tiers_world() -> dict:
    """docs/demand.md's worked example. Finance: 30 postings in July 2026 (Kubernetes 7, SOX 3) and 30 in
    October (Kubernetes 8, SOX 12); Health: 160 in October (Kubernetes 40). The running month, November,
    has 2 Finance postings asking for SOX and Terraform; December (dated ahead) 1 asking for SOX. A draft
    skill is asked for by 20 Finance postings; Terraform by none in the window."""
    finance = SegmentFactory(name="Finance", slug="finance")
    health = SegmentFactory(name="Health", slug="health")
    hidden = SegmentFactory(name="Hidden segment", slug="hidden-segment", **DRAFT)
    k8s, sox, terraform = skill_set(["Kubernetes", "SOX", "Terraform"])
    secret = SkillFactory(name="Secret skill", slug="secret-skill", **DRAFT)
    write_summaries(
        {
            (finance, JUL): (30, {k8s: 7, sox: 3}),
            (finance, OCT): (30, {k8s: 8, sox: 12, secret: 20}),
            (health, OCT): (160, {k8s: 40}),
            (finance, NOV): (2, {sox: 2, terraform: 2}),
            (finance, DEC): (1, {sox: 1}),
        }
    )
    return {"finance": finance, "health": health, "hidden": hidden, "k8s": k8s, "sox": sox,
            "terraform": terraform, "secret": secret}



def _write_posting(
    *,
    employer,
    segment,
    title: str,
    description: str,
    posted_on: datetime.date,
    external_id: str,
    source: str = "manual",
    location: str = "",
    url: str = "",
    status: str = Status.PUBLISHED,
    skills=(),
    extract: bool = True,
) -> Posting:
    """One posting through ``postings_import`` (a batch of one), asking for ``skills`` as well as those found
    in its text (only ``skills`` with ``extract=False``)."""
    row = {
        "external_id": external_id,
        "title": title,
        "employer": employer.slug,
        "segment": segment.slug,
        "posted_on": posted_on.isoformat(),
        "description": description,
        "location": location,
        "url": url,
        "source": source,
    }
    report = postings_import([(1, row)], source=source, status=status, keep_results=True)
    assert report.applied, report.as_dict()
    posting = Posting.objects.get(pk=report.results[0]["id"])
    skills = list(skills)
    if skills or not extract:
        found = list(posting.skills.all()) if extract else []
        posting_set_skills(posting=posting, skills={*found, *skills})
    return posting


# --- Readiness ------------------------------------------------------------------------------------------------


def build_readiness_world() -> dict:
    """Four segments whose figures are known by hand (window: the 12 months to October 2026; trend: Aug-Oct 2026
    against May-Jul 2026), and a curriculum of two tracks.

    - Finance, 80 postings (40 in July, 40 in October): Python 40 (50%), Kubernetes 30 (37.5%, rising: 10 of 40
      in July, 20 of 40 in October), MLflow 30 (37.5%, stable: 15 and 15), SOX 20 (25%, exactly core), Terraform 10
      (12.5%, not core); a draft skill 40. Core: Python, Kubernetes, MLflow, SOX, a weight of 120 postings.
    - Health, 40 postings in October: Kubernetes 20 (50%), Airflow 12 (30%), Python 4 (10%). Core: Kubernetes and
      Airflow, 32. No trend (too few postings in July).
    - Flat, 50 postings in October: Python 10 (20%), Airflow 8 (16%), Terraform 5 (10%): no skill is core, so all
      three stand in (23).
    - Tiny, 10 postings in October (Python 10): too few to judge.

    Tracks in display order: Foundations (1) then Platform (2); a draft track teaches SOX and Terraform.
    Foundations: 1 Python basics (Python, 10 h); 2 Containers (Kubernetes, 12 h; needs 1); 3 Compliance (SOX, no
    estimate). Platform: 1 Tracking (MLflow, 8 h; needs Containers); 2 Orchestration (Kubernetes and Airflow, 6 h;
    needs Containers); 3 a draft module teaching Terraform.
    """
    segments = {
        name: SegmentFactory(name=name.title(), slug=name, display_order=order)
        for order, name in enumerate(["finance", "health", "flat", "tiny"], start=1)
    }
    SegmentFactory(name="Hidden", slug="hidden", display_order=9, **DRAFT)
    category = SkillCategoryFactory(name="Platform skills", slug="platform-skills")
    skills = dict(zip(
        ["python", "kubernetes", "mlflow", "sox", "terraform", "airflow"],
        skill_set(["Python", "Kubernetes", "MLflow", "SOX", "Terraform", "Airflow"], category=category),
        strict=True,
    ))
    SkillAliasFactory(skill=skills["kubernetes"], text="k8s")
    secret = SkillFactory(name="Secret skill", slug="secret-skill", category=category, **DRAFT)
    python, k8s, mlflow, sox, terraform, airflow = skills.values()
    write_summaries({
        (segments["finance"], JUL): (40, {python: 20, k8s: 10, mlflow: 15, sox: 10, terraform: 5, secret: 20}),
        (segments["finance"], OCT): (40, {python: 20, k8s: 20, mlflow: 15, sox: 10, terraform: 5, secret: 20}),
        (segments["health"], OCT): (40, {k8s: 20, airflow: 12, python: 4}),
        (segments["flat"], OCT): (50, {python: 10, airflow: 8, terraform: 5}),
        (segments["tiny"], OCT): (10, {python: 10}),
    })
    foundations, (basics, containers, compliance) = track_with_modules(
        title="Foundations", slug="foundations", display_order=1, segments=[segments["finance"]],
        modules=[
            ({"title": "Python basics", "slug": "python-basics", "hours": Decimal(10)}, [python]),
            ({"title": "Containers", "slug": "containers", "hours": Decimal(12)}, [k8s]),
            ({"title": "Compliance", "slug": "compliance", "hours": None}, [sox]),
        ],
    )
    platform, (tracking, orchestration, draft_module) = track_with_modules(
        title="Platform", slug="platform", display_order=2,
        modules=[
            ({"title": "Tracking", "slug": "tracking", "hours": Decimal(8)}, [mlflow]),
            ({"title": "Orchestration", "slug": "orchestration", "hours": Decimal(6)}, [k8s, airflow]),
            ({"title": "Draft module", "slug": "draft-module", **DRAFT}, [terraform]),
        ],
    )
    track_with_modules(title="Draft track", slug="draft-track", display_order=0, **DRAFT,
                       modules=[({"title": "Hidden compliance", "slug": "hidden"}, [sox, terraform])])
    containers.prerequisites.add(basics)
    tracking.prerequisites.add(containers)
    orchestration.prerequisites.add(containers)
    return {**segments, **skills, "secret": secret, "foundations": foundations, "platform": platform,
            "basics": basics, "containers": containers, "compliance": compliance, "tracking": tracking,
            "orchestration": orchestration, "draft_module": draft_module}
