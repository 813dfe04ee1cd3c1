from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from postings.sources.models import Source, SourceRun
from postings.sources.services import source_sync

REFUSALS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Sync job-board sources now: every active source that is not paused, or the one named. Each sync writes "
        "through the one posting write path, closes what the board no longer lists, and leaves a run record. "
        "A paused source named with --source is tried, and resumed if it works. Exits 1 if a sync failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="A source's id, slug or name.")
        parser.add_argument("--dry-run", action="store_true", help="Fetch and check everything, write nothing.")

    def handle(self, *args, **options):
        sources = Source.objects.select_related("employer", "segment").order_by("id")
        if options["source"]:
            wanted = options["source"]
            match = Q(slug=wanted) | Q(name__iexact=wanted)
            if wanted.isdigit():
                match |= Q(pk=int(wanted))
            sources = list(sources.filter(match))
            if not sources:
                raise CommandError(f"No source with id, slug or name {wanted!r}.")
        else:
            sources = list(sources.filter(active=True, paused_reason=""))
            if not sources:
                self.stdout.write("No active source to sync (add one with add_source).")
        failed = 0
        for source in sources:
            run = source_sync(source=source, dry_run=options["dry_run"], trigger="command")
            failed += run.outcome == SourceRun.Outcome.FAILED
            self._report(source, run)
        if failed:
            raise CommandError(f"{failed} of {len(sources)} sync(s) failed; see the run records.")

    def _report(self, source: Source, run: SourceRun) -> None:
        style = self.style.ERROR if run.outcome == SourceRun.Outcome.FAILED else self.style.SUCCESS
        self.stdout.write(style(f"{source.name} ({source.slug}), {run.duration:.1f} s: {run.summary()}"))
        for refusal in run.refusals[:REFUSALS_SHOWN]:
            self.stdout.write(
                f"  refused {refusal['external_id'] or 'row ' + str(refusal['row'])}, "
                f"{refusal['field']}: {refusal['message']}"
            )
        if run.refused > REFUSALS_SHOWN:
            self.stdout.write(f"  … and {run.refused - REFUSALS_SHOWN:,} more refused (see the run record).")
        source.refresh_from_db(fields=["paused_reason"])
        if source.paused_reason:
            self.stdout.write(self.style.WARNING(f"  Paused: {source.paused_reason}"))
