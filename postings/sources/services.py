"""Writes of job-board sources: set one up, sync it (through the one posting write path), pause and resume.

A sync fetches the board outside any transaction (a slow board never holds a database lock), then
writes every listed posting with ``postings_import`` (partial: a refused posting is recorded with its
reason and the others go in) and closes those the board no longer lists, all in one transaction, so a
sync applies whole or not at all. Its ``SourceRun`` is recorded whatever happened.
"""

import logging
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from careerhub.core.after_commit import send_after_commit
from careerhub.core.services import validated_save
from segments.models import Segment

from ..ingest.services import postings_import
from ..models import Employer, Posting
from .http import Client, FetchError
from .kinds import Listing, reader_for
from .models import PAUSE_AFTER_FAILURES, Source, SourceRun

logger = logging.getLogger(__name__)

REFUSALS_KEPT = 500  # refused postings listed in a run record (the count is always exact)


@transaction.atomic
def source_save(*, source: Source) -> Source:
    """Validate and save a source; the slug (its postings' source) follows the name when empty."""
    if not source.slug:
        source.slug = slugify(source.name or f"{source.kind}-{source.board}")[:60]
    if not source.name:
        source.name = f"{source.employer.name if source.employer_id else source.board} ({source.get_kind_display()})"
    return validated_save(source)


def source_create(
    *,
    kind: str,
    board: str,
    employer: Employer,
    segment: Segment,
    name: str = "",
    base_url: str = "",
    interval_hours: int = 24,
) -> Source:
    """Set up a source (what ``add_source`` and the admin's form do)."""
    source = Source(
        kind=kind, board=board.strip(), employer=employer, segment=segment, name=name.strip(),
        base_url=base_url.strip(), interval_hours=interval_hours,
    )  # fmt: skip
    return source_save(source=source)


@transaction.atomic
def source_resume(*, source: Source) -> Source:
    """An editor resumes a paused source: its failure count starts again and it is due at once."""
    source.paused_reason, source.consecutive_failures, source.next_sync_at = "", 0, None
    source.active = True
    return validated_save(source)


@transaction.atomic
def source_delete(*, source: Source) -> None:
    """Delete a source and its run records; its postings stay (they are evidence), under its slug."""
    source.delete()


def source_sync(*, source: Source, dry_run: bool = False, trigger: str = "command") -> SourceRun:
    """Sync one source now and record the run (see the module docstring). Never raises for a board's fault."""
    started, clock = timezone.now(), time.perf_counter()
    run = SourceRun(source=source, trigger=trigger[:20], started_at=started, outcome=SourceRun.Outcome.FAILED)
    listing: Listing | None = None
    client = Client()
    try:
        listing = reader_for(source.kind)(source, client)
        run.url = listing.url[:600]
        if listing.not_modified:
            run.outcome = SourceRun.Outcome.NOT_MODIFIED
        else:
            _apply(source, listing, run, dry_run=dry_run)
    except FetchError as exc:
        run.error = str(exc)
    except Exception as exc:
        logger.exception("Sync of source %s failed", source.pk)
        run.error = f"Unexpected error ({type(exc).__name__}): {str(exc)[:500]}"
    finally:
        client.close()
    run.duration = time.perf_counter() - clock
    _record(source, run, listing, dry_run=dry_run)
    logger.info("Source %s synced (%s): %s", source.slug, trigger, run.summary())
    return run


def _apply(source: Source, listing: Listing, run: SourceRun, *, dry_run: bool) -> None:
    """Write the listing through ``postings_import`` and close what the board no longer lists (one transaction)."""
    if not listing.rows and listing.unread_urls:
        raise FetchError(f"None of the {len(listing.unread_urls):,} pages could be read: {listing.notes[0]}")
    stored = Posting.objects.filter(source=source.slug)
    dates = dict(stored.values_list("external_id", "posted_on"))
    today = timezone.localdate()
    owner = {"employer": source.employer.slug, "segment": source.segment.slug}
    rows = [
        (number, _completed(row, owner, dates, today) if isinstance(row, dict) else row)
        for number, row in listing.rows
    ]
    board_ids: list[str] | None = listing.ids
    if listing.unread_urls:  # postings of pages not read this time stay as they are
        board_ids = [*board_ids, *stored.filter(url__in=listing.unread_urls).values_list("external_id", flat=True)]
    empty = not listing.rows
    if empty and source.empty_answers == 0 and stored.filter(closed_on__isnull=True).exists():
        board_ids = None
        run.note = "The board listed no job at all: nothing is closed until the next sync agrees."
    with transaction.atomic():
        Source.objects.select_for_update().filter(pk=source.pk).first()  # one sync of a source at a time
        report = postings_import(
            rows, source=source.slug, partial=True, dry_run=dry_run, board_ids=board_ids, create_employers=False
        )
    run.outcome = SourceRun.Outcome.DRY_RUN if dry_run else SourceRun.Outcome.APPLIED
    run.fetched = len(listing.rows)
    for name in ("created", "updated", "unchanged", "closed", "reopened"):
        setattr(run, name, getattr(report, name))
    run.refused = len({error.row for error in report.refused})
    run.refusals = [
        {"row": e.row, "external_id": listing.row_ids.get(e.row, ""), "field": e.field, "message": e.message}
        for e in report.refused[:REFUSALS_KEPT]
    ]
    run.note = " ".join([run.note, *listing.notes[:20]]).strip()


def _completed(row: dict, owner: dict[str, str], dates: dict, today) -> dict:
    """The row with the source's employer and segment where it names none, and a date where the board gave none:
    the date the posting was stored with, or the day it is first seen."""
    row = row | {name: value for name, value in owner.items() if not row.get(name)}
    if not row.get("posted_on"):
        known = dates.get(str(row.get("external_id")))
        row["posted_on"] = (known or today).isoformat()
    return row


@transaction.atomic
def _record(source: Source, run: SourceRun, listing: Listing | None, *, dry_run: bool) -> None:
    """Save the run and move the source's state on: schedule, validators, the empty-board rule, failures."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    run.source = source
    run.full_clean()
    run.save()
    if dry_run:
        return
    now = timezone.now()
    source.last_synced_at = now
    source.next_sync_at = now + timedelta(hours=source.interval_hours)
    if run.outcome == SourceRun.Outcome.FAILED:
        source.consecutive_failures += 1
        if source.consecutive_failures >= PAUSE_AFTER_FAILURES and not source.paused_reason:
            source.paused_reason = (
                f"Paused on {now:%Y-%m-%d %H:%M} UTC after {source.consecutive_failures} failed syncs in a row. "
                f"Last error: {run.error}"
            )
    else:
        source.consecutive_failures = 0
        source.paused_reason = ""  # a sync that worked (an editor's manual try) ends a pause
    if run.outcome == SourceRun.Outcome.APPLIED and listing is not None:
        source.etag, source.last_modified = listing.etag, listing.last_modified
        source.empty_answers = source.empty_answers + 1 if not listing.rows else 0
    # A queryset update: a sync's bookkeeping is in its run record, not worth a history entry of the source each day.
    Source.objects.filter(pk=source.pk).update(
        **{name: getattr(source, name) for name in ("last_synced_at", "next_sync_at", "consecutive_failures",
                                                    "paused_reason", "etag", "last_modified", "empty_answers")}
    )  # fmt: skip


def sources_claim_due(*, trigger: str = "beat") -> list[int]:
    """Claim the sources due a sync (active, not paused, their time come) and queue a sync of each after commit.

    Claiming moves their next sync on by their interval in the same transaction, so two beat ticks (or two
    schedulers) never queue one source twice.
    """
    from .tasks import sync_source

    now = timezone.now()
    with transaction.atomic():
        due = list(
            Source.objects.select_for_update(skip_locked=True)
            .filter(active=True, paused_reason="")
            .exclude(next_sync_at__gt=now)
            .order_by("id")
        )
        for source in due:
            next_sync = now + timedelta(hours=source.interval_hours)
            Source.objects.filter(pk=source.pk).update(next_sync_at=next_sync)  # bookkeeping: no history entry
            send_after_commit(sync_source, source_id=source.pk, trigger=trigger)
    return [source.pk for source in due]
