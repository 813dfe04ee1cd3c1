import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.coverage import services
from curriculum.coverage.models import CoverageMark, SegmentCoverage, TrackCoverage
from curriculum.services import module_set_skills

from .conftest import compute

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_coverage", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_verify_passes_when_stored_coverage_equals_a_fresh_computation(world):
    # given
    compute(world, world["track"])

    # when
    out, _ = run("--verify")

    # then
    assert "Verified: the stored coverage of 1 tracks equals a fresh computation." in out


def test_verify_fails_naming_the_track_and_what_differs_and_full_corrects_it(world):
    # given: a stored figure that no longer matches its sources
    compute(world, world["track"])
    SegmentCoverage.objects.update(coverage=0.5)

    # when / then
    with pytest.raises(CommandError, match="coverage of 1 tracks differs"):
        call_command("recompute_coverage", "--verify", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert f"track {world['track'].pk}, segments: stored" in err.getvalue()
    assert "0.5" in err.getvalue() and "0.6667" in err.getvalue()

    out, _ = run("--full", "--verify")
    assert "drift corrected: 1." in out
    assert "Verified" in out
    assert SegmentCoverage.objects.get().coverage == 0.6667


def test_a_marked_track_is_pending_not_drift_and_the_command_drains_before_verifying(world):
    # given: a committed edit whose marks are still waiting
    compute(world, world["track"])
    module_set_skills(module=world["m1"], skills=[world["k8s"], world["mlflow"]])
    assert CoverageMark.objects.exists()

    # when: compared without draining
    result = services.coverage_recompute_all(trigger="test", apply=False)

    # then
    assert (result["drift"], result["pending"]) == (0, 1)

    # when: the command drains, then verifies
    out, _ = run("--verify")

    # then
    assert "Recomputed 1 tracks from 1 marks in 1 batches." in out
    assert "Verified" in out
    assert TrackCoverage.objects.get().coverage == 1.0


def test_a_track_never_computed_is_drift(world):
    # given: coverage rows removed behind the engine's back
    compute(world, world["track"])
    TrackCoverage.objects.all().delete()

    # when / then
    with pytest.raises(CommandError):
        run("--verify")


def test_help_explains_the_options(capsys):
    with pytest.raises(SystemExit):
        call_command("recompute_coverage", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "--verify" in text and "exits with status 1" in text
