import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from careerhub.core.editorial import Status
from postings.extraction import invalidate
from postings.taxonomy.readers import FORMATS, TaxonomyFileError, read_taxonomy
from postings.taxonomy.services import skills_import

MAX_REFUSED_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import skills into the taxonomy from a file: --format onet (O*NET Technology Skills TSV), esco (the "
        "ESCO v1.1.1 CSV, gzipped or not, or the ESCO ICT JSON), terms (a JSON list of terms, such as the "
        "gazetteer) or careerhub (what export_skills writes). Records merge into existing skills by ESCO URI, "
        "name or alias (ignoring case) instead of duplicating them, adding their aliases and filling empty "
        "fields; fields an editor changed are never overwritten. Importing a file twice changes nothing. A "
        "malformed file is refused whole, naming the line; an alias that already names another skill is "
        "refused and reported. Ends with a summary: created, merged, skipped, refused with reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import.")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, required=True, help="The file's format.")
        parser.add_argument("--dry-run", action="store_true", help="Do the whole import and roll it back.")
        parser.add_argument(
            "--only",
            default="",
            metavar="CODE",
            help="ESCO CSV: keep the skills under this skill-pillar code (K06 for ICT knowledge, S5 for computers).",
        )
        parser.add_argument("--publish", action="store_true", help="Publish new skills (default: drafts).")
        parser.add_argument("--json", action="store_true", help="Print the summary as one JSON object.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, path, fmt, dry_run, only, publish, json: bool, no_progress, **options):
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            records = read_taxonomy(fmt, path, only=only)
        except TaxonomyFileError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        bar = lambda items: tqdm(  # noqa: E731 - a one-line adapter
            items, unit=" skills", disable=no_progress, file=self.stderr._out, mininterval=0.5
        )
        summary = skills_import(
            records=records, dry_run=dry_run, status=Status.PUBLISHED if publish else Status.DRAFT, progress=bar
        )
        invalidate()
        if json:
            self.stdout.write(_json({**summary.as_dict(), "refusals": summary.refused[:MAX_REFUSED_SHOWN]}))
            return
        for line, text, reason in summary.refused[:MAX_REFUSED_SHOWN]:
            self.stdout.write(f"refused (record {line}): {text[:80]!r}: {reason}")
        if len(summary.refused) > MAX_REFUSED_SHOWN:
            self.stdout.write(f"... and {len(summary.refused) - MAX_REFUSED_SHOWN} more refused.")
        counts = summary.as_dict()
        prefix = "Dry run, nothing written: would have " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{counts['created']} created, {counts['merged']} merged, {counts['skipped']} skipped, "
                f"{counts['refused']} refused, {counts['kept_out']} removed by editors kept out; "
                f"{counts['aliases_created']} aliases and "
                f"{counts['categories_created']} categories added ({len(records)} records read)."
            )
        )


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
