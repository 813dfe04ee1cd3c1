"""Tables of job-board sources: the boards CareerHub reads, and a record of every sync."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class SourceKind(models.TextChoices):
    GREENHOUSE = "greenhouse", "Greenhouse job board"
    LEVER = "lever", "Lever postings"
    ASHBY = "ashby", "Ashby job board"
    JSONLD = "jsonld", "Careers page or sitemap (schema.org JobPosting)"
    FEED = "feed", "Feed in CareerHub's import shape (JSON Lines or CSV)"


# The providers' public, unauthenticated endpoints; a source may point elsewhere (a mirror, a test server).
DEFAULT_BASE_URLS = {
    SourceKind.GREENHOUSE: "https://boards-api.greenhouse.io",
    SourceKind.LEVER: "https://api.lever.co",
    SourceKind.ASHBY: "https://api.ashbyhq.com",
}
BOARD_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# Sources of postings that are not job boards: a board under one of these slugs would close their postings.
RESERVED_SLUGS = frozenset({"api", "import", "manual", "demo", "test", "bench"})
# Failed syncs in a row after which a source is paused until an editor resumes it.
PAUSE_AFTER_FAILURES = 3


class Source(models.Model):
    """One employer's public job board, synced on a schedule; its postings belong to one segment.

    ``slug`` is the ``source`` its postings are stored under, so a posting is upserted by (this source,
    the board's id for it). A board that answers with no jobs at all closes nothing until a second sync
    in a row agrees (``empty_answers``). Three failed syncs in a row pause it (``paused_reason``).
    """

    Kind = SourceKind

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=60, unique=True, blank=True,
        help_text="Its postings' source: lowercase letters, digits, hyphens (empty: from the name).",
    )  # fmt: skip
    kind = models.CharField(max_length=12, choices=SourceKind.choices)
    board = models.CharField(
        max_length=500,
        help_text="The board token (Greenhouse), site (Lever) or board name (Ashby); the address of the careers "
        "page or sitemap (jsonld) or of the file (feed).",
    )
    base_url = models.URLField(
        "base URL", max_length=300, blank=True,
        help_text="Empty: the provider's public endpoint. Set it to read a mirror or a test server.",
    )  # fmt: skip
    employer = models.ForeignKey("postings.Employer", on_delete=models.PROTECT, related_name="sources")
    segment = models.ForeignKey("segments.Segment", on_delete=models.PROTECT, related_name="sources")
    interval_hours = models.PositiveSmallIntegerField(
        "sync every (hours)", default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 30)]
    )
    active = models.BooleanField(default=True, help_text="Synced on its schedule while active and not paused.")
    paused_reason = models.TextField(
        blank=True, help_text="Why syncing stopped (set after three failed syncs in a row); empty when running."
    )
    consecutive_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    # Syncs in a row whose board listed no job at all: closing waits until two agree.
    empty_answers = models.PositiveSmallIntegerField(default=0, editable=False)
    # The validators of the last answer applied, sent back so an unchanged board answers 304.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_sync_at = models.DateTimeField(null=True, blank=True, help_text="Empty: due now.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["etag", "last_modified", "last_synced_at", "next_sync_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=~Q(board=""), name="source_board_not_empty"),
            models.CheckConstraint(condition=Q(interval_hours__gte=1), name="source_interval_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The board's form by kind: a token for the APIs, an http(s) address for pages and feeds; and a slug
        of its own (a sync closes the postings of its slug that the board no longer lists)."""
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is the source of postings written another way."})
        if self.kind in (SourceKind.JSONLD, SourceKind.FEED):
            if not self.board.startswith(("http://", "https://")):
                raise ValidationError({"board": "For this kind the board is the http(s) address to read."})
        elif self.board and not BOARD_TOKEN.match(self.board):
            raise ValidationError(
                {"board": "The board's name as the provider spells it: letters, digits, '.', '_', '-'."}
            )

    @property
    def paused(self) -> bool:
        return bool(self.paused_reason)

    @property
    def endpoint(self) -> str:
        """The base URL requests go to: the source's own, or the provider's public one."""
        return (self.base_url or DEFAULT_BASE_URLS.get(self.kind, "")).rstrip("/")


class SourceRun(models.Model):
    """What one sync of a source did: the counts, every refused posting with its reason, or the error."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        NOT_MODIFIED = "not_modified", "Board unchanged (304)"
        FAILED = "failed", "Failed: nothing written"
        DRY_RUN = "dry_run", "Dry run: nothing written"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=20, default="command", help_text="beat, command or admin.")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    started_at = models.DateTimeField()
    duration = models.FloatField(help_text="Seconds, fetch included.")
    url = models.URLField(max_length=600, blank=True)
    fetched = models.PositiveIntegerField(default=0, help_text="Postings the board listed.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    refusals = models.JSONField(
        default=list, blank=True, help_text="Each refused posting: its external id, the field and the reason."
    )
    error = models.TextField(blank=True, help_text="Why the sync failed; nothing of it was written.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="sourcerun_source_recent")]

    def __str__(self) -> str:
        return f"{self.source} at {self.started_at:%Y-%m-%d %H:%M} ({self.get_outcome_display()})"

    def summary(self) -> str:
        if self.outcome == self.Outcome.FAILED:
            return f"Failed: {self.error}"
        if self.outcome == self.Outcome.NOT_MODIFIED:
            return "Board unchanged since the last sync."
        counts = (
            f"{self.fetched:,} listed: {self.created:,} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.closed:,} closed, {self.reopened:,} reopened, "
            f"{self.refused:,} refused"
        )
        prefix = "Dry run, would apply. " if self.outcome == self.Outcome.DRY_RUN else ""
        return f"{prefix}{counts}." + (f" {self.note}" if self.note else "")
