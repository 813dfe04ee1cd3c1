"""The one way postings are written: a batch service every path calls.

The API (one posting or a list), ``import_postings``, the admin's upload and form, the demo loader,
job-board sources, tests and benchmarks all create postings with ``postings_import``; one posting is
a batch of one. It validates and sanitises every row (``rows.parse_row``), resolves segments and
employers, upserts by ``(source, external_id)``, links exact duplicates to the first posting,
extracts skills, records history and marks the demand cells it changes, batch by batch inside one
transaction. By default the batch is atomic: one refused row and nothing is written, every refused
row reported. With ``partial=True`` the good rows are written and the others reported.

Changed rows update their posting through ``posting_update``, the same service an editor's edit
uses. New rows are inserted in bulk (``careerhub.core.bulk``: PostgreSQL ``COPY``), with their
history rows derived from simple-history's model and their demand marked by ``demand_marks``,
as every other write of postings is.
"""

import logging
from collections.abc import Callable, Collection, Iterable
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from careerhub.core.after_commit import send_after_commit
from careerhub.core.bulk import insert_rows, insert_with_history
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from careerhub.core.write_conflicts import ATTEMPTS, retry_lost_races
from segments.models import Segment

from ..demand.marks import LinkFacts, PostingFacts, counted_cell, demand_marks
from ..demo import DEMO_SOURCE
from ..extraction import EXTRACTOR_VERSION, get_matcher
from ..models import Employer, Posting, PostingSkill, PostingSkillState
from ..services import POSTING_EDITABLE_FIELDS, posting_update, text_of
from .duplicates import content_hash
from .models import NearDuplicate
from .report import ImportRefused, ImportReport, Resolved, Resolver
from .rows import DETAIL_FIELDS, SALARY_FIELDS, PostingRow, RowError, parse_row

logger = logging.getLogger(__name__)

ID_CHUNK = 2000  # ids per UPDATE ... WHERE id IN (...)
TERMS_TASK_SIZE = 2000  # postings read for new terms per task
BATCH_SIZE = 1000  # rows per write batch; see docs/benchmarks.md (Ingestion) for how it was chosen
# How to add an employer a row names but the database lacks, as the import command says it.
CREATE_EMPLOYERS_FLAG = "import with --create-employers to add it"
ANALYZE_AFTER_ROWS = 1000  # new postings after which an import refreshes the planner's statistics (~0.1 s)
# Column orders of the rows ``_Importer.create`` inserts (see careerhub.core.bulk.insert_rows).
POSTING_FIELDS = (
    "version",
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
    "remote",
    "department",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "first_seen_on",
    "closed_on",
)
# The fields of an incoming row compared with the stored posting, and written on a change (with segment and
# employer, which arrive as names).
DUPLICATE_OF = POSTING_FIELDS.index("duplicate_of_id")
ROW_FIELDS = ("title", "description", "location", "url", "posted_on", *DETAIL_FIELDS, *SALARY_FIELDS)
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
    status: str = Status.PUBLISHED,
    board_ids: Collection[str] | None = None,
    create_employers_hint: str = CREATE_EMPLOYERS_FLAG,
) -> ImportReport:
    """Write postings given as ``(row number, fields or RowError)``; see the module docstring.

    New postings get ``status`` (published unless an editor's form says otherwise). A batch that loses
    a race with another writing the same postings (a unique key taken, a deadlock) is run again whole,
    a few times, when its rows are a list (a stream is read once); then ``WriteConflict`` is raised.

    ``board_ids``, from a job-board sync, is the external id of every posting the board lists now
    (refused rows included: a posting whose row is refused is still on the board). Postings of
    ``source`` not in it are closed (``closed_on`` today) and closed ones in it reopen, in the
    same transaction as the rows.

    ``create_employers_hint`` tells how to add an unknown employer where the rows came from: the command's
    flag by default; the admin's upload names its checkbox.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown status {status!r}; expected one of {', '.join(Status.values)}.")
    options = {"status": status, "source": source, "partial": partial, "create_employers": create_employers,
               "user": user, "keep_results": keep_results, "can_update": can_update,
               "create_employers_hint": create_employers_hint}  # fmt: skip

    def attempt() -> ImportReport:
        report = ImportReport(dry_run=dry_run, partial=partial)
        importer = _Importer(report, **options)
        try:
            with transaction.atomic():
                rows = iter(raw_rows)
                while batch := list(islice(rows, batch_size)):
                    importer.process(batch)
                    if progress:
                        progress(len(batch))
                if board_ids is not None and importer.writing:
                    report.closed, report.reopened = postings_close_missing(
                        source=source, board_ids=board_ids, today=importer.today
                    )
                if dry_run or (report.refused and not partial):
                    raise ImportRefused
                report.applied = True
                importer.after_commit()
        except ImportRefused:
            report.applied = False
        return report

    report = retry_lost_races(attempt, attempts=ATTEMPTS if isinstance(raw_rows, list | tuple) else 1)
    # Rows are refused in passes (reading, resolving names, writing): listed in the file's order.
    report.refused.sort(key=lambda error: error.row)
    if report.applied:
        logger.info("Posting import (%s): %s", source, report.summary())
        if report.created >= ANALYZE_AFTER_ROWS:
            refresh_statistics()
    return report


def refresh_statistics() -> None:
    """``ANALYZE`` the tables a bulk import filled (PostgreSQL), so the planner plans from today's row counts.

    A fresh database has no statistics until autovacuum gets round to it (a minute or more after a load);
    planned from none, the co-occurrence query nests loops over tens of thousands of links and takes
    half a minute instead of a fraction of a second. Statistics change where rows arrive in bulk, so
    the import refreshes them itself, after its commit.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Posting, PostingSkill):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


# The fields of a posting an editor fills in, as a row of ``postings_import`` names them.
FORM_FIELDS = ("external_id", "title", "description", "location", "url", "source", *DETAIL_FIELDS, *SALARY_FIELDS)


def posting_write(*, posting: Posting, user=None) -> Posting:
    """Write one posting an editor filled in (the admin's form): a new one is a batch of one, an edit an update.

    Refusals raise ``ValidationError`` naming the fields (``posting_form_errors`` lets a form show them first).
    """
    if posting.pk:
        stored = Posting.objects.get(pk=posting.pk)
        data = {
            name: getattr(posting, name)
            for name in POSTING_EDITABLE_FIELDS
            if getattr(posting, name) != getattr(stored, name)
        }
        # Based on the version the editor's form was opened at (the admin sets it): a posting saved since is refused.
        return posting_update(posting=stored, data=data, based_on=posting.version)
    if errors := posting_form_errors(posting):
        raise ValidationError(errors)
    report = postings_import(
        [(1, _form_row(posting))], source=posting.source, user=user, status=posting.status, keep_results=True,
        can_update=False,
    )  # fmt: skip
    if not report.applied:  # a row written by someone else since the check
        raise ValidationError(_errors_by_field(report.refused))
    return Posting.objects.get(pk=report.results[0]["id"])


def posting_form_errors(posting: Posting) -> dict[str, list[str]]:
    """What ``posting_write`` would refuse in a new posting, by field (the rules every incoming row follows)."""
    if posting.pk:
        return {}
    if Posting.objects.filter(source=posting.source, external_id=posting.external_id).exists():
        return {"external_id": ["A posting from this source with this external id exists already."]}
    _, errors = parse_row(_form_row(posting), row=1, default_source=posting.source)
    return _errors_by_field(errors)


def _form_row(posting: Posting) -> dict[str, str]:
    return {name: getattr(posting, name) for name in FORM_FIELDS} | {
        "employer": posting.employer.slug if posting.employer_id else "",
        "segment": posting.segment.slug if posting.segment_id else "",
        "posted_on": posting.posted_on.isoformat() if posting.posted_on else "",
    }


def _errors_by_field(errors: Iterable[RowError]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message)
    return by_field


class _Importer:
    """One import's state: lookups, keys seen so far, and the counts it reports."""

    def __init__(
        self, report: ImportReport, *, status, source, partial, create_employers, user, keep_results, can_update,
        create_employers_hint,
    ):
        self.report = report
        self.create_employers_hint = create_employers_hint
        self.status = status
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
        self.written_ids: list[int] = []  # created or changed: their text is read for new terms

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
                        f"Unknown employer {row.employer[:80]!r} ({self.create_employers_hint}).",
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
        # Rows locked in one order (by id) by every batch: overlapping batches wait for each other, not deadlock.
        for posting, item in sorted(updates, key=lambda update: update[0].pk):
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
        return (posting.segment_id, posting.employer_id) != (item.segment_id, item.employer_id) or any(
            getattr(posting, name) != getattr(item.row, name) for name in ROW_FIELDS
        )

    def create(self, items: list[Resolved]) -> None:
        """Insert new postings with their history, skill links and demand marks, in a few bulk writes."""
        with demand_marks() as marks:
            ids, duplicate_of = self._insert_postings(items)
            postings = [
                (posting_id, item.segment_id, item.row.posted_on, self.status, duplicate_of.get(posting_id))
                for posting_id, item in zip(ids, items, strict=True)
            ]
            links = self._insert_links(postings, items)
            marks.add_written(postings, links)
        for posting_id, item in zip(ids, items, strict=True):
            self.report.created += 1
            self.report.duplicates += posting_id in duplicate_of
            self.result(item.row.row, posting_id, "duplicate" if posting_id in duplicate_of else "created")
        self.touched_employers.update(item.employer_id for item in items)
        self.written_ids.extend(ids)
        first = min(ids)
        self.first_new_id = first if self.first_new_id is None else min(first, self.first_new_id)

    def _insert_postings(self, items: list[Resolved]) -> tuple[list[int], dict[int, int]]:
        """Insert the postings and their history rows; return their ids (in the items' order) and the duplicates.

        An exact copy of an earlier posting is linked to it. Rows that repeat an earlier row of this
        batch are inserted after it, once its id is known, so every row is written whole.
        """
        now = timezone.now()
        published_at = now if self.status == Status.PUBLISHED else None
        originals = dict(
            Posting.objects.filter(content_hash__in={item.content_hash for item in items}, duplicate_of__isnull=True)
            .order_by("-id")  # the earliest posting wins: later rows of the dict overwrite earlier ones
            .values_list("content_hash", "id")
        )
        seen: set[str] = set()
        firsts, repeats = [], []
        for index, item in enumerate(items):
            (repeats if item.content_hash in seen else firsts).append(index)
            seen.add(item.content_hash)
        # Inserted in key order by every batch: two batches taking the same new keys wait on the first
        # one they share instead of each holding one the other needs (a deadlock).
        for indexes in (firsts, repeats):
            indexes.sort(key=lambda i: (items[i].row.source, items[i].row.external_id))
        ids: list[int] = [0] * len(items)
        duplicate_of: dict[int, int] = {}
        user_id = getattr(self.user, "pk", None)
        for indexes in (firsts, repeats):
            rows = [
                (1, self.status, published_at, now, now, items[i].row.title, items[i].row.description,
                 items[i].row.location, items[i].row.posted_on, items[i].row.url, items[i].row.source,
                 items[i].row.external_id, items[i].employer_id, items[i].segment_id, items[i].content_hash,
                 originals.get(items[i].content_hash), *_details(items[i].row), self.today, None)
                for i in indexes
            ]  # fmt: skip
            new_ids = insert_with_history(Posting, POSTING_FIELDS, rows, now=now, user_id=user_id, reason="Imported")
            for index, posting_id, row in zip(indexes, new_ids, rows, strict=True):
                ids[index] = posting_id
                if row[DUPLICATE_OF]:
                    duplicate_of[posting_id] = row[DUPLICATE_OF]
                originals.setdefault(items[index].content_hash, posting_id)
        return ids, duplicate_of

    def _insert_links(self, postings: list[PostingFacts], items: list[Resolved]) -> list[LinkFacts]:
        """The skills found in each new posting's text, each link with the demand cell it counts in."""
        links, rows = [], []
        for posting, item in zip(postings, items, strict=True):
            cell = counted_cell(posting, PostingSkillState.AUTO)  # see PostingSkill.counted_month
            for match in self.matcher.find(text_of(item.row.title, item.row.description)):
                links.append((posting[0], match.skill_id, PostingSkillState.AUTO))
                rows.append((posting[0], match.skill_id, PostingSkillState.AUTO, match.text[:255], match.start,
                             match.end, EXTRACTOR_VERSION, *cell))  # fmt: skip
        insert_rows(PostingSkill, LINK_FIELDS, rows)
        return links

    def update(self, posting: Posting, item: Resolved) -> None:
        row = item.row
        try:
            posting_update(
                posting=posting,
                data={name: getattr(row, name) for name in ROW_FIELDS}
                | {"segment": Segment(pk=item.segment_id), "employer": Employer(pk=item.employer_id)},
            )
        except ValidationError as exc:
            self.refuse(RowError(row.row, name, "; ".join(messages)) for name, messages in exc.message_dict.items())
            return
        self.report.updated += 1
        self.written_ids.append(posting.pk)
        self.result(row.row, posting.pk, "updated")

    def result(self, row: int, posting_id: int, outcome: str) -> None:
        if self.keep_results:
            self.report.results.append({"row": row, "id": posting_id, "outcome": outcome})

    def after_commit(self) -> None:
        """Inside the transaction: keep the near-duplicate scans it needs as rows, and queue them after commit."""
        if self.touched_employers:
            from .near_duplicates import near_duplicate_scans_mark
            from .tasks import find_near_duplicates

            near_duplicate_scans_mark(employer_ids=self.touched_employers, from_id=self.first_new_id)
            send_after_commit(find_near_duplicates)
        if self.written_ids:
            from ..terms.tasks import find_new_terms

            for start in range(0, len(self.written_ids), TERMS_TASK_SIZE):
                send_after_commit(find_new_terms, posting_ids=self.written_ids[start : start + TERMS_TASK_SIZE])


def _details(row: PostingRow) -> tuple:
    """The row's values of ``POSTING_FIELDS`` after ``duplicate_of_id`` but the last (``first_seen_on``)."""
    return tuple(getattr(row, name) for name in (*DETAIL_FIELDS, *SALARY_FIELDS))


def postings_close_missing(*, source: str, board_ids: Collection[str], today) -> tuple[int, int]:
    """Close the open postings of ``source`` its board no longer lists; reopen closed ones it lists again.

    Part of ``postings_import`` (a sync's rows and its closings commit together). Closing moves no demand
    cell (a posting counts where it was posted, closed or not), so no mark is written; the answer cache is
    told. Returns (closed, reopened).
    """
    listed = set(board_ids)
    postings = Posting.objects.filter(source=source)
    open_ids = postings.filter(closed_on__isnull=True).values_list("id", "external_id")
    closing = [pk for pk, external_id in open_ids if external_id not in listed]
    closed_ids = postings.filter(closed_on__isnull=False).values_list("id", "external_id")
    reopening = [pk for pk, external_id in closed_ids if external_id in listed]
    for start in range(0, max(len(closing), len(reopening)), ID_CHUNK):
        Posting.objects.filter(pk__in=closing[start : start + ID_CHUNK]).update(closed_on=today)
        Posting.objects.filter(pk__in=reopening[start : start + ID_CHUNK]).update(closed_on=None)
    if closing or reopening:
        content_changed()
    return len(closing), len(reopening)


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
