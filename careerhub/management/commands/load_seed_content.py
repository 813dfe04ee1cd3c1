from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curriculum.seed import SeedError, seed_tracks
from postings.seed import seed_taxonomy
from segments.seed import seed_segments


class Command(BaseCommand):
    help = (
        "Load CareerHub's first editorial content: the employer segments, the curated MLOps skill "
        "taxonomy and the curriculum tracks with their modules' content. Idempotent: items that exist "
        "already (by slug) are kept as editors left them, and a module's content is filled only where "
        "nobody ever wrote any, so running it twice changes nothing."
    )

    def handle(self, *args, **options):
        steps = (("Segments", seed_segments), ("Skill taxonomy", seed_taxonomy), ("Tracks", seed_tracks))
        try:
            with transaction.atomic():
                for number, (label, load) in enumerate(steps, start=1):
                    self.stdout.write(f"[{number}/{len(steps)}] {label}…")
                    counts = load()
                    summary = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
                    self.stdout.write(f"      {summary}")
        except SeedError as error:
            raise CommandError(f"Seed content is inconsistent, nothing was loaded: {error}") from error
        self.stdout.write(self.style.SUCCESS("Seed content loaded."))
