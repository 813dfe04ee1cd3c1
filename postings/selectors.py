"""Reads of the taxonomy and postings for pages, the API and other apps."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from careerhub.editorial import Status

from .models import Employer, Posting, PostingSkill, PostingSkillState, Skill, SkillAlias, SkillCategory


def skill_list(*, include_unpublished: bool = False) -> QuerySet[Skill]:
    """Skills by name with their category; only published ones for the public."""
    skills = Skill.objects.select_related("category")
    return skills if include_unpublished else skills.published()


def skill_get(*, slug: str, include_unpublished: bool = False) -> Skill | None:
    """A skill with its category and aliases."""
    return (
        skill_list(include_unpublished=include_unpublished)
        .prefetch_related(Prefetch("aliases", queryset=SkillAlias.objects.order_by("text")))
        .filter(slug=slug)
        .first()
    )


def skill_category_list() -> QuerySet[SkillCategory]:
    """Categories with the number of published skills in each."""
    return SkillCategory.objects.annotate(
        published_skill_count=Count("skills", filter=Q(skills__status=Status.PUBLISHED))
    )


def posting_list(*, include_unpublished: bool = False) -> QuerySet[Posting]:
    """Postings, newest first, with employer, segment and their counted skills (evidence included)."""
    postings = Posting.objects.select_related("employer", "segment").prefetch_related(
        Prefetch(
            "posting_skills",
            queryset=PostingSkill.objects.exclude(state=PostingSkillState.REJECTED)
            .select_related("skill")
            .order_by("start", "skill__name"),
        )
    )
    return postings if include_unpublished else postings.published()


def skills_by_id(ids: Iterable[int]) -> dict[int, Skill]:
    """Published skills by id (one query): names and links for ids read from cached demand figures."""
    ids = list(ids)
    if not ids:
        return {}
    return Skill.objects.published().only("id", "name", "slug", "status").in_bulk(ids)


def employer_list() -> QuerySet[Employer]:
    """Employers by name, for filters."""
    return Employer.objects.only("id", "name", "slug").order_by("name")


def posting_get(*, pk: int, include_unpublished: bool = False) -> Posting | None:
    """A posting with its employer, segment and counted skills (with their evidence spans)."""
    return posting_list(include_unpublished=include_unpublished).filter(pk=pk).first()



def skill_choices() -> QuerySet[Skill]:
    """Published skills by name, only what a filter's options need."""
    return Skill.objects.published().only("id", "name", "slug").order_by("name")
