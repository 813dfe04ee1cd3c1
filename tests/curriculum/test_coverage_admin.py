import csv
import io

import pytest
from django.urls import reverse

from careerhub.core.editorial import Status
from careerhub.core.revisions.selectors import revisions_of
from curriculum.coverage.models import TrackCoverage
from tests.factories import ModuleFactory, SegmentFactory, SkillFactory, TrackFactory, UserFactory, make_publisher

from .conftest import compute

pytestmark = pytest.mark.django_db

DASHBOARD = "admin:curriculum_trackcoverage_changelist"


def test_the_dashboard_renders_for_an_editor_with_every_track_per_segment(editor_client, world):
    # given: a senior track on two segments, and a track that targets none
    senior = TrackFactory(title="Senior B", slug="senior-b", level="senior")
    senior.segments.add(world["finance"], world["health"])
    TrackFactory(title="Aimless", slug="aimless")
    compute(world, world["track"], senior)

    # when
    response = editor_client.get(reverse(DASHBOARD))

    # then
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [(row.track_coverage.track.slug, row.segment.slug, f.percent) for row, f in figures] == [
        ("engineer-a", "finance", 67),
        ("senior-b", "finance", 0),
        ("senior-b", "health", None),
    ]
    html = response.content.decode()
    assert "Curriculum coverage" in html and "MLflow" in html and "no demand in the window" in html
    assert "Aimless" in html and "not computed yet" in html
    assert reverse("admin:curriculum_trackcoverage_track", args=[world["track"].pk]) in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("coverage", ["senior-b/finance", "engineer-a/finance", "senior-b/health"]),
        ("-coverage", ["engineer-a/finance", "senior-b/finance", "senior-b/health"]),
        ("-segment", ["senior-b/health", "engineer-a/finance", "senior-b/finance"]),
    ],
)
def test_the_dashboard_sorts_and_filters(editor_client, world, sort, expected):
    # given
    senior = TrackFactory(title="Senior B", slug="senior-b", level="senior")
    senior.segments.add(world["finance"], world["health"])
    compute(world, world["track"], senior)

    # when
    response = editor_client.get(reverse(DASHBOARD), {"o": sort})

    # then
    assert [f"{row.track_coverage.track.slug}/{row.segment.slug}" for row, _ in response.context["figures"]] == expected
    filtered = editor_client.get(reverse(DASHBOARD), {"level": "senior", "segment": "health"})
    assert [row.segment.slug for row, _ in filtered.context["figures"]] == ["health"]
    refused = editor_client.get(reverse(DASHBOARD), {"level": "<b>nope</b>"})
    assert refused.status_code == 200 and refused.context["figures"] == []
    assert "level" in refused.context["filterset"].errors
    assert "<b>nope</b>" not in refused.content.decode()


def test_the_track_page_shows_gaps_surplus_duplication_evidence_and_history(editor_client, world):
    # given
    twin = TrackFactory(title="Twin", slug="twin")
    ModuleFactory(track=twin).skills.add(world["k8s"])
    compute(world, world["track"], twin)

    # when
    response = editor_client.get(reverse("admin:curriculum_trackcoverage_track", args=[world["track"].pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Finance: 67% cumulative (2 of 3 top skills), 67% its own (2)" in html
    assert "Add MLflow" in html  # the one-click form of the only gap
    assert "Airflow (3 postings)" in html  # surplus
    assert "Twin" in html  # Kubernetes is also taught by Twin at this level
    assert "18 postings, 60%, rank 1" in html  # Clusters teaches Kubernetes
    assert "Overall" in html  # history


def test_one_click_adds_the_missing_skill_to_the_chosen_module_and_coverage_follows(
    client, world, django_capture_on_commit_callbacks
):
    # given: a publisher (an editor's click on a live module is a draft: the next test)
    editor_client = client
    editor_client.force_login(make_publisher())
    compute(world, world["track"])
    url = reverse("admin:curriculum_trackcoverage_add_skill", args=[world["track"].pk])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"module": world["m2"].pk, "skill": world["mlflow"].pk}, follow=True)

    # then
    assert "MLflow is now taught in Controls" in response.content.decode()
    assert set(world["m2"].skills.values_list("slug", flat=True)) == {"sox", "airflow", "mlflow"}
    assert TrackCoverage.objects.get(track=world["track"]).coverage == 1.0


def test_an_editors_one_click_on_a_live_module_is_a_draft(editor_client, world):
    # given
    url = reverse("admin:curriculum_trackcoverage_add_skill", args=[world["track"].pk])
    assert world["m2"].status == "published"
    # when
    response = editor_client.post(url, {"module": world["m2"].pk, "skill": world["mlflow"].pk}, follow=True)
    # then: the live module is unchanged; the revision holds the skill
    assert "the live module is unchanged" in response.content.decode()
    assert not world["m2"].skills.filter(pk=world["mlflow"].pk).exists()
    draft = revisions_of(world["m2"]).first()
    assert "MLflow" in [name for _pk, name in draft.snapshot["m2m"]["skills"]]


@pytest.mark.parametrize(
    "data",
    [
        {"module": "", "skill": "1"},
        {"module": "99999999999999999999999", "skill": "1"},
        {"module": "<script>", "skill": "1"},
    ],
)
def test_one_click_refuses_bad_input_with_a_clear_message(editor_client, world, data):
    url = reverse("admin:curriculum_trackcoverage_add_skill", args=[world["track"].pk])
    response = editor_client.post(url, data, follow=True)
    assert "Module: choose one of the modules of Engineer A." in response.content.decode()


def test_one_click_refuses_a_module_of_another_track_and_an_unknown_skill(editor_client, world):
    url = reverse("admin:curriculum_trackcoverage_add_skill", args=[world["track"].pk])
    other = ModuleFactory()
    assert (
        "Module: choose"
        in editor_client.post(url, {"module": other.pk, "skill": world["mlflow"].pk}, follow=True).content.decode()
    )
    assert (
        "Skill: no such skill."
        in editor_client.post(url, {"module": world["m1"].pk, "skill": "0"}, follow=True).content.decode()
    )
    assert not other.skills.exists()


def test_the_dashboard_needs_the_admin_and_one_click_needs_the_change_permission(client, world):
    url = reverse(DASHBOARD)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))  # staff without coverage permissions
    assert client.get(url).status_code == 403
    add = reverse("admin:curriculum_trackcoverage_add_skill", args=[world["track"].pk])
    assert client.post(add, {"module": world["m2"].pk, "skill": world["mlflow"].pk}).status_code == 403
    assert not world["m2"].skills.filter(pk=world["mlflow"].pk).exists()


def test_csv_export_follows_the_filters_and_defuses_formulas(editor_client, world):
    # given: a gap skill whose name a spreadsheet would run
    world["mlflow"].name = '=HYPERLINK("x")'
    world["mlflow"].save()
    other = TrackFactory(slug="other", level="senior")
    other.segments.add(world["finance"])
    compute(world, world["track"], other)

    # when
    response = editor_client.get(reverse("admin:curriculum_trackcoverage_export"), {"level": "engineer"})

    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["track_slug"], row["segment_slug"], row["coverage"]) for row in rows] == [
        ("engineer-a", "finance", "0.6667")
    ]
    assert rows[0]["gaps"] == '\'=HYPERLINK("x") (12)'
    assert rows[0]["surplus"] == "Airflow (3)"


def test_duplication_report(editor_client, world):
    # given: Kubernetes in two engineer tracks (one a draft), and twice within the world's track
    ModuleFactory(track=TrackFactory(title="Draft twin", status=Status.DRAFT, published_at=None)).skills.add(
        world["k8s"]
    )
    ModuleFactory(track=world["track"], order=5, title="Again").skills.add(world["k8s"])
    ModuleFactory(track=TrackFactory(title="Archived", status=Status.ARCHIVED)).skills.add(world["k8s"])
    # and the world's track comes after a senior track teaching SOX and Kubernetes too
    before = TrackFactory(title="Before", level="senior")
    ModuleFactory(track=before).skills.add(world["sox"], world["k8s"])
    world["track"].prerequisites.add(before)

    # when
    response = editor_client.get(reverse("admin:curriculum_trackcoverage_duplication"))

    # then
    report = response.context["report"]
    assert [(level, skill.name, [t.title for t in tracks]) for level, skill, tracks in report.across] == [
        ("engineer", "Kubernetes", ["Draft twin", "Engineer A"])
    ]
    assert [(t.title, s.name, [m.title for m in ms]) for t, s, ms in report.within] == [
        ("Engineer A", "Kubernetes", ["Clusters", "Again"])
    ]
    assert [(t.title, s.name, [b.title for b in bs]) for t, s, bs in report.again] == [
        ("Engineer A", "Kubernetes", ["Before"]),
        ("Engineer A", "SOX", ["Before"]),
    ]
    assert "Draft twin" in response.content.decode()


@pytest.mark.parametrize("tracks", [1, 6])
def test_the_dashboard_makes_a_fixed_number_of_queries(editor_client, world, django_assert_num_queries, tracks):
    built = [world["track"]]
    for n in range(tracks - 1):
        track = TrackFactory(slug=f"t{n}")
        track.segments.add(world["finance"], SegmentFactory())
        ModuleFactory(track=track).skills.add(world["k8s"], SkillFactory())
        built.append(track)
    compute(world, *built)
    editor_client.get(reverse(DASHBOARD))  # warm the session and permission caches
    # session, user, user and group permissions, rows, gap skills, marks waiting, tracks without figures
    with django_assert_num_queries(8):
        assert editor_client.get(reverse(DASHBOARD)).status_code == 200


def test_recompute_all_from_the_dashboard(editor_client, world):
    # given: tracks never computed
    response = editor_client.post(reverse("admin:curriculum_trackcoverage_recompute"), follow=True)

    # then: the task ran (eagerly here) and every track has its figures
    assert "A full recompute of every track&#x27;s coverage has been started." in response.content.decode()
    assert TrackCoverage.objects.get(track=world["track"]).coverage == 0.6667
