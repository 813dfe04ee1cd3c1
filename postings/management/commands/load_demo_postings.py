from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from postings.demo import DEMO_SOURCE, demo_rows
from postings.ingest.services import postings_import, postings_remove_source
from segments.models import Segment


class Command(BaseCommand):
    help = (
        "Load a synthetic, clearly labelled set of demo postings (source 'demo', employers named '… (demo)') "
        "for the four seed segments, dated over the last 24 months, with a skill mix that follows the seed "
        "analysis. Loading again with the same --seed in the same month changes nothing. --remove deletes the "
        "demo set and leaves every other posting untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2000, help="How many postings (default: %(default)s).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed, the same set.")
        parser.add_argument("--remove", action="store_true", help="Delete the demo postings instead.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, count, seed, remove, no_progress, **options):
        if remove:
            removed = postings_remove_source(source=DEMO_SOURCE)
            self.stdout.write(self.style.SUCCESS(f"Removed {removed:,} demo postings."))
            return
        if not 1 <= count <= 1_000_000:
            raise CommandError(f"--count must be between 1 and 1,000,000 (got {count:,}).")
        if not Segment.objects.exists():
            raise CommandError("No segments yet: run `manage.py load_seed_content` first.")
        with tqdm(total=count, unit=" postings", disable=no_progress, file=self.stderr._out) as bar:
            report = postings_import(
                enumerate(demo_rows(count, seed=seed), start=1),
                source=DEMO_SOURCE,
                create_employers=True,
                progress=bar.update,
            )
        if report.refused:
            for error in report.refused[:20]:
                self.stderr.write(str(error))
            raise CommandError(f"Demo postings refused: {report.summary()}")
        self.stdout.write(self.style.SUCCESS(f"Demo postings: {report.summary()}"))
