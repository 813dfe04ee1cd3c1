"""Reads of the taxonomy and postings for pages, the API and other apps."""

from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from careerhub.core.editorial import Status
from careerhub.core.visibility import public

from .models import Employer, Posting, PostingSkill, PostingSkillState, Skill, SkillAlias, SkillCategory


def skill_list(*, include_unpublished: bool = False) -> QuerySet[Skill]:
    """Skills by name with their category; only published ones for the public."""
    skills = Skill.objects.select_related("category")
    return skills if include_unpublished else skills.published()


def skill_category_rows() -> QuerySet:
    """``skill_category_list`` in display order as plain rows of what the API's list shows."""
    return (
        skill_category_list()
        .order_by("display_order", "name")
        .values("slug", "name", "description", "display_order", "published_skill_count")
    )


def skill_refs(*, include_unpublished: bool = False) -> QuerySet[Skill]:
    """Skills with only what a filter needs of a skill it looks up by slug (no category, no texts)."""
    skills = Skill.objects.only("id", "slug", "name", "status")
    return skills if include_unpublished else skills.published()


SKILL_ROW_FIELDS = (
    "id", "slug", "name", "category__slug", "category__name", "type", "description", "name_ambiguous", "status",
    "published_at", "updated_at", "version",
)


def skill_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``skill_list`` as plain rows of what a list of the API shows (``SKILL_ROW_FIELDS``), no model instances."""
    return skill_list(include_unpublished=include_unpublished).values(*SKILL_ROW_FIELDS)


def skill_alias_texts(skill_ids: Iterable[int]) -> dict[int, list[str]]:
    """The aliases of each skill, in text order (one query, no model instances)."""
    texts: dict[int, list[str]] = {}
    for skill_id, text in SkillAlias.objects.filter(skill_id__in=list(skill_ids)).order_by("text").values_list(
        "skill_id", "text"
    ):
        texts.setdefault(skill_id, []).append(text)
    return texts


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


def employer_list(*, include_unpublished: bool = False, segment_ids: Iterable[int] | None = None) -> QuerySet[Employer]:
    """Employers by name; the public sees only those with a published posting in a published segment.

    ``segment_ids``, the published segments' ids when the caller has read them, lets PostgreSQL stop at
    each employer's first posting (an index scan); joined to the segments in the subquery, it reads
    every posting of every employer instead (38 ms against 0.3 ms with 100,000 postings).
    """
    employers = Employer.objects.all()
    if include_unpublished:
        return employers
    public = Posting.objects.filter(employer=OuterRef("pk"), status=Status.PUBLISHED)
    if segment_ids is None:
        public = public.filter(segment__status=Status.PUBLISHED)
    else:
        public = public.filter(segment_id__in=list(segment_ids))
    return employers.filter(Exists(public))


def posting_list(*, include_unpublished: bool = False) -> QuerySet[Posting]:
    """Postings, newest first, with employer, segment and their counted skills (evidence included).

    The public sees published postings of published segments, and only their published skills.
    """
    links = PostingSkill.objects.exclude(state=PostingSkillState.REJECTED)
    if not include_unpublished:
        links = links.filter(skill__status=Status.PUBLISHED)
    postings = Posting.objects.select_related("employer", "segment").prefetch_related(
        Prefetch("posting_skills", queryset=links.select_related("skill").order_by(*TEXT_ORDER))
    )
    return postings if include_unpublished else public(postings)


# What a posting in a list of the API shows; the rest (content hash, timestamps, the segment's long
# texts) is left in the database.
POSTING_FEED_FIELDS = (
    "id", "status", "published_at", "employer__name", "segment__slug", "title", "description", "location",
    "posted_on", "url", "source", "external_id", "duplicate_of_id", "version", "first_seen_on", "closed_on",
    "remote", "department", "employment_type", "salary_min", "salary_max", "salary_currency", "salary_period",
)
# A posting's skills in the order its text names them; links an editor added (no evidence) after, by name,
# on every database (PostgreSQL would sort a missing position first, SQLite last).
TEXT_ORDER = (F("start").asc(nulls_last=True), "skill__name")
SKILL_LINK_FIELDS = ("posting_id", "skill__slug", "skill__name", "state", "matched_text", "start", "end")


def posting_feed(*, include_unpublished: bool = False) -> QuerySet[Posting]:
    """The postings of ``posting_list`` with the fields a list of the API shows, without their skills.

    Their skills come from ``posting_skill_links`` for the page alone, as plain rows: a page of 50
    postings asks for about 450 skill links, and building two model instances per link (link and
    skill) cost several times the queries themselves.
    """
    postings = Posting.objects.select_related("employer", "segment").only(*POSTING_FEED_FIELDS)
    return postings if include_unpublished else public(postings)


def posting_rows(*, include_unpublished: bool = False) -> QuerySet:
    """``posting_feed`` as plain rows of ``POSTING_FEED_FIELDS`` (no model instances); skills as for the feed."""
    return posting_feed(include_unpublished=include_unpublished).values(*POSTING_FEED_FIELDS)


def posting_skill_links(posting_ids: Iterable[int], *, include_unpublished: bool = False) -> dict[int, list[dict]]:
    """The counted skills of each posting with their evidence, in text order (one query, no model instances).

    The public sees only published skills; the same links as ``posting_list`` prefetches.
    """
    links = PostingSkill.objects.filter(posting_id__in=list(posting_ids)).exclude(state=PostingSkillState.REJECTED)
    if not include_unpublished:
        links = links.filter(skill__status=Status.PUBLISHED)
    by_posting: dict[int, list[dict]] = {}
    for posting_id, slug, name, state, matched_text, start, end in links.order_by(*TEXT_ORDER).values_list(
        *SKILL_LINK_FIELDS
    ):
        by_posting.setdefault(posting_id, []).append(
            {"slug": slug, "name": name, "state": state, "matched_text": matched_text, "start": start, "end": end}
        )
    return by_posting


def skills_by_id(ids: Iterable[int]) -> dict[int, Skill]:
    """Published skills by id (one query): names and links for ids read from cached demand figures."""
    ids = list(ids)
    if not ids:
        return {}
    return Skill.objects.published().only("id", "name", "slug", "status").in_bulk(ids)


def posting_get(*, pk: int, include_unpublished: bool = False) -> Posting | None:
    """A posting with its employer, segment and counted skills (with their evidence spans)."""
    return posting_list(include_unpublished=include_unpublished).filter(pk=pk).first()



def skill_choices() -> QuerySet:
    """``(slug, name)`` of the published skills by name, for filters."""
    return Skill.objects.published().order_by("name").values_list("slug", "name")


def posting_list_page() -> QuerySet[Posting]:
    """Published postings newest first, with what a list shows: employer and segment names (not the text)."""
    return (
        public(Posting.objects.all())
        .select_related("employer", "segment")
        .only("id", "title", "location", "posted_on", "source", "employer__name", "segment__name")
    )


def posting_skill_names(posting_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of the published skills each posting asks for, in text order (one query, no model instances)."""
    names: dict[int, list[str]] = {}
    rows = (
        PostingSkill.objects.filter(posting_id__in=list(posting_ids), skill__status=Status.PUBLISHED)
        .exclude(state=PostingSkillState.REJECTED)
        .order_by("posting_id", *TEXT_ORDER)
        .values_list("posting_id", "skill__name")
    )
    for posting_id, name in rows:
        names.setdefault(posting_id, []).append(name)
    return names
