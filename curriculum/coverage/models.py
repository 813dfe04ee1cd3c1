"""Tables of curriculum coverage: the dirty-mark outbox, the current results and their history.

Coverage compares what a track teaches (the skills of its published modules) with what the
segments it targets ask for (the demand summaries). Results are recomputed from those sources
whenever a mark names the track, never patched; ``recompute_coverage --verify`` checks that.
Skills, modules and tracks are stored by id in the JSON findings, so a renamed skill never
leaves a stale name behind: names are read when the findings are shown.
"""

from django.db import models
from django.db.models import Q


class CoverageMark(models.Model):
    """A track whose coverage a committed write may have changed (a transactional outbox row).

    Inserted by curriculum writes and by the demand engine when summaries of a targeted segment
    change, deleted only by the recompute that claimed it. Duplicates coalesce when claimed.
    """

    track = models.ForeignKey("curriculum.Track", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"track {self.track_id} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class TrackCoverage(models.Model):
    """The current coverage of one track, with the demand snapshot and curriculum state it was computed from.

    ``coverage`` is the mean of the track's per-segment coverages that have demand (empty when none
    has). ``duplicates`` and ``modules`` hold the findings by id; see ``curriculum.coverage.results``.
    """

    track = models.OneToOneField("curriculum.Track", on_delete=models.CASCADE, related_name="coverage")
    computed_at = models.DateTimeField()
    # The demand snapshot: the window read, and what the summaries were computed from.
    as_of = models.DateField(help_text="The last month of the demand window.")
    window_months = models.PositiveSmallIntegerField()
    taxonomy_version = models.CharField(max_length=64, blank=True, help_text="Of the demand summaries read.")
    extractor_version = models.CharField(max_length=40, blank=True, help_text="Of the demand summaries read.")
    demand_computed_at = models.DateTimeField(null=True, blank=True, help_text="The newest demand summary read.")
    demand_digest = models.CharField(max_length=64, help_text="Fingerprint of the demand figures read.")
    # The curriculum state: the track's level, status, segments and published modules with their skills.
    curriculum_digest = models.CharField(max_length=64, help_text="Fingerprint of the curriculum state read.")
    coverage = models.FloatField(null=True, blank=True, help_text="Cumulative: with the tracks before it.")
    own_coverage = models.FloatField(null=True, blank=True, help_text="What the track's own modules teach.")
    # The published tracks before it on the learning path (ids, in path order): their modules count as taught.
    path = models.JSONField(default=list, blank=True)
    taught_skills = models.PositiveIntegerField(default=0)
    duplicates = models.JSONField(default=dict, blank=True)
    modules = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "coverage"
        verbose_name_plural = "coverage"
        ordering = ["track__display_order", "track__title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage__isnull=True) | Q(coverage__gte=0, coverage__lte=1), name="trackcoverage_range"
            ),
            models.CheckConstraint(
                condition=Q(own_coverage__isnull=True) | Q(own_coverage__gte=0, own_coverage__lte=1),
                name="trackcoverage_own_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Coverage of {self.track}"


class SegmentCoverage(models.Model):
    """How much of one targeted segment's demand a track teaches, with its gaps and surplus.

    ``coverage`` is cumulative: what a learner has been taught once they finish the track, by its modules
    and those of the tracks before it on the learning path; ``own_coverage`` is the track's own modules'
    share. Both are empty when the segment had no counted postings in the window. Gaps are the path's
    (taught by neither); surplus is of the track's own skills.
    """

    track_coverage = models.ForeignKey(TrackCoverage, on_delete=models.CASCADE, related_name="segments")
    segment = models.ForeignKey("segments.Segment", on_delete=models.CASCADE, related_name="+")
    coverage = models.FloatField(null=True, blank=True)
    own_coverage = models.FloatField(null=True, blank=True)
    postings = models.PositiveIntegerField(default=0, help_text="Counted postings of the segment in the window.")
    demand_skills = models.PositiveSmallIntegerField(
        default=0, help_text="Skills in a tier: core, distinguishing or rising."
    )
    taught_demand_skills = models.PositiveSmallIntegerField(default=0)
    own_taught_demand_skills = models.PositiveSmallIntegerField(default=0)
    gaps = models.JSONField(default=list, blank=True)
    surplus = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["track_coverage", "segment__name"]
        constraints = [
            models.UniqueConstraint(fields=["track_coverage", "segment"], name="segmentcoverage_unique"),
            models.CheckConstraint(
                condition=Q(coverage__isnull=True) | Q(coverage__gte=0, coverage__lte=1), name="segmentcoverage_range"
            ),
            models.CheckConstraint(
                condition=Q(own_coverage__isnull=True) | Q(own_coverage__gte=0, own_coverage__lte=1),
                name="segmentcoverage_own_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track_coverage.track} · {self.segment}"


class CoverageHistory(models.Model):
    """A recorded change of a track's coverage, against one segment or (without a segment) overall.

    A row is added only when a recompute changes the figure or what it was computed from.
    """

    track = models.ForeignKey("curriculum.Track", on_delete=models.CASCADE, related_name="coverage_history")
    segment = models.ForeignKey("segments.Segment", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField()
    coverage = models.FloatField(null=True, blank=True)
    as_of = models.DateField()
    demand_digest = models.CharField(max_length=64)
    curriculum_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name_plural = "coverage history"
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["track", "computed_at"], name="coveragehistory_track_time")]

    def __str__(self) -> str:
        return f"{self.track_id}/{self.segment_id or 'overall'} at {self.computed_at:%Y-%m-%d}: {self.coverage}"
