"""FilterSets of the taxonomy and postings, shared by the API and the HTML list pages.

Choices are published content only, so a filter can never reveal a draft; an unknown slug
or a malformed date is a form error that names the field.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from careerhub.editorial import Status
from segments.models import Segment

from .models import Employer, Posting, PostingSkill, PostingSkillState, Skill, SkillAlias, SkillCategory

MAX_QUERY = 200


class SkillFilter(django_filters.FilterSet):
    """Skills by category and by a words-in-name (or alias) search."""

    category = django_filters.ModelChoiceFilter(
        queryset=SkillCategory.objects.all(), to_field_name="slug", label="Category"
    )
    q = django_filters.CharFilter(method="filter_q", label="Search skills", max_length=MAX_QUERY)

    class Meta:
        model = Skill
        fields = ["category", "q"]

    def filter_q(self, queryset: QuerySet[Skill], name: str, value: str) -> QuerySet[Skill]:
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(Exists(SkillAlias.objects.filter(skill=OuterRef("pk"), text__icontains=word)))
            )
        return queryset


class PostingFilter(django_filters.FilterSet):
    """Postings by segment, skill, employer, posting date range and words in the title."""

    segment = django_filters.ModelChoiceFilter(
        queryset=Segment.objects.filter(status=Status.PUBLISHED), to_field_name="slug", label="Segment"
    )
    skill = django_filters.ModelChoiceFilter(
        queryset=Skill.objects.filter(status=Status.PUBLISHED),
        to_field_name="slug",
        label="Skill",
        method="filter_skill",
    )
    employer = django_filters.ModelChoiceFilter(queryset=Employer.objects.all(), to_field_name="slug", label="Employer")
    posted_from = django_filters.DateFilter(field_name="posted_on", lookup_expr="gte", label="Posted from")
    posted_to = django_filters.DateFilter(field_name="posted_on", lookup_expr="lte", label="Posted to")
    q = django_filters.CharFilter(method="filter_q", label="Words in the title", max_length=MAX_QUERY)

    class Meta:
        model = Posting
        fields = ["segment", "skill", "employer", "posted_from", "posted_to", "q"]

    def filter_skill(self, queryset, name: str, value: Skill):
        # EXISTS, not a join: a posting is listed once, and rejected links do not count.
        links = PostingSkill.objects.filter(posting=OuterRef("pk"), skill=value).exclude(
            state=PostingSkillState.REJECTED
        )
        return queryset.filter(Exists(links))

    def filter_q(self, queryset, name: str, value: str):
        for word in value.split()[:10]:
            queryset = queryset.filter(title__icontains=word)
        return queryset
