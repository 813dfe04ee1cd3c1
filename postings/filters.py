"""FilterSets of the taxonomy, employers, postings and demand rows, shared by the API and the HTML list pages."""

import django_filters
from django.core.validators import validate_slug
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from careerhub.core.filters import (
    MAX_QUERY_LENGTH,
    MonthFilter,
    PublicFilterSet,
    SearchFilter,
    SlugFilter,
    TrueFalseFilter,
    rename_filter,
    status_filter,
    visible_to,
    words_in,
)
from careerhub.core.visibility import can_see_drafts
from segments.selectors import segment_refs

from .demand.models import SkillDemand
from .demand.tiers import TIER_NAMES
from .models import (
    Employer,
    Posting,
    PostingSkill,
    PostingSkillState,
    Skill,
    SkillAlias,
    SkillCategory,
    SkillType,
    WorkplaceType,
)
from .selectors import employer_list, skill_refs

# The text search configuration of the postings' stored search documents (the migrations that create them).
SEARCH_CONFIG = "english"


# Segments and skills are visible as ``public_q`` says (published): a filter on them is a join.
def _segment_filter(**kwargs) -> SlugFilter:
    return SlugFilter(
        queryset=visible_to(segment_refs, "segments", "segment"), joined=True, label="Segment (slug)", **kwargs
    )


def _skill_filter(**kwargs) -> SlugFilter:
    return SlugFilter(queryset=visible_to(skill_refs, "postings", "skill"), joined=True, label="Skill (slug)", **kwargs)


def _category_filter(**kwargs) -> SlugFilter:
    return SlugFilter(
        queryset=SkillCategory.objects.all(), label="Skill category (slug)", **kwargs
    )


class SkillCategoryFilterSet(django_filters.FilterSet):
    """Categories by text; ordered by display order unless told otherwise."""

    search_fields = ("name", "description")

    q = SearchFilter()
    ordering = django_filters.OrderingFilter(fields=("display_order", "name"))

    class Meta:
        model = SkillCategory
        fields = ("q",)


class SkillFilterSet(PublicFilterSet):
    """Skills by ``category``, ``type`` and text (name, description and aliases)."""

    draft_model = "postings.skill"

    category = _category_filter()
    type = django_filters.ChoiceFilter(choices=SkillType.choices)
    q = SearchFilter(method="search")
    status = status_filter()
    ordering = django_filters.OrderingFilter(fields=("name", "category__name", "updated_at"))

    class Meta:
        model = Skill
        fields = ("category", "type", "q", "status")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:10]:
            aliases = SkillAlias.objects.filter(skill=OuterRef("pk"), text__icontains=word)
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word) | Exists(aliases))
        return queryset


class SkillIndexFilterSet(SkillFilterSet):
    """The skills index page: the taxonomy's filters, and its demand ones.

    ``segment``: the scope of the figures (all segments together when none); ``tier``: only skills in that
    tier in the segment (in any segment when none is chosen); ``sort``: by demand or by name. The demand
    ones are validated here and applied to the cached demand figures by ``postings.skill_index``.
    """

    segment = _segment_filter(method="by_demand")
    tier = django_filters.ChoiceFilter(choices=list(TIER_NAMES.items()), method="by_demand", label="Tier")
    sort = django_filters.ChoiceFilter(
        choices=[("demand", "Demand"), ("name", "Name")], method="by_demand", label="Sort by"
    )

    class Meta(SkillFilterSet.Meta):
        fields = ("category", "type", "q", "status", "segment", "tier", "sort")

    def by_demand(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # applied to the demand figures, not the query (postings.skill_index)


class EmployerFilterSet(django_filters.FilterSet):
    """Employers by ``segment`` they post in, and by name."""

    search_fields = ("name",)

    segment = _segment_filter(method="filter_segment")
    q = SearchFilter()
    ordering = django_filters.OrderingFilter(fields=("name",))

    class Meta:
        model = Employer
        fields = ("segment", "q")

    def filter_segment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        postings = Posting.objects.filter(employer=OuterRef("pk"), segment__in=self.filters["segment"].matches(value))
        if not can_see_drafts(self.request, "postings", "posting"):
            postings = postings.published()
        return queryset.filter(Exists(postings))


class PostingFilterSet(PublicFilterSet):
    """Postings by segment, skill, skill category, employer, month period, posting date range and text; by
    ``source``, still listed by their board or not (``open``), and remote or on-site."""

    search_fields = ("title", "description", "location")
    draft_model = "postings.posting"

    segment = _segment_filter()
    skill = _skill_filter(method="filter_skill")
    category = _category_filter(method="filter_category")
    employer = SlugFilter(
        queryset=visible_to(employer_list, "postings", "posting"), method="filter_employer", label="Employer (slug)"
    )
    employer_name = django_filters.CharFilter(
        method="filter_employer_name", max_length=MAX_QUERY_LENGTH, label="Employer name (or part of it)"
    )
    period_from = MonthFilter(field_name="posted_on", lookup_expr="gte", label="First month (YYYY-MM)")
    period_to = MonthFilter(
        field_name="posted_on", lookup_expr="lte", whole_months=True, label="Last month (YYYY-MM), included"
    )
    posted_from = django_filters.DateFilter(field_name="posted_on", lookup_expr="gte", label="Posted on or after")
    posted_to = django_filters.DateFilter(field_name="posted_on", lookup_expr="lte", label="Posted on or before")
    source = django_filters.CharFilter(
        max_length=60, validators=[validate_slug], label="Source (a job board's slug, api, import, manual, demo)"
    )
    open = TrueFalseFilter(
        method="filter_open", label="Open (true: still listed by its board; false: closed)"
    )
    remote = django_filters.ChoiceFilter(choices=WorkplaceType.choices, label="Remote or on-site")
    q = SearchFilter(method="search")
    status = status_filter()
    ordering = django_filters.OrderingFilter(fields=("posted_on", "title", "id"))

    class Meta:
        model = Posting
        fields = (
            "segment", "skill", "category", "employer", "employer_name", "posted_from", "posted_to", "source", "open",
            "remote", "q", "status",
        )  # fmt: skip

    def filter_open(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset if value is None else queryset.filter(closed_on__isnull=value)

    def _links(self):
        links = PostingSkill.objects.filter(posting=OuterRef("pk")).exclude(state=PostingSkillState.REJECTED)
        if not can_see_drafts(self.request, "postings", "skill"):
            links = links.filter(skill__status="published")
        return links

    def filter_skill(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The skill's id is read once (an InitPlan), so each posting is probed by (posting, skill) in the
        # links' unique index; matched by slug through the join, each of a posting's links was read with
        # its skill: 11,000 buffers where 600 do, for a segment and a skill with 1,000,000 postings.
        # ``matches`` keeps the skills the request may see.
        skill = Subquery(self.filters["skill"].matches(value).order_by().values("pk")[:1])
        links = PostingSkill.objects.filter(posting=OuterRef("pk"), skill_id=skill)
        return queryset.filter(Exists(links.exclude(state=PostingSkillState.REJECTED)))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The links follow the skills' visibility rule already (``_links``): the slug is matched through them.
        return queryset.filter(Exists(self._links().filter(skill__category__slug=value)))

    def filter_employer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Matched through the join: a posting the request may see makes its employer visible, so the
        # employers' visibility rule adds nothing here. As a subquery of visible employers PostgreSQL
        # could not estimate it and walked the newest postings (41,000 of them, 37 ms, for an employer
        # with 483); joined, it reads that employer's postings by its index.
        return queryset.filter(employer__slug=value)

    def filter_employer_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The employers' ids first (one small query): PostgreSQL estimates a list of ids from its
        # statistics, and nothing of a pattern on their names, so joined in one query it could read
        # every posting of the last years for an employer that has a few.
        ids = list(Employer.objects.filter(name__icontains=value).values_list("pk", flat=True))
        return queryset.filter(employer_id__in=ids)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word of ``value`` in the posting: on PostgreSQL in its stored search document (title and
        description, stemmed; the GIN index of ``careerhub.search``), elsewhere in its title, text or location.

        A pattern on the text (``icontains``) would read every posting for a rare word, and PostgreSQL has
        no statistics for it: with 1,000,000 postings "platform engineer" took a minute (a nested loop
        planned for one matching row), against a millisecond for the search document. A query of stop
        words only ("the") names no word, and filters nothing, as before.
        """
        if connection.vendor != "postgresql":
            return words_in(queryset, self.search_fields, value)
        rare = rare_word_postings(value)
        if rare is not None:
            return queryset.filter(pk__in=rare)
        table = connection.ops.quote_name(Posting._meta.db_table)
        words = f"websearch_to_tsquery('{SEARCH_CONFIG}', %s)"
        matches = RawSQL(
            f"numnode({words}) = 0 OR {table}.search_document @@ {words}", (value, value), output_field=BooleanField()
        )
        return queryset.filter(matches)


# A word in fewer than RARE_IN_RECENT of the newest RECENT_SCAN published postings is looked up in the GIN index
# (every match at once, at most RARE_MATCHES); a commoner one is found by reading the list in date order.
RECENT_SCAN = 1000
RARE_IN_RECENT = 5
RARE_MATCHES = 1000


def rare_word_postings(value: str) -> list[int] | None:
    """The ids of the published postings matching ``value`` when the words are rare, else None (PostgreSQL).

    The list reads postings newest first (the partial index of the public list) and stops at a page's worth
    of matches: quick for a common word, but a word in no posting reads all of them (1,000,000 postings:
    3 to 15 s), and PostgreSQL cannot tell such a word in advance (a lexeme missing from its statistics is
    estimated at 0.5 % of the rows, so it plans the date-ordered walk). So one query counts the matches in
    the newest ``RECENT_SCAN`` postings (a bounded walk); with fewer than ``RARE_IN_RECENT`` a second asks
    the GIN index for every match (no order, so it cannot walk the dates), and if there are at most
    ``RARE_MATCHES`` the page reads those ids. A query of stop words only names no word: None.
    """
    table = connection.ops.quote_name(Posting._meta.db_table)
    words = f"websearch_to_tsquery('{SEARCH_CONFIG}', %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT numnode({words}) = 0 OR (
                    SELECT count(*) FROM (
                        SELECT search_document FROM {table} WHERE status = 'published'
                        ORDER BY posted_on DESC, id DESC LIMIT %s
                    ) newest WHERE search_document @@ {words}
                ) >= %s""",
            [value, RECENT_SCAN, value, RARE_IN_RECENT],
        )
        if cursor.fetchone()[0]:
            return None
        cursor.execute(
            f"SELECT id FROM {table} WHERE status = 'published' AND search_document @@ {words} LIMIT %s",
            [value, RARE_MATCHES + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= RARE_MATCHES else None


rename_filter(PostingFilterSet, "period_from", "from")
rename_filter(PostingFilterSet, "period_to", "to")


class DemandFilterSet(django_filters.FilterSet):
    """Demand rows (skill, month) of one ``segment`` (all segments together when none is given).

    ``skill``, ``category`` and a period of months narrow them; ``ordering`` by month or postings.
    """

    segment = _segment_filter()
    skill = _skill_filter()
    category = _category_filter(field_name="skill__category")
    period_from = MonthFilter(field_name="month", lookup_expr="gte", label="First month (YYYY-MM)")
    period_to = MonthFilter(field_name="month", lookup_expr="lte", label="Last month (YYYY-MM), included")
    ordering = django_filters.OrderingFilter(fields=("month", "postings", ("skill__name", "skill")))

    class Meta:
        model = SkillDemand
        fields = ("segment", "skill", "category")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("segment"):  # no segment: the scope of all segments
            queryset = queryset.filter(segment__isnull=True)
        return super().filter_queryset(queryset)


rename_filter(DemandFilterSet, "period_from", "from")
rename_filter(DemandFilterSet, "period_to", "to")
