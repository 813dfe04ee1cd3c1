import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from tqdm import tqdm

from postings.ingest.readers import FORMATS, ImportFileError, format_for, read_rows
from postings.ingest.rows import FIELDS, REQUIRED_FIELDS, SOURCE_PATTERN
from postings.ingest.services import postings_import

MAX_ERRORS_SHOWN = 200


class Command(BaseCommand):
    help = (
        "Import job postings from a CSV or JSON Lines file. Columns / keys: "
        f"{', '.join(REQUIRED_FIELDS)} (required) and {', '.join(f for f in FIELDS if f not in REQUIRED_FIELDS)}. "
        "Segments and employers are matched by slug or name, ignoring case. Postings are upserted by "
        "(source, external_id): importing a file twice creates nothing new. The import is all or nothing: "
        "one refused row and nothing is written, and every refused row is listed (use --partial to import "
        "the good rows). Exact duplicates of earlier postings are imported linked to them and not counted "
        "in demand."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import; '-' reads standard input.")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, help="File format (default: from the file name).")
        parser.add_argument(
            "--source",
            default="import",
            help="Source name for rows without one (default: %(default)s); lowercase slug.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count everything, write nothing.")
        parser.add_argument("--partial", action="store_true", help="Import the good rows; report the refused ones.")
        parser.add_argument(
            "--create-employers",
            action="store_true",
            help="Create employers the file names but the database lacks (default: refuse the row).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, path, fmt, source, dry_run, partial, create_employers, no_progress, **options):
        if not SOURCE_PATTERN.match(source):
            raise CommandError(f"--source {source!r}: use lowercase letters, digits, hyphens and underscores.")
        if path == "-":
            if not fmt:
                raise CommandError("Reading standard input: pass --format.")
            stream = sys.stdin.buffer
        else:
            try:
                fmt = format_for(path, fmt)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"{path}: no such file.")
            stream = file.open("rb")
        bar = tqdm(unit=" rows", disable=no_progress, file=self.stderr._out, mininterval=0.5)
        # A connection lost in the middle of a COPY makes psycopg log that it ignored the failed COPY's end as
        # well: the one line below says what happened, and a second would only repeat it.
        logging.getLogger("psycopg").setLevel(logging.ERROR)
        try:
            report = postings_import(
                read_rows(stream, fmt),
                source=source,
                partial=partial,
                dry_run=dry_run,
                create_employers=create_employers,
                progress=bar.update,
            )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from exc
        except (OperationalError, InterfaceError) as exc:
            # The import is one transaction: a connection lost (terminated, restarted) rolls all of it back.
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(
                f"{path}: the database connection was lost ({reason}). Nothing was imported; run the command again."
            ) from exc
        finally:
            bar.close()
            if stream is not sys.stdin.buffer:
                stream.close()
        for error in report.refused[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(report.refused) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"… and {len(report.refused) - MAX_ERRORS_SHOWN:,} more refused rows.")
        if report.refused and not partial:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
