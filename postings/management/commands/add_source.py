from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from postings.services import employer_get_or_create
from postings.sources.models import SourceKind
from postings.sources.services import source_create
from segments.models import Segment


class Command(BaseCommand):
    help = (
        "Set up a job-board source: an employer's public board, synced on a schedule (sync_sources, and beat). "
        "KIND is greenhouse (board token), lever (site), ashby (board name), jsonld (the address of a careers "
        "page or sitemap) or feed (the address of a JSON Lines or CSV file in the import shape). See docs/sources.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=SourceKind.values)
        parser.add_argument("board", help="Board token, site or board name; for jsonld and feed, the address.")
        parser.add_argument("--employer", required=True, help="The employer's name (created if new).")
        parser.add_argument("--segment", required=True, help="The slug of the segment its postings belong to.")
        parser.add_argument("--base-url", default="", help="Another endpoint than the provider's public one.")
        parser.add_argument("--name", default="", help="A name for editors (default: employer and kind).")
        parser.add_argument("--interval", type=int, default=24, help="Hours between syncs (default %(default)s).")

    def handle(self, *args, **options):
        segment = Segment.objects.filter(slug=options["segment"]).first()
        if segment is None:
            known = ", ".join(Segment.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"Unknown segment {options['segment']!r}; known: {known}.")
        if not options["employer"].strip():
            raise CommandError("--employer needs a name.")
        try:
            employer, _ = employer_get_or_create(name=options["employer"])
            source = source_create(
                kind=options["kind"],
                board=options["board"],
                employer=employer,
                segment=segment,
                name=options["name"],
                base_url=options["base_url"],
                interval_hours=options["interval"],
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(f"Source refused: {problems}") from None
        self.stdout.write(
            f"Added source {source.pk} “{source.name}” ({source.kind} {source.board}, postings stored as "
            f"source {source.slug!r}), synced every {source.interval_hours} h. Run: manage.py sync_sources "
            f"--source {source.pk}"
        )
