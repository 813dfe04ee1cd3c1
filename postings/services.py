"""Writes to the taxonomy, employers and postings.

Every path (admin, API, import commands, tasks) goes through these functions, so validation, and
the marking of demand that a write changes, live in one place. New postings are written by one
batch service, ``postings.ingest.services.postings_import`` (one posting is a batch of one); an
edit of a posting's fields by ``posting_update``, which that batch service also uses for changed rows.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from careerhub.core.after_commit import send_after_commit
from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status
from careerhub.core.redirects import redirect_moved
from careerhub.core.revisions.permissions import require_status_change
from careerhub.core.services import editorial_set_status, model_update, validated_save

from .demand.marks import demand_marks
from .demand.signals import send_skills_shown_changed
from .extraction import EXTRACTOR_VERSION, Match, Matcher, Term, get_matcher
from .extraction.text import fold
from .ingest.duplicates import content_hash
from .ingest.rows import DETAIL_FIELDS, SALARY_FIELDS, plain_text
from .models import (
    Employer,
    Posting,
    PostingSkill,
    PostingSkillState,
    RemovedSkillAlias,
    Skill,
    SkillAlias,
    SkillCategory,
    SkillMerge,
    SkillType,
)

SKILL_EDITABLE_FIELDS = ("name", "slug", "category", "type", "description", "name_ambiguous", "source", "status")
POSTING_EDITABLE_FIELDS = (
    "employer",
    "segment",
    "title",
    "description",
    "location",
    "posted_on",
    "url",
    "source",
    "external_id",
    "status",
    *DETAIL_FIELDS,
    *SALARY_FIELDS,
)


# Fields stored as plain text whatever an editor or a client sends.
PLAIN_TEXT_FIELDS = ("title", "description", "location")
# Fields whose change means the posting's skills must be found again.
POSTING_TEXT_FIELDS = ("title", "description")
EDITOR_STATES = (PostingSkillState.ACCEPTED, PostingSkillState.REJECTED, PostingSkillState.ADDED)


# --- Taxonomy -----------------------------------------------------------------------------


@transaction.atomic
def skill_category_save(*, category: SkillCategory) -> SkillCategory:
    """Validate and save a skill category."""
    return validated_save(category)


@transaction.atomic
def skill_create(
    *,
    name: str,
    category: SkillCategory,
    slug: str = "",
    type: str = SkillType.TOOL,  # noqa: A002 - the taxonomy's own word for it
    description: str = "",
    name_ambiguous: bool = False,
    source: str = "curated",
    status: str = Status.DRAFT,
    aliases: Iterable[SkillAlias] = (),
    by: Any = None,
) -> Skill:
    """Create a validated skill with its aliases (unsaved ``SkillAlias`` objects).

    ``by`` (the acting user; None for the system) needs the publishing permission to create it published.
    """
    require_status_change(by, Skill, before=None, after=status)
    skill = validated_save(
        Skill(
            name=name,
            slug=slug or slugify(name),
            category=category,
            type=type,
            description=description,
            name_ambiguous=name_ambiguous,
            source=source,
            status=status,
        )
    )
    for alias in aliases:
        alias.skill = skill
        skill_alias_save(alias=alias)
    return skill


@transaction.atomic
def skill_update(*, skill: Skill, data: dict[str, Any], based_on: int | None = None, by: Any = None) -> Skill:
    """Change the given fields of a skill (only those); unknown fields are refused.

    ``based_on``: the version the change was made on; a skill saved since raises ``EditConflict``.
    """
    status, paths = _stored_status(skill), _skill_paths(skill.pk)
    skill, _ = model_update(instance=skill, fields=SKILL_EDITABLE_FIELDS, data=data, based_on=based_on, by=by)
    if skill.status != status:
        send_skills_shown_changed([skill.pk])
    _skill_moved(paths, skill)
    return skill


@transaction.atomic
def skill_save(*, skill: Skill, by_editor: bool = False, changed_fields: Iterable[str] = ()) -> Skill:
    """Validate and save a skill edited in place; an editor's save protects the fields they changed from importers.

    A new name is a new spelling to look for: postings mentioning the old or the new name are re-extracted.
    """
    stored = Skill.objects.filter(pk=skill.pk).values_list("name", "name_ambiguous", "status").first()
    paths = _skill_paths(skill.pk)
    if by_editor:
        skill.editor_edited_at = timezone.now()
        skill.editor_fields = sorted(set(skill.editor_fields) | set(changed_fields))
    validated_save(skill)
    _skill_moved(paths, skill)
    if stored and stored != (skill.name, skill.name_ambiguous, skill.status):
        postings_reextract_after_commit([stored[0], skill.name])
    if skill.status != (stored[2] if stored else None):
        send_skills_shown_changed([skill.pk])
    return skill


@transaction.atomic
def skill_set_status(*, skills: Iterable[Skill], status: str) -> int:
    """Publish, archive or return skills to draft; return how many changed."""
    skills = list(skills)
    moving = [skill.pk for skill in skills if skill.status != status]
    changed = editorial_set_status(objects=skills, status=status)
    send_skills_shown_changed(moving)
    return changed


def _skill_paths(skill_id: int | None) -> dict[str, str]:
    """The public address of a stored published skill (none for a new, draft or archived one)."""
    if skill_id is None:
        return {}
    slug = Skill.objects.filter(pk=skill_id, status=Status.PUBLISHED).values_list("slug", flat=True).first()
    return {"skill": reverse("postings:skill-detail", kwargs={"slug": slug})} if slug else {}


def _skill_moved(paths: dict[str, str], skill: Skill) -> None:
    """Leave a redirect from a published skill's old address when its slug changed."""
    if paths:
        redirect_moved(before=paths, after=_skill_paths(skill.pk), note=f"Skill “{skill.name}” moved.")


def _stored_status(skill: Skill) -> str | None:
    if skill.pk is None:
        return None
    return Skill.objects.filter(pk=skill.pk).values_list("status", flat=True).first()


@transaction.atomic
def skill_alias_save(*, alias: SkillAlias, by_editor: bool = False) -> SkillAlias:
    """Validate and save an alias: unique across the taxonomy, never another skill's name.

    When its spelling or rules change, the postings whose text contains the old or the new spelling
    are re-extracted in a background task after commit (and their demand marked).
    """
    stored = (
        SkillAlias.objects.filter(pk=alias.pk).values_list("text", "case_sensitive", "ambiguous", "skill_id").first()
        if alias.pk
        else None
    )
    if by_editor:
        alias.editor_edited = True
        RemovedSkillAlias.objects.filter(text__iexact=alias.text).delete()  # added back on purpose
    validated_save(alias)
    if stored != (alias.text, alias.case_sensitive, alias.ambiguous, alias.skill_id):
        postings_reextract_after_commit([alias.text, *([stored[0]] if stored else [])])
    return alias


@transaction.atomic
def skill_alias_delete(*, alias: SkillAlias, by_editor: bool = False) -> None:
    """Delete an alias; postings that mention it are re-extracted after commit.

    An editor's removal is remembered (``RemovedSkillAlias``), so that no import adds the spelling back.
    """
    content_changed()
    text = alias.text
    if by_editor:
        RemovedSkillAlias.objects.update_or_create(
            text__iexact=text, defaults={"text": text, "skill_id": alias.skill_id}
        )
    alias.delete()
    postings_reextract_after_commit([text])


def postings_reextract_after_commit(texts: list[str] | None) -> None:
    """Queue the re-extraction of postings mentioning ``texts`` (all postings for None) once the change commits."""
    from .tasks import reextract_postings_mentioning

    if not Posting.objects.exists():
        return  # nothing to re-extract (loading the seed taxonomy into a new database saves hundreds of tasks)
    payload = None if texts is None else sorted({text for text in texts if text})
    send_after_commit(reextract_postings_mentioning, texts=payload)


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill, merged_by: str = "") -> SkillMerge:
    """Merge ``source`` into ``target``: its posting links, aliases and module links move, its name becomes an alias.

    A posting that asked for both keeps one link: the target's, taking over an editor's decision the
    source's link carried. Empty external ids of the target are filled from the source. The merge is
    recorded (``SkillMerge``) and the demand of every affected posting is marked.
    """
    if source.pk == target.pk:
        raise ValidationError("A skill cannot be merged into itself.")
    source_links = list(PostingSkill.objects.filter(skill=source))
    with demand_marks([link.posting_id for link in source_links]):
        target_links = {
            link.posting_id: link
            for link in PostingSkill.objects.filter(skill=target, posting_id__in=[li.posting_id for li in source_links])
        }
        moved, upgraded, dropped = [], [], []
        for link in source_links:
            kept = target_links.get(link.posting_id)
            if kept is None:
                link.skill = target
                moved.append(link)
                continue
            if kept.state == PostingSkillState.AUTO and link.state != PostingSkillState.AUTO:
                kept.state = link.state
                upgraded.append(kept)
            dropped.append(link.pk)
        PostingSkill.objects.filter(pk__in=dropped).delete()
        PostingSkill.objects.bulk_update(moved, ["skill"], batch_size=2000)
        PostingSkill.objects.bulk_update(upgraded, ["state"], batch_size=2000)

        aliases_moved = SkillAlias.objects.filter(skill=source).update(skill=target)
        modules = Skill.modules.through.objects
        taught_by_target = set(modules.filter(skill_id=target.pk).values_list("module_id", flat=True))
        module_links = modules.filter(skill_id=source.pk)
        modules_moved = module_links.exclude(module_id__in=taught_by_target).update(skill_id=target.pk)
        module_links.delete()

        for name in ("esco_uri", "onet_code", "description"):
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
        target.onet_hot_technology |= source.onet_hot_technology
        target.onet_in_demand |= source.onet_in_demand
        merge = SkillMerge.objects.create(
            merged_name=source.name,
            merged_slug=source.slug,
            merged_id=source.pk,
            into=target,
            links_moved=len(source_links),
            aliases_moved=aliases_moved,
            modules_moved=modules_moved,
            merged_by=merged_by[:150],
        )
    # After the marks are written: the source's own marks and summaries go with it (cascade), the
    # target's cells stay marked.
    name, ambiguous = source.name, source.name_ambiguous
    merged_paths = _skill_paths(source.pk)  # the merged skill's page leads to the target's
    # Readers of published demand (curriculum coverage) see one skill fewer and the target's figures move.
    send_skills_shown_changed([source.pk, target.pk])
    source.delete()
    validated_save(target)
    if not SkillAlias.objects.filter(text__iexact=name).exists() and name.lower() != target.name.lower():
        validated_save(SkillAlias(skill=target, text=name, ambiguous=ambiguous, source="merge"))
    if merged_paths:
        note = f"Skill “{name}” merged into “{target}”."
        redirect_moved(before=merged_paths, after=_skill_paths(target.pk), note=note)
    return merge


# --- Employers ----------------------------------------------------------------------------


@transaction.atomic
def employer_save(*, employer: Employer) -> Employer:
    """Validate and save an employer, deriving the slug from the name when it is empty."""
    if not employer.slug:
        employer.slug = slugify(employer.name)[:200]
    return validated_save(employer)


@transaction.atomic
def employer_get_or_create(*, name: str, website: str = "") -> tuple[Employer, bool]:
    """The employer with this name (case-insensitive), created if it does not exist."""
    existing = Employer.objects.filter(name__iexact=name.strip()).first()
    if existing:
        return existing, False
    return employer_save(employer=Employer(name=name.strip(), website=website)), True


# --- Postings -----------------------------------------------------------------------------


@transaction.atomic
def posting_update(*, posting: Posting, data: dict[str, Any], based_on: int | None = None) -> Posting:
    """Change the given fields of a posting (only those); unknown fields are refused. Demand before and after
    is marked.

    Text is stored plain, as every incoming row is (HTML removed, entities decoded). ``based_on``: the
    version the change was made on; a posting saved since raises ``EditConflict``.
    """
    data = {name: plain_text(value) if name in PLAIN_TEXT_FIELDS and isinstance(value, str) else value
            for name, value in data.items()}  # fmt: skip
    text_before = posting_text(posting)
    with demand_marks([posting.pk]):
        posting, changed = model_update(instance=posting, fields=POSTING_EDITABLE_FIELDS, data=data, based_on=based_on)
        if changed and _fingerprint(posting):
            # A queryset update: the fingerprint is derived, not an edit worth a history entry.
            Posting.objects.filter(pk=posting.pk).update(content_hash=posting.content_hash)
        if posting_text(posting) != text_before:
            _extract_skills(postings=[posting])
    return posting


def _fingerprint(posting: Posting) -> bool:
    """Set the posting's content hash (new postings get theirs from ``postings_import``); return whether it changed."""
    if not (posting.employer_id and posting.title and posting.description):
        return False  # incomplete: full_clean will name the missing fields
    fingerprint = content_hash(posting.employer_id, posting.title, posting.description)
    changed, posting.content_hash = fingerprint != posting.content_hash, fingerprint
    return changed


@transaction.atomic
def posting_set_status(*, postings: Iterable[Posting], status: str) -> int:
    """Publish, archive or return postings to draft; return how many changed."""
    postings = list(postings)
    with demand_marks([posting.pk for posting in postings]):
        return editorial_set_status(objects=postings, status=status)


@transaction.atomic
def posting_delete(*, posting: Posting) -> None:
    """Delete a posting and its skill links; the demand it counted in is marked.

    Its exact duplicates outlive it: the earliest becomes the posting that counts, the others
    are linked to that one, and their demand is marked too.
    """
    content_changed()
    duplicates = sorted(Posting.objects.filter(duplicate_of=posting).values_list("pk", flat=True))
    with demand_marks([posting.pk, *duplicates]):
        posting.delete()  # duplicate_of is SET_NULL: every duplicate is released here
        if len(duplicates) > 1:
            Posting.objects.filter(pk__in=duplicates[1:]).update(duplicate_of_id=duplicates[0])


@transaction.atomic
def posting_set_skills(*, posting: Posting, skills: Iterable[Skill]) -> None:
    """Make the posting ask for exactly these skills (links are added and removed, not rewritten)."""
    with demand_marks([posting.pk]):
        _link_skills(posting=posting, skills=skills)


@transaction.atomic
def posting_link_duplicate(*, posting: Posting, original: Posting | None) -> Posting:
    """Link a posting to the earlier posting it duplicates (None unlinks it); duplicates are not counted."""
    if original is not None and (original.pk == posting.pk or original.duplicate_of_id is not None):
        raise ValidationError(
            {"duplicate_of": "Link a duplicate to an original posting, not to itself or to another duplicate."}
        )
    with demand_marks([posting.pk]):
        posting.duplicate_of = original
        return validated_save(posting)


def _link_skills(*, posting: Posting, skills: Iterable[Skill]) -> None:
    wanted = {skill.pk for skill in skills}
    current = set(posting.posting_skills.values_list("skill_id", flat=True))
    PostingSkill.objects.filter(posting=posting, skill_id__in=current - wanted).delete()
    for skill_id in sorted(wanted - current):
        validated_save(PostingSkill(posting=posting, skill_id=skill_id))


@transaction.atomic
def posting_skill_save(*, posting_skill: PostingSkill) -> PostingSkill:
    """Save one skill link of a posting (an editor's decision in the admin); demand is marked."""
    with demand_marks([posting_skill.posting_id]):
        return validated_save(posting_skill)


# What an editor's review of a posting's extracted skills can make of them all at once.
REVIEW_STATES = (PostingSkillState.ACCEPTED, PostingSkillState.REJECTED)


@transaction.atomic
def posting_skills_review(*, postings: Iterable[Posting], state: str, user) -> int:
    """Accept or reject at once every skill the extractor found in ``postings`` that no editor has decided on.

    An editor's own decisions (accepted, rejected, added) stay as they are. Each link is saved as
    ``posting_skill_save`` saves one (validated, with its history), and demand is marked in the same
    transaction. Needs the permission to change posting skills. Returns how many links changed.
    """
    if state not in REVIEW_STATES:
        raise ValueError(f"state: expected one of {', '.join(REVIEW_STATES)}, not {state!r}.")
    if not user.has_perm("postings.change_postingskill"):
        raise PermissionDenied("Reviewing a posting's skills needs the permission to change posting skills.")
    ids = sorted({posting.pk for posting in postings})
    links = PostingSkill.objects.filter(posting_id__in=ids, state=PostingSkillState.AUTO).order_by("pk")
    changed = 0
    with demand_marks(ids):
        for link in links:
            link.state = state
            validated_save(link)
            changed += 1
    return changed


@transaction.atomic
def posting_skill_delete(*, posting_skill: PostingSkill) -> None:
    content_changed()
    with demand_marks([posting_skill.posting_id]):
        posting_skill.delete()


@transaction.atomic
def skill_category_delete(*, category: SkillCategory) -> None:
    """Delete a category; refused by the database while skills are filed under it."""
    content_changed()
    category.delete()


@transaction.atomic
def skill_delete(*, skill: Skill) -> None:
    """Delete a skill; refused by the database while postings ask for it (merge it instead)."""
    content_changed()
    send_skills_shown_changed([skill.pk])
    skill.delete()


@transaction.atomic
def employer_delete(*, employer: Employer) -> None:
    """Delete an employer; refused by the database while it has postings."""
    content_changed()
    employer.delete()


# --- Extraction ---------------------------------------------------------------------------


def posting_text(posting: Posting) -> str:
    """The text skills are found in; evidence offsets point into it (title, a new line, the description)."""
    return text_of(posting.title, posting.description)


def text_of(title: str, description: str) -> str:
    """``posting_text`` of a posting not built as a model instance (bulk imports)."""
    return f"{title}\n{description}"


@transaction.atomic
def posting_extract_skills(*, posting: Posting, matcher: Matcher | None = None) -> dict[str, int]:
    """Find the posting's skills again, keeping every editor's decision; demand is marked.

    Automatic links follow the text (added, moved, or removed when the skill is no longer found);
    accepted, rejected and added links are the editor's and only get fresh evidence.
    """
    return postings_extract_skills(postings=[posting], matcher=matcher)


@transaction.atomic
def postings_extract_skills(*, postings: Iterable[Posting], matcher: Matcher | None = None) -> dict[str, int]:
    """``posting_extract_skills`` for many postings with a few bulk queries; returns counts of links changed."""
    postings = [posting for posting in postings if posting.pk]
    with demand_marks([posting.pk for posting in postings]):
        return _extract_skills(postings=postings, matcher=matcher)


def _extract_skills(*, postings: list[Posting], matcher: Matcher | None = None) -> dict[str, int]:
    """The extraction itself; callers hold ``demand_marks`` over the postings."""
    matcher = matcher or get_matcher()
    found = {posting.pk: {m.skill_id: m for m in matcher.find(posting_text(posting))} for posting in postings}
    counts = {"created": 0, "updated": 0, "deleted": 0}
    if found:
        links = PostingSkill.objects.filter(posting_id__in=list(found)).order_by()
        stale, changed, existing = [], [], set()
        for link in links:
            existing.add((link.posting_id, link.skill_id))
            match = found[link.posting_id].get(link.skill_id)
            if match is None:
                if link.state == PostingSkillState.AUTO:
                    stale.append(link.pk)
                continue
            before = _evidence(link)
            if _evidence(_evidence_link(link, match)) != before:
                changed.append(link)
        created = [
            _evidence_link(PostingSkill(posting_id=posting_id, skill_id=skill_id, state=PostingSkillState.AUTO), match)
            for posting_id, matches in found.items()
            for skill_id, match in matches.items()
            if (posting_id, skill_id) not in existing
        ]
        if stale:
            counts["deleted"], _ = PostingSkill.objects.filter(pk__in=stale).delete()
        if changed:
            counts["updated"] = PostingSkill.objects.bulk_update(
                changed, ["matched_text", "start", "end", "extractor_version"], batch_size=2000
            )
        if created:
            counts["created"] = len(PostingSkill.objects.bulk_create(created, batch_size=2000))
    return counts


# Postings whose text is read per batch when looking for the ones that mention a changed alias.
SCAN_BATCH = 1000  # about 2 MB of text per batch
# Up to this many changed spellings, PostgreSQL narrows the candidates with ILIKE before they are read.
SQL_PREFILTER_MAX = 50


def posting_ids_mentioning(*, texts: list[str]) -> list[int]:
    """The postings whose title or text contains one of ``texts`` as whole words (the matcher's folding).

    Set-based: on PostgreSQL an ILIKE per spelling narrows the rows first; the candidates are then
    read in batches of id, title and text only, and checked with a small automaton of the spellings.
    """
    probe = Matcher([Term(0, text) for text in texts])
    if not len(probe):
        return []
    postings = Posting.objects.order_by("id")
    if connection.vendor == "postgresql" and len(texts) <= SQL_PREFILTER_MAX:
        condition = Q()
        for text in texts:
            word = max(fold(text).split(" "), key=len)
            condition |= Q(title__icontains=word) | Q(description__icontains=word)
        postings = postings.filter(condition)
    found, last = [], 0
    while True:
        batch = list(postings.filter(pk__gt=last).values_list("id", "title", "description")[:SCAN_BATCH])
        if not batch:
            return found
        for posting_id, title, description in batch:
            if probe.find_all(posting_text(Posting(title=title, description=description))):
                found.append(posting_id)
        last = batch[-1][0]


def postings_reextract_mentioning(*, texts: list[str] | None) -> dict[str, int]:
    """Re-extract the postings that mention one of ``texts`` (every posting for None), in batches; demand is marked.

    What an alias change calls, in a background task: only postings whose text contains the old or the
    new spelling can gain or lose a link, so only those are read again.
    """
    matcher = get_matcher()
    if texts is None:
        ids = list(Posting.objects.order_by("id").values_list("id", flat=True))
    else:
        ids = posting_ids_mentioning(texts=texts)
    totals = {"postings": len(ids), "created": 0, "updated": 0, "deleted": 0}
    for start in range(0, len(ids), SCAN_BATCH):
        batch = Posting.objects.filter(pk__in=ids[start : start + SCAN_BATCH])
        counts = postings_extract_skills(postings=batch, matcher=matcher)
        for name, value in counts.items():
            totals[name] += value
    return totals


def _evidence(link: PostingSkill) -> tuple:
    return link.matched_text, link.start, link.end, link.extractor_version


def _evidence_link(link: PostingSkill, match: Match) -> PostingSkill:
    """Record on the link where the extractor found its skill (the words editors see highlighted)."""
    link.matched_text = match.text[:255]
    link.start, link.end = match.start, match.end
    link.extractor_version = EXTRACTOR_VERSION
    return link
