import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from careerhub.core.editorial import Status
from curriculum.models import Module, Track
from postings.models import Skill, SkillAlias, SkillCategory
from segments.models import Segment

# The seed is loaded once for the module (``seed_content``); a test that needs it absent lives in test_seed_missing.py.
pytestmark = pytest.mark.django_db

# Every tool and practice the source notes name must be in the taxonomy, by name or alias.
NAMED_IN_SEEDS = [
    "Kubernetes", "Terraform", "Pulumi", "Helm", "ArgoCD", "MLflow", "Kubeflow", "SageMaker", "Vertex AI",
    "Feast", "Tecton", "Weights & Biases", "Neptune", "Prometheus", "Grafana", "Datadog", "OpenTelemetry",
    "Kafka", "Pub/Sub", "GitHub Actions", "GitLab CI", "Argo", "Evidently", "Arize", "Snowflake", "Databricks",
    "drift detection", "model registry", "feature store", "policy-as-code", "lineage", "service mesh",
    "SOX", "SOC 2", "HIPAA", "CI/CD", "experiment tracking", "data validation", "audit trails", "responsible AI",
]


def load() -> str:
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    return out.getvalue()


def history_rows() -> int:
    return sum(model.history.count() for model in (Segment, SkillCategory, Skill, SkillAlias, Track, Module))


def test_loads_the_four_segments_with_their_editorial_fields(seed_content):
    segments = list(Segment.objects.order_by("display_order"))
    assert [s.slug for s in segments] == ["big-tech", "financial-services", "healthcare", "enterprise"]
    for segment in segments:
        assert segment.status == Status.PUBLISHED
        assert segment.summary and segment.optimises_for and segment.pitfalls
        assert len(segment.looks_for) == 3
        assert segment.sample_employers and segment.focus_areas
    assert "Capital One" in Segment.objects.get(slug="financial-services").sample_employers


def test_loads_a_taxonomy_covering_every_tool_and_practice_in_the_seeds(seed_content):
    assert Skill.objects.published().count() >= 150
    assert SkillCategory.objects.count() >= 10
    assert not SkillCategory.objects.filter(skills__isnull=True).exists()
    missing = [
        term
        for term in NAMED_IN_SEEDS
        if not Skill.objects.filter(Q(name__iexact=term) | Q(aliases__text__iexact=term)).exists()
    ]
    assert missing == []


def test_loads_the_tracks_of_the_curriculum_implications(seed_content):
    levels = dict(Track.objects.values_list("slug", "level"))
    assert set(levels.values()) == {"engineer", "senior", "platform", "architect", "llmops"}
    for track in Track.objects.prefetch_related("modules__skills", "segments"):
        assert track.segments.exists()
        modules = list(track.modules.all())
        assert modules and [m.order for m in modules] == list(range(1, len(modules) + 1))
        assert all(m.skills.exists() for m in modules)


def test_running_twice_changes_nothing(seed_content):
    counts = [model.objects.count() for model in (Segment, SkillCategory, Skill, SkillAlias, Track, Module)]
    history = history_rows()
    load()
    assert [model.objects.count() for model in (Segment, SkillCategory, Skill, SkillAlias, Track, Module)] == counts
    assert history_rows() == history


def test_editors_edits_survive_a_reload(seed_content):
    Segment.objects.filter(slug="healthcare").update(summary="Edited by an editor.")
    Skill.objects.filter(slug="kubernetes").update(status=Status.ARCHIVED)
    load()
    assert Segment.objects.get(slug="healthcare").summary == "Edited by an editor."
    assert Skill.objects.get(slug="kubernetes").status == Status.ARCHIVED
