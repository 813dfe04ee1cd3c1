from django.core.management.base import BaseCommand, CommandError

from curriculum.coverage import services
from curriculum.coverage.models import CoverageMark


class Command(BaseCommand):
    help = (
        "Recompute the curriculum coverage of the tracks. Without options, drain the coverage marks (what the "
        "workers do after every curriculum write and demand change). --full recomputes every track from the "
        "modules and the demand summaries and reports the drift it corrected. --verify compares the stored "
        "coverage with a fresh computation and exits with status 1, listing the differences, if any track differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Recompute every track from the sources.")
        parser.add_argument("--verify", action="store_true", help="Compare with a fresh computation; exit 1 on drift.")

    def handle(self, *args, full: bool, verify: bool, **options):
        if not full:
            pending = CoverageMark.objects.count()
            self.stdout.write(f"Draining {pending} coverage marks…")
            result = services.coverage_drain(trigger="command")
            self.stdout.write(
                f"Recomputed {result['tracks']} tracks from {result['marks']} marks in {result['batches']} batches."
            )
        else:
            self.stdout.write("Full recompute…")
            result = services.coverage_recompute_all(trigger="command")
            self.stdout.write(
                f"Recomputed {result['tracks']} tracks, rewrote {result['written']}; "
                f"drift corrected: {result['drift']}."
            )
        if verify:
            result = services.coverage_recompute_all(trigger="command", apply=False)
            if result["pending"]:
                self.stdout.write(f"{result['pending']} tracks have marks still waiting to be drained.")
            if result["drift"]:
                for row in result["sample"]:
                    self.stderr.write(
                        f"track {row['track']}, {row['field']}: stored {_short(row['stored'])}, "
                        f"fresh {_short(row['fresh'])}"
                    )
                raise CommandError(f"Verify failed: the coverage of {result['drift']} tracks differs from the sources.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Verified: the stored coverage of {result['tracks']} tracks equals a fresh computation."
                )
            )


def _short(value, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
