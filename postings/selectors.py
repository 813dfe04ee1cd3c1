"""Reads of the taxonomy and postings for pages, the API and other apps."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

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


def employer_list(*, include_unpublished: bool = False) -> QuerySet[Employer]:
    """Employers by name; the public sees only those with a published posting in a published segment."""
    employers = Employer.objects.all()
    if include_unpublished:
        return employers
    public = Posting.objects.filter(employer=OuterRef("pk"), status=Status.PUBLISHED, segment__status=Status.PUBLISHED)
    return employers.filter(Exists(public))


def posting_list(*, include_unpublished: bool = False) -> QuerySet[Posting]:
    """Postings, newest first, with employer, segment and their counted skills (evidence included).

    The public sees published postings of published segments, and only their published skills.
    """
    links = PostingSkill.objects.exclude(state=PostingSkillState.REJECTED)
    if not include_unpublished:
        links = links.filter(skill__status=Status.PUBLISHED)
    postings = Posting.objects.select_related("employer", "segment").prefetch_related(
        Prefetch("posting_skills", queryset=links.select_related("skill").order_by("start", "skill__name"))
    )
    return postings if include_unpublished else postings.published().filter(segment__status=Status.PUBLISHED)
