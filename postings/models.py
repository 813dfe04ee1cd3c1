"""What employers ask for: the skill taxonomy, employers, job postings and their skills."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from careerhub.core.editorial import EditorialModel
from segments.models import Segment

from .demo import DEMO_SOURCE

EARLIEST_POSTING_DATE = datetime.date(2000, 1, 1)
MAX_POSTING_TEXT = 100_000
# Postings sent through the API are of this source unless the sender may name another (WRITE_ANY_SOURCE).
API_SOURCE = "api"
WRITE_ANY_SOURCE = "write_any_source"


class SkillCategory(models.Model):
    """A shelf of the taxonomy (containers and orchestration, ML monitoring, ...)."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=40, default="curated", help_text="Where the category came from.")
    external_id = models.CharField(
        max_length=255, blank=True, help_text="Its identifier at the source (a UNSPSC commodity code, an ESCO code)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name_plural = "skill categories"
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="skillcategory_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class SkillType(models.TextChoices):
    TOOL = "tool", "Tool or technology"
    PRACTICE = "practice", "Practice"
    SOFT_SKILL = "soft_skill", "Soft skill"
    CERTIFICATION = "certification", "Certification"


class Skill(EditorialModel):
    """A canonical skill employers ask for: a tool, a practice, a soft skill or a certification.

    Postings are matched against the name and the aliases; demand is counted per skill.
    """

    Type = SkillType

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    type = models.CharField(max_length=16, choices=SkillType.choices, default=SkillType.TOOL)
    description = models.TextField(blank=True)
    # "Go", "R", "Helm": the name is a common word and only counts with supporting context.
    name_ambiguous = models.BooleanField(
        "name needs context", default=False, help_text="The name is an ordinary word ('Go', 'Helm')."
    )
    source = models.CharField(max_length=40, default="curated", help_text="Where the skill came from.")
    esco_uri = models.CharField("ESCO URI", max_length=255, blank=True, db_index=True)
    onet_code = models.CharField("O*NET commodity code", max_length=20, blank=True, db_index=True)
    onet_hot_technology = models.BooleanField("O*NET hot technology", default=False)
    onet_in_demand = models.BooleanField("O*NET in demand", default=False)
    # Set when an editor saves the skill: importers then leave its fields alone.
    editor_edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The fields an editor changed, by name: an import never overwrites them.
    editor_fields = models.JSONField(default=list, blank=True, editable=False)

    class Meta(EditorialModel.Meta):
        ordering = ["name"]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.UniqueConstraint(
                Lower("name"),
                name="skill_name_unique_ci",
                violation_error_message="A skill with this name already exists (names are compared ignoring case).",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="skill_name_not_empty"),
            models.CheckConstraint(condition=Q(type__in=SkillType.values), name="skill_type_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("postings:skill-detail", kwargs={"slug": self.slug})


class SkillAlias(models.Model):
    """Another way postings write a skill ("k8s" for Kubernetes), with its own matching rules."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=255)
    case_sensitive = models.BooleanField(default=False)
    ambiguous = models.BooleanField(default=False, help_text="Counts only with supporting context ('Spark').")
    source = models.CharField(max_length=40, default="curated")
    # Added or changed by an editor: importers neither change nor remove it.
    editor_edited = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the taxonomy's version: a changed alias rebuilds the matcher.
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["text"]
        verbose_name_plural = "skill aliases"
        constraints = [
            models.UniqueConstraint(
                Lower("text"),
                name="skillalias_text_unique_ci",
                violation_error_message="This alias already exists (aliases are compared ignoring case).",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="skillalias_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        self.text = self.text.strip()
        clash = Skill.objects.filter(name__iexact=self.text)
        if self.skill_id:
            clash = clash.exclude(pk=self.skill_id)
        if clash.exists():
            raise ValidationError({"text": f"“{self.text}” is the name of another skill."})


class RemovedSkillAlias(models.Model):
    """A spelling an editor removed from the taxonomy: imports never add it back.

    Kept until an editor adds the spelling again. A record an import matches only by this spelling
    merges into the skill it was removed from (without the spelling), or is skipped when that skill
    is gone.
    """

    text = models.CharField(max_length=255)
    skill = models.ForeignKey(Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    removed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "removed skill alias"
        verbose_name_plural = "removed skill aliases"
        constraints = [models.UniqueConstraint(Lower("text"), name="removedskillalias_text_unique_ci")]

    def __str__(self) -> str:
        return self.text


class TaxonomyRevision(models.Model):
    """The taxonomy's revision, moved by database triggers on every write to skills and aliases.

    The extractor's cached automaton and every demand batch ask for the taxonomy's version. Reading
    this one row costs the same whatever the taxonomy's size (fingerprinting the tables, by counts
    and latest edits, scanned both: 17 ms at 44,000 skills and aliases). The triggers (migration
    ``0011_taxonomy_revision``) see every path, admin, services, importers' bulk writes and raw SQL,
    so no writer has to remember to move it; being a row, it moves with the writing transaction.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    revision = models.BigIntegerField(default=0)
    # Set by the triggers; with the revision it tells apart two taxonomies of a database emptied in between.
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"taxonomy revision {self.revision}"


class SkillMerge(models.Model):
    """The record of one skill merged into another: what was moved, so the taxonomy's history stays readable."""

    merged_name = models.CharField(max_length=255, help_text="The name of the skill merged away.")
    merged_slug = models.SlugField(max_length=255)
    merged_id = models.PositiveIntegerField(help_text="The id the merged skill had.")
    into = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="merges")
    links_moved = models.PositiveIntegerField(default=0)
    aliases_moved = models.PositiveIntegerField(default=0)
    modules_moved = models.PositiveIntegerField(default=0)
    merged_by = models.CharField(max_length=150, blank=True)
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.into}"


class Employer(models.Model):
    """A company that posts jobs."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="employer_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class WorkplaceType(models.TextChoices):
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On-site"


class SalaryPeriod(models.TextChoices):
    YEAR = "year", "a year"
    MONTH = "month", "a month"
    WEEK = "week", "a week"
    DAY = "day", "a day"
    HOUR = "hour", "an hour"


class Posting(EditorialModel):
    """A job posting: the evidence demand figures are counted from.

    ``(source, external_id)`` identifies a posting in the system it came from, so the
    same posting imported twice is one row.
    """

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="postings")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="postings")
    title = models.CharField(max_length=300)
    description = models.TextField(validators=[MaxLengthValidator(MAX_POSTING_TEXT)])
    location = models.CharField(max_length=200, blank=True)
    posted_on = models.DateField(db_index=True)
    url = models.URLField(max_length=500, blank=True)
    source = models.SlugField(max_length=60, default="manual")
    external_id = models.CharField(max_length=200)
    skills = models.ManyToManyField(Skill, through="PostingSkill", related_name="postings", blank=True)
    # An exact duplicate (same employer, title and text) of an earlier posting is linked to it
    # and not counted again in demand.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # A fingerprint of the normalised employer, title and text: exact duplicates share it, across sources.
    content_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    # What job boards say beside the text, kept where the provider gives it.
    remote = models.CharField(
        "remote or on-site", max_length=10, choices=WorkplaceType.choices, blank=True,
        help_text="Empty when the source does not say.",
    )  # fmt: skip
    department = models.CharField(max_length=200, blank=True)
    employment_type = models.CharField(max_length=60, blank=True, help_text="Full-time, part-time, contract, ...")
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code (USD, EUR, ...).")
    salary_period = models.CharField(max_length=10, choices=SalaryPeriod.choices, blank=True)
    # The day CareerHub first saw the posting (its import or the sync that found it): ``posted_on`` is the
    # day the employer says it was published, which a board may not give or may give late.
    first_seen_on = models.DateField(null=True, blank=True, editable=False)
    # Set by a job-board sync on the first day the posting was no longer on its board; cleared if it
    # comes back. A closed posting stays: it was asked for, and still counts where it was posted.
    closed_on = models.DateField(null=True, blank=True, editable=False)

    # The one visibility rule (careerhub.core.visibility.public_q): a posting is shown under its segment,
    # public only while that is.
    public_parents = ("segment",)

    class Meta(EditorialModel.Meta):
        ordering = ["-posted_on", "-id"]
        # The API writes postings of the ``api`` source; another source (a job board's, an import's) only
        # with this permission, which the editors' group does not get (``editor_group_sync``).
        permissions = [(WRITE_ANY_SOURCE, "Can send postings of any source through the API")]
        constraints = [
            *EditorialModel.Meta.constraints,
            models.UniqueConstraint(fields=["source", "external_id"], name="posting_source_external_id_unique"),
            models.CheckConstraint(condition=Q(posted_on__gte=EARLIEST_POSTING_DATE), name="posting_posted_on_min"),
            models.CheckConstraint(condition=~Q(title=""), name="posting_title_not_empty"),
            models.CheckConstraint(condition=~Q(external_id=""), name="posting_external_id_not_empty"),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True) | Q(salary_max__isnull=True) | Q(salary_min__lte=F("salary_max")),
                name="posting_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(remote="") | Q(remote__in=WorkplaceType.values), name="posting_remote_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["segment", "posted_on"], name="posting_segment_posted_on"),
            # The public list, newest first: a page is read from the index, not sorted from the table.
            models.Index(
                fields=["-posted_on", "-id"], name="posting_published_recent", condition=Q(status="published")
            ),
            # The public list of one segment, newest first (a segment filter, with a skill or dates or not): read
            # from the index in page order, not by walking every segment's postings (1,000,000 postings: a
            # segment and skill filter read 9,500 postings and took 70 to 85 ms).
            models.Index(
                fields=["segment", "-posted_on", "-id"],
                name="posting_segment_recent",
                condition=Q(status="published"),
            ),
            # The postings that count in demand, by segment and date: a segment-month total is an index-only count.
            models.Index(
                fields=["segment", "posted_on"],
                name="posting_counted_segment_date",
                condition=Q(status="published", duplicate_of__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.employer})" if self.employer_id else self.title

    def get_absolute_url(self) -> str:
        return reverse("postings:posting-detail", kwargs={"pk": self.pk})

    @property
    def is_demo(self) -> bool:
        """Part of the synthetic demo set (``load_demo_postings``), to be labelled as such wherever shown."""
        return self.source == DEMO_SOURCE

    @property
    def is_open(self) -> bool:
        """Still listed by its board (or not from a job board at all): no ``closed_on``."""
        return self.closed_on is None

    @property
    def details(self) -> list[str]:
        """What a board said beside the text, in words: remote or on-site, department, employment type, pay."""
        parts = [self.get_remote_display() if self.remote else "", self.department, self.employment_type]
        if self.salary_min is not None or self.salary_max is not None:
            given = (amount for amount in (self.salary_min, self.salary_max) if amount is not None)
            amounts = "\N{EN DASH}".join(f"{amount:,}" for amount in given)
            period = f" {self.get_salary_period_display()}" if self.salary_period else ""
            parts.append(f"{self.salary_currency} {amounts}{period}")
        return [part for part in parts if part]

    def clean(self) -> None:
        if self.posted_on and self.posted_on > timezone.localdate():
            raise ValidationError({"posted_on": "A posting cannot be dated in the future."})
        if self.posted_on and self.posted_on < EARLIEST_POSTING_DATE:
            raise ValidationError({"posted_on": "Postings before 2000-01-01 are not accepted."})


class PostingSkillState(models.TextChoices):
    AUTO = "auto", "Found by the extractor"
    ACCEPTED = "accepted", "Accepted by an editor"
    REJECTED = "rejected", "Rejected by an editor"
    ADDED = "added", "Added by an editor"


class PostingSkill(models.Model):
    """A skill a posting asks for, with the evidence of how it was found.

    Editors' decisions (accepted, rejected, added) survive re-extraction; a rejected link is kept
    so the extractor does not add it again, and is not counted in demand.
    """

    State = PostingSkillState

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="posting_skills")
    # PROTECT: a skill in use is merged into another, never deleted from under its postings.
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="posting_skills")
    state = models.CharField(max_length=10, choices=PostingSkillState.choices, default=PostingSkillState.ADDED)
    matched_text = models.CharField(max_length=255, blank=True, help_text="The words in the posting that matched.")
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Offset of the match in the text.")
    end = models.PositiveIntegerField(null=True, blank=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    # The demand cell this link counts in: a copy of its posting's segment and month, set while the
    # posting counts (published, not a duplicate) and the link is not rejected, null otherwise.
    # Kept by the demand engine's write side (``postings.demand.marks``) in the write's transaction,
    # so that recounting one cell reads only that cell's links, from one index.
    counted_segment_id = models.BigIntegerField(null=True, blank=True, editable=False)
    counted_month = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["counted_segment_id", "counted_month"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["posting", "skill"], name="postingskill_unique"),
            models.CheckConstraint(condition=Q(state__in=PostingSkillState.values), name="postingskill_state_valid"),
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(end__gt=F("start")),
                name="postingskill_span_valid",
            ),
        ]
        # Postings asking for a skill, in id order: the skill filter of the postings list and co-occurrence.
        indexes = [
            models.Index(fields=["skill", "posting"], name="postingskill_skill_posting"),
            # One demand cell's links: the drain recounts a cell with an index-only count.
            models.Index(
                fields=["counted_segment_id", "counted_month", "skill"],
                name="postingskill_counted_cell",
                condition=Q(counted_month__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} → {self.skill}"


# The demand engine's and the ingestion's tables live with them; imported here so Django registers them.
from .demand.models import DemandMark, DemandRun, SegmentDayCount, SegmentMonthTotal, SkillDemand  # noqa: E402
from .ingest.models import ImportJob, NearDuplicate  # noqa: E402
from .sources.models import Source, SourceRun  # noqa: E402
from .terms.models import NewTerm, NewTermMention  # noqa: E402

__all__ = [
    "EARLIEST_POSTING_DATE",
    "MAX_POSTING_TEXT",
    "DemandMark",
    "DemandRun",
    "Employer",
    "ImportJob",
    "NearDuplicate",
    "NewTerm",
    "NewTermMention",
    "Posting",
    "PostingSkill",
    "PostingSkillState",
    "SegmentDayCount",
    "SegmentMonthTotal",
    "Skill",
    "SkillAlias",
    "SkillCategory",
    "SkillDemand",
    "SkillMerge",
    "SkillType",
    "Source",
    "SourceRun",
]
