"""Tables of posting ingestion: file imports run for editors, and near-duplicates awaiting an editor."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ImportJob(models.Model):
    """A posting file uploaded in the admin: previewed (a dry run), then imported by a Celery task.

    The file is kept in the database so any worker can read it; progress and the report are
    written as the task goes, so the editor can watch it.
    """

    class Status(models.TextChoices):
        PREVIEWING = "previewing", "Checking the file"
        PREVIEWED = "previewed", "Checked: waiting for confirmation"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused: nothing imported"

    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=[("csv", "CSV"), ("jsonl", "JSON Lines")])
    content = models.BinaryField(editable=False)
    source = models.SlugField(max_length=60, default="import")
    partial = models.BooleanField(default=False, help_text="Import the good rows and report the refused ones.")
    create_employers = models.BooleanField(default=False, help_text="Create employers the file names but we lack.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWING)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True, help_text="What a dry run of the file reported.")
    report = models.JSONField(default=dict, blank=True, help_text="What the import did.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        if self.created_at is None:
            return self.file_name
        return f"{self.file_name}, uploaded {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class NearDuplicate(models.Model):
    """Two postings of one employer whose texts are nearly the same: the same ad reposted with small edits.

    Found after an import; an editor merges them (the later becomes a duplicate of the earlier and
    stops counting in demand, its history kept) or dismisses the pair.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Not a duplicate"

    posting = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="near_duplicates")
    similar_to = models.ForeignKey("postings.Posting", on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(help_text="Estimated share of shared word sequences (Jaccard).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-similarity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "similar_to"], name="nearduplicate_pair_unique"),
            models.CheckConstraint(condition=~Q(posting=F("similar_to")), name="nearduplicate_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} ≈ {self.similar_to_id} ({self.similarity:.0%})"


class NearDuplicateScan(models.Model):
    """An employer whose postings from ``from_id`` on still have to be compared for near-duplicates (an outbox row).

    Written by an import in its own transaction, so a committed import can never lose its scan; deleted by
    the scan that claimed it (``near_duplicates.near_duplicate_scans_drain``). The task queued after commit
    usually takes it at once; when that task is lost (a worker killed, a broker restarted without its
    queue), the beat sweep finds the row and scans it.
    """

    employer = models.ForeignKey("postings.Employer", on_delete=models.CASCADE, related_name="+")
    from_id = models.BigIntegerField(help_text="The first posting the import added.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"employer {self.employer_id} from posting {self.from_id}"
