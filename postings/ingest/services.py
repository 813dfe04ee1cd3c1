"""Posting ingestion: the one write path for postings arriving from the API and from files.

``postings_import`` validates every row, resolves segments and employers, upserts by
``(source, external_id)``, links exact duplicates to the first posting, extracts skills, and
marks the demand cells it changes, batch by batch inside one transaction. By default the batch
is atomic: one refused row and nothing is written, every refused row reported. With
``partial=True`` the good rows are written and the others reported.
"""

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from careerhub.core.bulk import insert_rows
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from segments.models import Segment

from ..demand.marks import demand_marks, insert_marks
from ..demand.months import month_start
from ..demo import DEMO_SOURCE
from ..extraction import EXTRACTOR_VERSION, get_matcher
from ..models import Employer, Posting, PostingSkill, PostingSkillState
from ..services import posting_update, text_of
from .duplicates import content_hash, near_duplicate_pairs
from .models import ImportJob, NearDuplicate
from .readers import ImportFileError, read_rows
from .rows import PostingRow, RowError, parse_row

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # rows per write batch; see docs/benchmarks.md (Ingestion) for how it was chosen
NEAR_DUPLICATE_HISTORY = 5000  # earlier postings of the employer new ones are compared with
# Column orders of the rows ``_Importer.create`` inserts (see careerhub.core.bulk.insert_rows).
POSTING_FIELDS = (
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "title",
    "description",
    "location",
    "posted_on",
    "url",
    "source",
    "external_id",
    "employer_id",
    "segment_id",
    "content_hash",
    "duplicate_of_id",
)
HISTORY_FIELDS = (
    *POSTING_FIELDS,
    "id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)
LINK_FIELDS = (
    "posting_id",
    "skill_id",
    "state",
    "matched_text",
    "start",
    "end",
    "extractor_version",
    "counted_segment_id",
    "counted_month",
)
UPDATABLE_FIELDS = ("title", "description", "location", "url", "posted_on", "segment_id", "employer_id")


class ImportRefused(Exception):
    """Raised inside the transaction to roll back an atomic import that refused some rows."""


@dataclass
class ImportReport:
    """What an import did, or (dry run, refused) would have done."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    refused: list[RowError] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    partial: bool = False
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self, *, with_results: bool = False) -> dict[str, Any]:
        data = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "refused": len(self.refused),
            "applied": self.applied,
            "dry_run": self.dry_run,
            "errors": [error.as_dict() for error in self.refused],
        }
        if with_results:
            data["results"] = self.results
        return data

    def summary(self) -> str:
        refused = self.refused and not self.partial
        if self.dry_run:
            verb = "Would refuse the whole batch" if refused else "Would import"
        else:
            verb = "Imported" if self.applied else "Refused the whole batch; nothing imported"
        counts = (
            f"{self.rows:,} rows: {self.created:,} created ({self.duplicates:,} of them exact duplicates), "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged, {len(self.refused):,} refused"
        )
        return f"{verb}. {counts}."


class Resolver:
    """Segment and employer lookups by slug or name, case-insensitive, cached for the import."""

    def __init__(self, *, create_employers: bool):
        self.create_employers = create_employers
        self.segments: dict[str, int] = {}
        for pk, slug, name in Segment.objects.values_list("pk", "slug", "name"):
            self.segments[slug.lower()] = pk
            self.segments[name.lower()] = pk
        self.segment_names = sorted(Segment.objects.values_list("slug", flat=True))
        self.employers: dict[str, int] = {}

    def load_employers(self, names: Iterable[str]) -> None:
        wanted = {name.lower() for name in names} - self.employers.keys()
        if not wanted:
            return
        found = (
            Employer.objects.annotate(lower_name=Lower("name"), lower_slug=Lower("slug"))
            .filter(Q(lower_name__in=wanted) | Q(lower_slug__in=wanted))
            .order_by()
            .values_list("pk", "lower_name", "lower_slug")
        )
        for pk, lower_name, lower_slug in found:
            self.employers[lower_name] = pk
            self.employers.setdefault(lower_slug, pk)

    def employer(self, name: str) -> int | None:
        key = name.lower()
        if key not in self.employers and self.create_employers:
            from ..services import employer_get_or_create

            employer, _ = employer_get_or_create(name=name)
            self.employers[key] = employer.pk
        return self.employers.get(key)


@dataclass
class Resolved:
    row: PostingRow
    segment_id: int
    employer_id: int
    content_hash: str


def postings_import(
    raw_rows: Iterable[tuple[int, Any]],
    *,
    source: str,
    partial: bool = False,
    dry_run: bool = False,
    create_employers: bool = False,
    user=None,
    keep_results: bool = False,
    can_update: bool = True,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import postings given as ``(row number, fields or RowError)``; see the module docstring."""
    report = ImportReport(dry_run=dry_run, partial=partial)
    importer = _Importer(
        report,
        source=source,
        partial=partial,
        create_employers=create_employers,
        user=user,
        keep_results=keep_results,
        can_update=can_update,
    )
    try:
        with transaction.atomic():
            rows = iter(raw_rows)
            while batch := list(islice(rows, batch_size)):
                importer.process(batch)
                if progress:
                    progress(len(batch))
            if dry_run or (report.refused and not partial):
                raise ImportRefused
            report.applied = True
            importer.after_commit()
    except ImportRefused:
        report.applied = False
    if report.applied:
        logger.info("Posting import (%s): %s", source, report.summary())
    return report


class _Importer:
    """One import's state: lookups, keys seen so far, and the counts it reports."""

    def __init__(self, report: ImportReport, *, source, partial, create_employers, user, keep_results, can_update):
        self.report = report
        self.can_update = can_update
        self.source = source
        self.partial = partial
        self.user = user
        self.keep_results = keep_results
        self.resolver = Resolver(create_employers=create_employers)
        self.matcher = get_matcher()
        self.seen: dict[tuple[str, str], int] = {}
        self.today = timezone.localdate()
        self.touched_employers: set[int] = set()
        self.first_new_id: int | None = None

    def refuse(self, errors: Iterable[RowError]) -> None:
        self.report.refused.extend(errors)

    @property
    def writing(self) -> bool:
        """An atomic import stops writing at its first refused row, but goes on checking the rest."""
        return self.partial or not self.report.refused

    def process(self, batch: list[tuple[int, Any]]) -> None:
        self.report.rows += len(batch)
        parsed: list[PostingRow] = []
        for number, raw in batch:
            if isinstance(raw, RowError):
                self.refuse([raw])
                continue
            row, errors = parse_row(raw, row=number, default_source=self.source, today=self.today)
            if errors:
                self.refuse(errors)
            else:
                parsed.append(row)
        resolved = self.resolve(parsed)
        if self.writing and resolved:
            self.write(resolved)

    def resolve(self, rows: list[PostingRow]) -> list[Resolved]:
        self.resolver.load_employers(row.employer for row in rows)
        resolved = []
        for row in rows:
            key = (row.source, row.external_id)
            if key in self.seen:
                self.refuse(
                    [
                        RowError(
                            row.row,
                            "external_id",
                            f"{row.external_id!r} from {row.source!r} is already in row {self.seen[key]}.",
                        )
                    ]
                )
                continue
            self.seen[key] = row.row
            segment_id = self.resolver.segments.get(row.segment.lower())
            employer_id = self.resolver.employer(row.employer)
            errors = []
            if segment_id is None:
                errors.append(
                    RowError(
                        row.row,
                        "segment",
                        f"Unknown segment {row.segment[:80]!r}; known: {', '.join(self.resolver.segment_names)}.",
                    )
                )
            if employer_id is None:
                errors.append(
                    RowError(
                        row.row,
                        "employer",
                        f"Unknown employer {row.employer[:80]!r} (import with --create-employers to add it).",
                    )
                )
            if errors:
                self.refuse(errors)
                continue
            resolved.append(
                Resolved(row, segment_id, employer_id, content_hash(employer_id, row.title, row.description))
            )
        return resolved

    def write(self, batch: list[Resolved]) -> None:
        existing = self.existing(batch)
        creates, updates = [], []
        for item in batch:
            posting = existing.get((item.row.source, item.row.external_id))
            if posting is None:
                creates.append(item)
            elif self.changed(posting, item):
                if self.can_update:
                    updates.append((posting, item))
                else:
                    self.refuse(
                        [
                            RowError(
                                item.row.row,
                                "external_id",
                                f"Posting {posting.pk} has this source and "
                                "external_id and differs; updating it needs the change_posting permission.",
                            )
                        ]
                    )
            else:
                self.report.unchanged += 1
                self.result(item.row.row, posting.pk, "unchanged")
        if creates:
            self.create(creates)
        for posting, item in updates:
            self.update(posting, item)

    def existing(self, batch: list[Resolved]) -> dict[tuple[str, str], Posting]:
        by_source: dict[str, list[str]] = {}
        for item in batch:
            by_source.setdefault(item.row.source, []).append(item.row.external_id)
        found = {}
        for source, external_ids in by_source.items():
            for posting in Posting.objects.filter(source=source, external_id__in=external_ids).order_by():
                found[(posting.source, posting.external_id)] = posting
        return found

    @staticmethod
    def changed(posting: Posting, item: Resolved) -> bool:
        row = item.row
        return (
            posting.title,
            posting.description,
            posting.location,
            posting.url,
            posting.posted_on,
            posting.segment_id,
            posting.employer_id,
        ) != (row.title, row.description, row.location, row.url, row.posted_on, item.segment_id, item.employer_id)

    def create(self, items: list[Resolved]) -> None:
        """Insert new postings, their history rows, skill links and demand marks with a few bulk writes."""
        originals = dict(
            Posting.objects.filter(content_hash__in={item.content_hash for item in items}, duplicate_of__isnull=True)
            .order_by("-id")  # the earliest posting wins: later rows of the dict overwrite earlier ones
            .values_list("content_hash", "id")
        )
        now = timezone.now()
        rows = [
            (
                Status.PUBLISHED,
                now,
                now,
                now,
                item.row.title,
                item.row.description,
                item.row.location,
                item.row.posted_on,
                item.row.url,
                item.row.source,
                item.row.external_id,
                item.employer_id,
                item.segment_id,
                item.content_hash,
                originals.get(item.content_hash),
            )
            for item in items
        ]
        ids = insert_rows(Posting, POSTING_FIELDS, rows, with_ids=True)
        duplicate_of = {posting_id: row[-1] for posting_id, row in zip(ids, rows, strict=True) if row[-1]}
        # A row identical to an earlier row of this import is a duplicate of the posting made from it.
        in_batch: dict[int, int] = {}
        for posting_id, item in zip(ids, items, strict=True):
            original = originals.setdefault(item.content_hash, posting_id)
            if original != posting_id and posting_id not in duplicate_of:
                in_batch[posting_id] = original
        if in_batch:
            _link_duplicates(in_batch)
            duplicate_of |= in_batch
        user_id = getattr(self.user, "pk", None)
        history = [
            (*row[:-1], duplicate_of.get(posting_id), posting_id, now, "Imported", "+", user_id)
            for posting_id, row in zip(ids, rows, strict=True)
        ]
        insert_rows(Posting.history.model, HISTORY_FIELDS, history)
        links, cells = [], set()
        for posting_id, item in zip(ids, items, strict=True):
            row = item.row
            month = month_start(row.posted_on)
            counted = posting_id not in duplicate_of
            if counted:
                cells.add((item.segment_id, row.posted_on, None))  # the day's count, part of the month's total
            # The demand cell the links count in (see PostingSkill.counted_month): none for a duplicate.
            cell = (item.segment_id, month) if counted else (None, None)
            for match in self.matcher.find(text_of(row.title, row.description)):
                links.append(
                    (
                        posting_id,
                        match.skill_id,
                        PostingSkillState.AUTO,
                        match.text[:255],
                        match.start,
                        match.end,
                        EXTRACTOR_VERSION,
                        *cell,
                    )
                )
                if counted:
                    cells.add((item.segment_id, month, match.skill_id))
            self.report.created += 1
            self.report.duplicates += not counted
            self.result(row.row, posting_id, "created" if counted else "duplicate")
        insert_rows(PostingSkill, LINK_FIELDS, links)
        insert_marks(cells)
        self.touched_employers.update(item.employer_id for item in items)
        first = min(ids)
        self.first_new_id = first if self.first_new_id is None else min(first, self.first_new_id)

    def update(self, posting: Posting, item: Resolved) -> None:
        row = item.row
        try:
            posting_update(
                posting=posting,
                data={
                    "title": row.title,
                    "description": row.description,
                    "location": row.location,
                    "url": row.url,
                    "posted_on": row.posted_on,
                    "segment": Segment(pk=item.segment_id),
                    "employer": Employer(pk=item.employer_id),
                },
            )
        except ValidationError as exc:
            self.refuse(RowError(row.row, name, "; ".join(messages)) for name, messages in exc.message_dict.items())
            return
        self.report.updated += 1
        self.result(row.row, posting.pk, "updated")

    def result(self, row: int, posting_id: int, outcome: str) -> None:
        if self.keep_results:
            self.report.results.append({"row": row, "id": posting_id, "outcome": outcome})

    def after_commit(self) -> None:
        if self.touched_employers:
            from .tasks import find_near_duplicates

            employers, first = sorted(self.touched_employers), self.first_new_id
            transaction.on_commit(
                lambda: find_near_duplicates.delay(employer_ids=employers, from_id=first), robust=True
            )


def _link_duplicates(duplicate_of: dict[int, int]) -> None:
    """Point new postings at the postings they duplicate, one update per original."""
    by_original: dict[int, list[int]] = {}
    for posting_id, original in duplicate_of.items():
        by_original.setdefault(original, []).append(posting_id)
    for original, posting_ids in by_original.items():
        Posting.objects.filter(pk__in=posting_ids).update(duplicate_of_id=original)


# --- Near-duplicates -----------------------------------------------------------------------


def near_duplicates_find(*, employer_ids: Iterable[int], from_id: int) -> int:
    """Flag near-identical postings of these employers whose later posting has an id >= ``from_id``.

    New postings are compared with each other and with the employer's ``NEAR_DUPLICATE_HISTORY``
    postings before them (reposts follow their ad closely), so the work per import stays bounded
    however many postings an employer has.
    """
    found = 0
    for employer_id in sorted(set(employer_ids)):
        # Only postings not already linked as exact duplicates; texts are read one employer at a time.
        postings = Posting.objects.filter(employer_id=employer_id, duplicate_of__isnull=True)
        history = postings.filter(id__lt=from_id).order_by("-id").values_list("id", flat=True)
        oldest = history[NEAR_DUPLICATE_HISTORY - 1 : NEAR_DUPLICATE_HISTORY].first() or 0
        texts = (
            postings.filter(id__gte=oldest)
            .order_by("id")
            .values_list("id", "description")
            .iterator(chunk_size=2000)
        )
        pairs = near_duplicate_pairs(texts, new_from_id=from_id)
        NearDuplicate.objects.bulk_create(
            [
                NearDuplicate(posting_id=later, similar_to_id=earlier, similarity=score)
                for later, earlier, score in pairs
            ],
            ignore_conflicts=True,  # found again by a later run: already flagged (or decided)
        )
        found += len(pairs)
    return found


@transaction.atomic
def near_duplicate_merge(*, near_duplicate: NearDuplicate) -> Posting:
    """Keep the earlier posting; the later one becomes its duplicate (no longer counted), its history kept."""
    from ..services import posting_link_duplicate

    original = near_duplicate.similar_to
    while original.duplicate_of_id is not None:  # the earlier posting may itself have been merged since
        original = original.duplicate_of
    if original.pk == near_duplicate.posting_id:
        raise ValidationError("These postings are already merged.")
    posting_link_duplicate(posting=near_duplicate.posting, original=original)
    near_duplicate.status = NearDuplicate.Status.MERGED
    near_duplicate.save(update_fields=["status"])
    return original


@transaction.atomic
def near_duplicate_dismiss(*, near_duplicate: NearDuplicate) -> None:
    """An editor says the two postings are different ads."""
    near_duplicate.status = NearDuplicate.Status.DISMISSED
    near_duplicate.save(update_fields=["status"])


# --- Imports run from the admin --------------------------------------------------------------


def import_job_run(*, job_id: int, confirm: bool) -> str:
    """Check an uploaded file (a dry run), or import it once the editor has confirmed; record progress."""
    job = ImportJob.objects.get(pk=job_id)
    expected = ImportJob.Status.RUNNING if confirm else ImportJob.Status.PREVIEWING
    if job.status != expected:  # a redelivered task for a job already finished: nothing to do
        return job.status

    def progress(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=F("rows_done") + count)

    ImportJob.objects.filter(pk=job.pk).update(rows_done=0)
    try:
        report = postings_import(
            read_rows(io.BytesIO(bytes(job.content)), job.format),
            source=job.source,
            partial=job.partial,
            dry_run=not confirm,
            create_employers=job.create_employers,
            user=job.created_by,
            progress=progress,
        )
    except ImportFileError as exc:
        job.preview = {"file_error": str(exc)}
        job.status, job.finished_at = ImportJob.Status.FAILED, timezone.now()
        job.save(update_fields=["preview", "status", "finished_at"])
        return job.status
    result = report.as_dict() | {"summary": report.summary()}
    if not confirm:
        job.preview = result
        usable = report.accepted and (job.partial or not report.refused)
        job.status = ImportJob.Status.PREVIEWED if usable else ImportJob.Status.FAILED
    else:
        job.report = result
        job.status = ImportJob.Status.DONE if report.applied else ImportJob.Status.FAILED
        job.finished_at = timezone.now()
    job.save(update_fields=["preview", "report", "status", "finished_at"])
    return job.status


@transaction.atomic
def import_job_create(
    *, user, file_name: str, content: bytes, fmt: str, source: str, partial: bool, create_employers: bool
) -> ImportJob:
    """Store an uploaded file and queue its check (after commit, so the worker finds the job)."""
    from .tasks import run_import_job

    job = ImportJob(
        file_name=file_name[:255],
        format=fmt,
        content=content,
        source=source,
        partial=partial,
        create_employers=create_employers,
        created_by=user,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_import_job.delay(job_id=job.pk, confirm=False))
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Start the import of a checked file."""
    from .tasks import run_import_job

    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.RUNNING
    )
    if not updated:
        raise ValidationError("Only a checked file waiting for confirmation can be imported.")
    transaction.on_commit(lambda: run_import_job.delay(job_id=job.pk, confirm=True))
    job.refresh_from_db()
    return job


# --- Removing a whole source ----------------------------------------------------------------


@transaction.atomic
def postings_remove_source(*, source: str, chunk_size: int = 2000) -> int:
    """Delete every posting of one source (the demo set, a bad feed), marking the demand they counted in.

    Postings of other sources are untouched; employers left without postings by this are removed
    only when they were created for this source (their name says so, as demo employers' do).
    """
    content_changed()
    ids = list(Posting.objects.filter(source=source).order_by("id").values_list("id", flat=True))
    employer_ids = set(Posting.objects.filter(source=source).values_list("employer_id", flat=True).distinct())
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        with demand_marks(chunk):
            # Other postings linked as duplicates of these are no longer duplicates of anything.
            relinked = list(
                Posting.objects.filter(duplicate_of_id__in=chunk).exclude(source=source).values_list("id", flat=True)
            )
            with demand_marks(relinked):
                Posting.objects.filter(id__in=relinked).update(duplicate_of=None)
            NearDuplicate.objects.filter(Q(posting_id__in=chunk) | Q(similar_to_id__in=chunk)).delete()
            PostingSkill.objects.filter(posting_id__in=chunk).delete()
            Posting.objects.filter(id__in=chunk).delete()
    if source == DEMO_SOURCE:
        Employer.objects.filter(pk__in=employer_ids, name__endswith="(demo)", postings__isnull=True).delete()
    return len(ids)
