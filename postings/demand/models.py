"""Tables of the demand engine: the dirty-mark outbox, the summaries, and the record of runs."""

from django.db import models
from django.db.models import Q


class DemandMark(models.Model):
    """A segment-month whose figures a committed write may have changed (a transactional outbox row).

    ``skill`` names one cell's count; a mark without a skill names the segment-month's total, and
    its ``day`` the day whose count changed (none: every day of the month). Rows are only
    inserted by writers and only deleted by the recompute that claimed them, so writers never
    wait on the engine. Duplicates are expected and coalesce when claimed.
    """

    segment = models.ForeignKey("segments.Segment", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    skill = models.ForeignKey("postings.Skill", on_delete=models.CASCADE, null=True, related_name="+")
    day = models.DateField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.segment_id}/{self.month:%Y-%m}/{self.skill_id or 'total'}"


class SummaryRow(models.Model):
    """Provenance shared by every summary row: when and from which taxonomy and extractor."""

    computed_at = models.DateTimeField()
    taxonomy_version = models.CharField(max_length=64)
    extractor_version = models.CharField(max_length=40)

    class Meta:
        abstract = True


class SkillDemand(SummaryRow):
    """How many counted postings of a segment (or of all segments) asked for a skill in a month.

    Counted postings are published, not duplicates of another posting, and the link is not
    rejected by an editor. Cells with no postings have no row. Shares and ranks are derived
    from these counts and ``SegmentMonthTotal`` when read.
    """

    segment = models.ForeignKey(
        "segments.Segment", on_delete=models.CASCADE, null=True, blank=True, related_name="skill_demand",
        help_text="Empty for the row of all segments together.",
    )
    skill = models.ForeignKey("postings.Skill", on_delete=models.CASCADE, related_name="demand")
    month = models.DateField()
    postings = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "skill demand"
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "skill", "month"], condition=Q(segment__isnull=False), name="skilldemand_cell_unique"
            ),
            models.UniqueConstraint(
                fields=["skill", "month"], condition=Q(segment__isnull=True), name="skilldemand_all_cell_unique"
            ),
            models.CheckConstraint(condition=Q(postings__gt=0), name="skilldemand_postings_positive"),
        ]
        indexes = [
            models.Index(fields=["segment", "month"], name="skilldemand_segment_month"),
            models.Index(fields=["skill", "month"], name="skilldemand_skill_month"),
        ]

    def __str__(self) -> str:
        return f"{self.segment or 'All segments'} · {self.skill} · {self.month:%Y-%m}: {self.postings}"


class SegmentMonthTotal(SummaryRow):
    """How many counted postings a segment (or all segments together) had in a month."""

    segment = models.ForeignKey(
        "segments.Segment", on_delete=models.CASCADE, null=True, blank=True, related_name="month_totals"
    )
    month = models.DateField()
    postings = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "month"], condition=Q(segment__isnull=False), name="segmentmonthtotal_unique"
            ),
            models.UniqueConstraint(
                fields=["month"], condition=Q(segment__isnull=True), name="segmentmonthtotal_all_unique"
            ),
            models.CheckConstraint(condition=Q(postings__gt=0), name="segmentmonthtotal_postings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.segment or 'All segments'} · {self.month:%Y-%m}: {self.postings}"


class SegmentDayCount(models.Model):
    """How many counted postings a segment had on one day: the parts of its month totals.

    A new posting changes one day's count. The drain recounts that day and adds up the month's
    days, which costs the same however many postings the month holds (recounting the month read
    every one of them: about a millisecond per 10,000). The full recompute checks these rows too.
    Days with no postings have no row.
    """

    segment = models.ForeignKey("segments.Segment", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    postings = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "day"], name="segmentdaycount_unique"),
            models.CheckConstraint(condition=Q(postings__gt=0), name="segmentdaycount_postings_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} · {self.day}: {self.postings}"


class DemandRun(models.Model):
    """One run of a recompute: what triggered it, how much it did, the drift it found, how it ended."""

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental", "Incremental (marked cells)"
        FULL = "full", "Full recompute"
        VERIFY = "verify", "Verify only"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    trigger = models.CharField(max_length=20, help_text="beat, task, command or admin")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    marks = models.PositiveIntegerField(default=0, help_text="Dirty marks claimed.")
    cells = models.PositiveIntegerField(default=0, help_text="Summary cells recomputed.")
    drift = models.PositiveIntegerField(default=0, help_text="Stored cells that differed from the source.")
    drift_sample = models.JSONField(default=list, blank=True, help_text="The first differences found.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error
