from django.core.management.base import BaseCommand, CommandError

from postings.demand import services
from postings.demand.models import DemandMark


class Command(BaseCommand):
    help = (
        "Recompute the skill-demand summaries. Without options, drain the dirty marks (what the workers do "
        "after every write). --full rebuilds every summary from the source postings and reports the drift it "
        "corrected. --verify compares the stored summaries with a fresh full recount and exits with status 1, "
        "listing the differences, if any cell differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every summary from the source rows.")
        parser.add_argument("--verify", action="store_true", help="Compare with a fresh recount; exit 1 on drift.")

    def handle(self, *args, full: bool, verify: bool, **options):
        if not full:
            pending = DemandMark.objects.count()
            self.stdout.write(f"Draining {pending} dirty marks…")
            result = services.demand_drain(trigger="command")
            self.stdout.write(f"Recomputed {result['cells']} cells from {result['marks']} marks "
                              f"in {result['batches']} batches.")
        else:
            self.stdout.write("Full recompute…")
            result = services.demand_recompute_all(trigger="command")
            self.stdout.write(f"Rewrote {result['cells']} cells; drift corrected: {result['drift']}.")
        if verify:
            result = services.demand_recompute_all(trigger="command", apply=False)
            if result["pending"]:
                self.stdout.write(f"{result['pending']} cells have marks still waiting to be drained.")
            if result["drift"]:
                from postings.demand.models import DemandRun

                sample = DemandRun.objects.get(pk=result["run"]).drift_sample
                for row in sample:
                    skill = row["skill"] if row["skill"] is not None else "all skills"
                    segment = row["segment"] if row["segment"] is not None else "all segments"
                    if row.get("links"):  # the drain would miscount this cell: its links' copies are stale
                        self.stderr.write(f"segment {segment}, month {row['month']}, skill {skill}: "
                                          f"skill links' cells count {row['stored']}, fresh {row['fresh']}")
                    elif row.get("day"):  # a part of the month's total the drain adds up
                        self.stderr.write(f"segment {segment}, day {row['day']}: "
                                          f"stored day count {row['stored']}, fresh {row['fresh']}")
                    else:
                        self.stderr.write(f"segment {segment}, month {row['month']}, skill {skill}: "
                                          f"stored {row['stored']}, fresh {row['fresh']}")
                raise CommandError(f"Verify failed: {result['drift']} summary cells differ from the source.")
            self.stdout.write(self.style.SUCCESS("Verified: the stored summaries equal a full recount."))
