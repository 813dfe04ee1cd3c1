"""How the taxonomy, employers, postings and demand look in the API, and what editors may send.

Posting creation does not use a serializer for its work: it goes through ``postings_import`` (the
create serializer below only documents the body).
"""

import datetime
from operator import attrgetter, itemgetter

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careerhub.core.api.views import (
    VERSION_HELP,
    FieldsOnceMixin,
    RowReadersMixin,
    StrictSerializer,
    plain_row_readers,
    when,
)
from careerhub.core.editorial import Status
from segments.models import Segment

from ..demand.selectors import MIN_SAMPLE
from ..demand.window import BASES, BASIS_FIRST_SEEN
from ..models import (
    API_SOURCE,
    DEMO_SOURCE,
    MAX_POSTING_TEXT,
    WRITE_ANY_SOURCE,
    Employer,
    Posting,
    PostingSkill,
    SalaryPeriod,
    Skill,
    SkillCategory,
    SkillType,
    WorkplaceType,
)


class SkillCategorySerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A shelf of the taxonomy and how many published skills it holds."""

    skill_count = serializers.IntegerField(source="published_skill_count", read_only=True)

    class Meta:
        model = SkillCategory
        fields = ("slug", "name", "description", "display_order", "skill_count")
        read_only_fields = fields


# A plain row of the list (its count is the annotation ``published_skill_count``).
SkillCategorySerializer.row_readers = plain_row_readers(SkillCategorySerializer.Meta.fields) | {
    "skill_count": lambda row: row["published_skill_count"],
}


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SkillCategory
        fields = ("slug", "name")
        read_only_fields = fields

    def to_representation(self, instance: SkillCategory) -> dict:
        return {"slug": instance.slug, "name": instance.name}  # DRF's output, without its per-field work


class TeachingSerializer(serializers.Serializer):
    """A published module (and its track) that teaches the skill."""

    track = serializers.CharField(source="track.slug", read_only=True)
    track_title = serializers.CharField(source="track.title", read_only=True)
    module = serializers.CharField(source="slug", read_only=True)
    module_title = serializers.CharField(source="title", read_only=True)

    def to_representation(self, instance) -> dict:
        return _teaching(instance)  # DRF's output, without its per-field work


@extend_schema_field(OpenApiTypes.STR)
class AliasTextField(serializers.SlugRelatedField):
    """An alias's text, read from the skill's prefetched ``alias_list`` (a list: no queryset per skill)."""


class SkillSerializer(RowReadersMixin, FieldsOnceMixin, serializers.ModelSerializer):
    """A skill with its category, the other ways postings write it, and where the curriculum teaches it."""

    category = CategoryRefSerializer(read_only=True)
    aliases = AliasTextField(source="alias_list", slug_field="text", many=True, read_only=True)
    taught_in = TeachingSerializer(source="teaching_modules", many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ("slug", "name", "category", "type", "description", "name_ambiguous", "aliases", "taught_in",
                  "status", "published_at", "updated_at", "version")
        read_only_fields = fields


def _teaching(module) -> dict:
    track = module.track
    return {"track": track.slug, "track_title": track.title, "module": module.slug, "module_title": module.title}


SkillSerializer.readers = {
    "slug": lambda s: s.slug,
    "name": lambda s: s.name,
    "category": lambda s: {"slug": s.category.slug, "name": s.category.name},
    "type": lambda s: s.type,
    "description": lambda s: s.description,
    "name_ambiguous": lambda s: s.name_ambiguous,
    "aliases": lambda s: [alias.text for alias in s.alias_list],
    "taught_in": lambda s: [_teaching(module) for module in s.teaching_modules],
    "status": lambda s: s.status,
    "published_at": lambda s: when(s.published_at),
    "updated_at": lambda s: when(s.updated_at),
    "version": lambda s: s.version,
}


# The same fields from a row of ``skill_rows`` with ``aliases`` and ``taught_in`` added by the view.
SkillSerializer.row_readers = plain_row_readers(SkillSerializer.Meta.fields, dates=("published_at", "updated_at")) | {
    "category": lambda r: {"slug": r["category__slug"], "name": r["category__name"]},
}


class SkillWriteSerializer(StrictSerializer):
    """What an editor sends to create a skill (or some of it, to change one). The slug defaults to the name's."""

    name = serializers.CharField(max_length=255)
    slug = serializers.SlugField(max_length=255, required=False)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=SkillCategory.objects.all())
    type = serializers.ChoiceField(choices=SkillType.choices, required=False)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    name_ambiguous = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class EmployerSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    website = serializers.CharField(read_only=True, help_text="A URL, or empty.")

    class Meta:
        model = Employer
        fields = ("slug", "name", "website")
        read_only_fields = fields


class PostingSkillSerializer(serializers.ModelSerializer):
    """A skill the posting asks for, and the words in the text that show it."""

    slug = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")

    class Meta:
        model = PostingSkill
        fields = ("slug", "name", "state", "matched_text", "start", "end")
        read_only_fields = fields


class PostingSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    """A posting with its skills and their evidence; ``status`` and ``duplicate_of`` for editors only."""

    employer = serializers.CharField(source="employer.name", read_only=True)
    segment = serializers.CharField(source="segment.slug", read_only=True)
    skills = PostingSkillSerializer(source="posting_skills", many=True, read_only=True)
    url = serializers.CharField(
        read_only=True, help_text="The posting at its source (a job board's page to apply from): a URL, or empty."
    )
    demo = serializers.BooleanField(
        source="is_demo", read_only=True, help_text="True for the synthetic demo set: not a real job posting."
    )
    open = serializers.BooleanField(
        source="is_open", read_only=True, help_text="False once its job board no longer lists it (closed_on)."
    )
    first_seen_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day CareerHub first saw it (its import or the sync that "
        "found it); posted_on is the day its employer says it was published.",
    )  # fmt: skip
    # Empty where the board did not say, which the schema's enums must allow.
    remote = serializers.ChoiceField(
        choices=[("", "not said"), *WorkplaceType.choices], read_only=True, help_text="Remote, hybrid or on-site."
    )
    salary_period = serializers.ChoiceField(choices=[("", "not said"), *SalaryPeriod.choices], read_only=True)
    closed_on = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="The first day a sync of its job board no longer saw it; null while open (cleared if it comes back).",
    )  # fmt: skip

    class Meta:
        model = Posting
        fields = (
            "id",
            "external_id",
            "source",
            "demo",
            "title",
            "employer",
            "segment",
            "posted_on",
            "location",
            "url",
            "open",
            "first_seen_on",
            "closed_on",
            "remote",
            "department",
            "employment_type",
            "salary_min",
            "salary_max",
            "salary_currency",
            "salary_period",
            "description",
            "skills",
            "duplicate_of",
            "status",
            "published_at",
            "version",
        )
        read_only_fields = fields

    def to_representation(self, instance: Posting | dict) -> dict:
        # Same output as DRF's generic to_representation (a test compares them), built faster; a plain
        # row of ``posting_rows`` (the API's list) with its ``skill_links`` gives the same again.
        readers = POSTING_ROW_READERS if type(instance) is dict else POSTING_READERS
        return {name: readers[name](instance) for name in self.fields}


_datetime = serializers.DateTimeField()
# What a job board says beside the text, as the model keeps it (empty or null where the board did not say).
BOARD_DETAILS = (
    "remote", "department", "employment_type", "salary_min", "salary_max", "salary_currency", "salary_period",
)  # fmt: skip


def _day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _skill_links(posting: Posting) -> list[dict]:
    if (rows := getattr(posting, "skill_links", None)) is not None:  # read for a whole page by the view
        return rows
    return [
        {"slug": link.skill.slug, "name": link.skill.name, "state": link.state, "matched_text": link.matched_text,
         "start": link.start, "end": link.end}
        for link in posting.posting_skills.all()
    ]


# How each declared field of PostingSerializer is read: the busiest page of the API builds its rows
# with these instead of DRF's field-by-field machinery (several times faster on a page of 50 postings
# with their skills). A test checks that both give the same output.
POSTING_READERS = {
    "id": lambda p: p.id,
    "external_id": lambda p: p.external_id,
    "source": lambda p: p.source,
    "demo": lambda p: p.is_demo,
    "title": lambda p: p.title,
    "employer": lambda p: p.employer.name,
    "segment": lambda p: p.segment.slug,
    "posted_on": lambda p: p.posted_on.isoformat(),
    "location": lambda p: p.location,
    "url": lambda p: p.url,
    "open": lambda p: p.is_open,
    "first_seen_on": lambda p: _day(p.first_seen_on),
    "closed_on": lambda p: _day(p.closed_on),
    **{name: attrgetter(name) for name in BOARD_DETAILS},
    "description": lambda p: p.description,
    "skills": _skill_links,
    "duplicate_of": lambda p: p.duplicate_of_id,
    "status": lambda p: p.status,
    "published_at": lambda p: _datetime.to_representation(p.published_at) if p.published_at else None,
    "version": lambda p: p.version,
}


POSTING_ROW_READERS = {
    "id": lambda r: r["id"],
    "external_id": lambda r: r["external_id"],
    "source": lambda r: r["source"],
    "demo": lambda r: r["source"] == DEMO_SOURCE,
    "title": lambda r: r["title"],
    "employer": lambda r: r["employer__name"],
    "segment": lambda r: r["segment__slug"],
    "posted_on": lambda r: r["posted_on"].isoformat(),
    "location": lambda r: r["location"],
    "url": lambda r: r["url"],
    "open": lambda r: r["closed_on"] is None,
    "first_seen_on": lambda r: _day(r["first_seen_on"]),
    "closed_on": lambda r: _day(r["closed_on"]),
    **{name: itemgetter(name) for name in BOARD_DETAILS},
    "description": lambda r: r["description"],
    "skills": lambda r: r["skill_links"],
    "duplicate_of": lambda r: r["duplicate_of_id"],
    "status": lambda r: r["status"],
    "published_at": lambda r: _datetime.to_representation(r["published_at"]) if r["published_at"] else None,
    "version": lambda r: r["version"],
}


class PostingCreateSerializer(StrictSerializer):
    """One posting sent by an editor; upserted by ``(source, external_id)``."""

    external_id = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=300)
    employer = serializers.CharField(max_length=200, help_text="The employer's name; created if new.")
    segment = serializers.CharField(max_length=120, help_text="The segment's slug or name.")
    posted_on = serializers.DateField()
    description = serializers.CharField(max_length=MAX_POSTING_TEXT)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    source = serializers.SlugField(
        max_length=60,
        required=False,
        default=API_SOURCE,
        help_text=(
            f"Where the posting comes from; with external_id it identifies the posting. `{API_SOURCE}` (the default) "
            f"is the only source an editor may send: another (a job board's, an import's) needs the "
            f"`postings.{WRITE_ANY_SOURCE}` permission, and is refused with 403 naming `source` otherwise."
        ),
    )


class PostingImportResultSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    id = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()
    dry_run = serializers.BooleanField(required=False)


class PostingWriteSerializer(StrictSerializer):
    """What an editor may change on a posting (its identity, source and external id, stays)."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=MAX_POSTING_TEXT)
    location = serializers.CharField(max_length=200, allow_blank=True)
    url = serializers.URLField(max_length=500, allow_blank=True)
    posted_on = serializers.DateField()
    segment = serializers.SlugRelatedField(slug_field="slug", queryset=Segment.objects.all())
    employer = serializers.SlugRelatedField(slug_field="slug", queryset=Employer.objects.all())
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


# --- Demand --------------------------------------------------------------------------------


class SkillRefSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    category = serializers.CharField(source="category.slug", read_only=True)


def share_or_none(postings: int, total: int) -> float | None:
    """The share of postings, or None when the sample is too small to show one."""
    return round(postings / total, 4) if total and total >= MIN_SAMPLE else None


class DemandRowSerializer(RowReadersMixin, FieldsOnceMixin, serializers.Serializer):
    """One summary cell: how many postings of a segment (or of all) asked for a skill in a month."""

    segment = serializers.CharField(source="segment.slug", read_only=True, allow_null=True)
    skill = SkillRefSerializer(read_only=True)
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    postings = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True, help_text="Postings of the segment in the month.")
    share = serializers.SerializerMethodField(help_text="postings / total; null with too few postings.")
    rank = serializers.IntegerField(read_only=True)
    basis = serializers.SerializerMethodField(help_text="first_seen: a posting counts in the month first seen.")

    def get_basis(self, row) -> str:
        return BASIS_FIRST_SEEN

    def get_month(self, row) -> str:
        return f"{row.month:%Y-%m}"

    def get_share(self, row) -> float | None:
        return share_or_none(row.postings, row.total or 0)


DemandRowSerializer.readers = {
    "segment": lambda row: None if row.segment_id is None else row.segment.slug,
    "skill": lambda row: {"slug": row.skill.slug, "name": row.skill.name, "category": row.skill.category.slug},
    "month": lambda row: f"{row.month:%Y-%m}",
    "postings": lambda row: row.postings,
    "total": lambda row: row.total,
    "share": lambda row: share_or_none(row.postings, row.total or 0),
    "rank": lambda row: row.rank,
    "basis": lambda row: BASIS_FIRST_SEEN,
}


# The same fields from a row of ``demand_rows``.
DemandRowSerializer.row_readers = {
    "segment": lambda r: None if r["segment_id"] is None else r["segment__slug"],
    "skill": lambda r: {"slug": r["skill__slug"], "name": r["skill__name"], "category": r["skill__category__slug"]},
    "month": lambda r: f"{r['month']:%Y-%m}",
    "postings": lambda r: r["postings"],
    "total": lambda r: r["total"],
    "share": lambda r: share_or_none(r["postings"], r["total"] or 0),
    "rank": lambda r: r["rank"],
    "basis": lambda r: BASIS_FIRST_SEEN,
}


class TopSkillSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    skill = SkillRefSerializer()
    postings = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class BasisSerializer(serializers.Serializer):
    """What an answer's figures count: postings first seen in the period, or open at any time in it."""

    basis = serializers.ChoiceField(
        choices=list(BASES), help_text="What the figures count: postings first seen, or open, in the period."
    )
    basis_label = serializers.CharField()


class TopSkillsSerializer(BasisSerializer):
    segment = serializers.CharField(allow_null=True)
    period_from = serializers.CharField()
    period_to = serializers.CharField()
    total = serializers.IntegerField(help_text="Postings of the scope in the period.")
    results = TopSkillSerializer(many=True)


class TrendSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    current = serializers.IntegerField()
    current_total = serializers.IntegerField()
    previous = serializers.IntegerField()
    previous_total = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True, help_text="Change of share, in percentage points.")
    label = serializers.CharField()


class SkillTrendSerializer(serializers.Serializer):
    skill = SkillRefSerializer()
    trends = TrendSerializer(many=True)


class TrendsSerializer(BasisSerializer):
    segment = serializers.CharField(allow_null=True)
    as_of = serializers.CharField()
    results = SkillTrendSerializer(many=True)


class SkillPairSerializer(serializers.Serializer):
    skill_a = SkillRefSerializer()
    skill_b = SkillRefSerializer()
    postings = serializers.IntegerField()
    lift = serializers.FloatField()


class CooccurrenceSerializer(BasisSerializer):
    segment = serializers.CharField(allow_null=True)
    period_from = serializers.CharField()
    period_to = serializers.CharField()
    results = SkillPairSerializer(many=True)


class TierWindowSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="'12 months to November 2026'.")
    first = serializers.CharField(help_text="First month of the window, YYYY-MM.")
    last = serializers.CharField(help_text="Latest complete month, YYYY-MM.")
    months = serializers.IntegerField()
    to_date_from = serializers.CharField(help_text="The running month, YYYY-MM: it and later months are not counted.")
    trend_current = serializers.ListField(child=serializers.CharField(), help_text="First and last month.")
    trend_previous = serializers.ListField(child=serializers.CharField(), help_text="First and last month.")


class TierTrendSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    current_total = serializers.IntegerField()
    previous = serializers.IntegerField()
    previous_total = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True, help_text="Change of share, in percentage points.")
    direction = serializers.CharField(help_text="rising, stable, falling or 'too few postings'.")


class SkillTierSerializer(serializers.Serializer):
    skill = SkillRefSerializer()
    tiers = serializers.ListField(child=serializers.CharField(), help_text="core, distinguishing and/or rising.")
    postings = serializers.IntegerField(help_text="Postings of the segment asking for the skill in the window.")
    share = serializers.FloatField(allow_null=True)
    other_postings = serializers.IntegerField(help_text="Postings of all other segments asking for it.")
    other_total = serializers.IntegerField(help_text="Postings of all other segments in the window.")
    other_share = serializers.FloatField(allow_null=True)
    lift = serializers.FloatField(allow_null=True, help_text="share / other_share; null when either is unknown or 0.")
    trend = TierTrendSerializer()


class TierThresholdsSerializer(serializers.Serializer):
    min_sample = serializers.IntegerField()
    core_share = serializers.FloatField()
    distinguishing_lift = serializers.FloatField()
    distinguishing_min_postings = serializers.IntegerField()
    trend_min_points = serializers.FloatField()
    trend_min_relative = serializers.FloatField()
    trend_min_postings = serializers.IntegerField()


class TierRuleSerializer(serializers.Serializer):
    tier = serializers.CharField()
    name = serializers.CharField()
    rule = serializers.CharField()


class TiersSerializer(BasisSerializer):
    segment = serializers.CharField()
    window = TierWindowSerializer()
    total = serializers.IntegerField(help_text="Postings of the segment in the window.")
    thresholds = TierThresholdsSerializer()
    rules = TierRuleSerializer(many=True)
    results = SkillTierSerializer(many=True)
