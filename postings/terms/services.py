"""Writes of new terms: record the candidates of newly written postings; an editor's add or dismiss.

Recording is idempotent: a posting read again has its mentions replaced, so a term's count is the
number of postings that use it, per segment through the postings. Terms an editor decided on are not
recorded again (dismissed terms stay dismissed; added ones are matched by the taxonomy from then on).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from careerhub.core.editorial import Status
from careerhub.core.services import validated_save

from ..extraction import get_matcher
from ..models import Posting, RemovedSkillAlias, Skill, SkillAlias, SkillCategory, SkillType
from ..services import posting_text, postings_reextract_after_commit, skill_alias_save, skill_create
from .detect import Finder, near_misses
from .models import NewTerm, NewTermMention

READ_BATCH = 1000  # postings whose text is read at a time


def new_terms_record(*, posting_ids: Iterable[int]) -> int:
    """Read these postings for candidate terms and record which of them use each; return the mentions written."""
    ids = sorted(set(posting_ids))
    matcher = get_matcher()
    near = near_misses(matcher)
    written = 0
    for start in range(0, len(ids), READ_BATCH):
        chunk = ids[start : start + READ_BATCH]
        finder = Finder(matcher, near)
        for posting_id, title, description in Posting.objects.filter(pk__in=chunk).values_list(
            "id", "title", "description"
        ):
            finder.read(posting_id, posting_text(Posting(title=title, description=description)))
        written += _store(finder, chunk)
    return written


@transaction.atomic
def _store(finder: Finder, posting_ids: list[int]) -> int:
    removed = {text.lower() for text in RemovedSkillAlias.objects.values_list("text", flat=True)}
    candidates = {key: c for key, c in finder.found.items() if c.text.lower() not in removed}
    NewTerm.objects.bulk_create(
        [
            NewTerm(key=c.key, text=c.text, reason=c.reason, near_skill_id=c.near_skill_id, examples=c.examples)
            for c in candidates.values()
        ],
        ignore_conflicts=True,  # known already: its mentions are added below
        batch_size=1000,
    )
    terms = dict(NewTerm.objects.in_bulk(list(candidates), field_name="key").items())
    open_terms = {key: term for key, term in terms.items() if term.status == NewTerm.Status.OPEN}
    NewTermMention.objects.filter(posting_id__in=posting_ids, term__status=NewTerm.Status.OPEN).delete()
    mentions = [
        NewTermMention(term_id=term.pk, posting_id=posting_id)
        for key, term in open_terms.items()
        for posting_id in candidates[key].posting_ids
    ]
    NewTermMention.objects.bulk_create(mentions, ignore_conflicts=True, batch_size=2000)
    now = timezone.now()
    for key, term in open_terms.items():
        fresh = [e for e in candidates[key].examples if e not in term.examples][: max(0, 3 - len(term.examples))]
        if fresh:
            term.examples = [*term.examples, *fresh]
    NewTerm.objects.filter(pk__in=[t.pk for t in open_terms.values()]).update(last_seen_at=now)
    NewTerm.objects.bulk_update(list(open_terms.values()), ["examples"], batch_size=1000)
    return len(mentions)


def _decided(term: NewTerm, status: str, user) -> None:
    if term.status != NewTerm.Status.OPEN:
        raise ValidationError(f"“{term.text}” was decided already ({term.get_status_display().lower()}).")
    term.status = status
    term.decided_at = timezone.now()
    term.decided_by = (user.get_username() if user is not None else "")[:150]
    validated_save(term)


@transaction.atomic
def new_term_add_skill(
    *,
    term: NewTerm,
    category: SkillCategory,
    name: str = "",
    type: str = SkillType.TOOL,  # noqa: A002 - the taxonomy's own word for it
    user=None,
) -> Skill:
    """Add the term as a new (draft) skill in ``category``; postings that mention it are re-extracted after commit."""
    skill = skill_create(name=(name or term.text).strip(), category=category, type=type, source="new-terms",
                         status=Status.DRAFT)  # fmt: skip
    term.skill, term.category = skill, category
    _decided(term, NewTerm.Status.SKILL, user)
    postings_reextract_after_commit([skill.name])
    return skill


@transaction.atomic
def new_term_add_alias(*, term: NewTerm, skill: Skill, user=None) -> SkillAlias:
    """Add the term as an alias of ``skill``; postings that mention it are re-extracted after commit."""
    alias = skill_alias_save(alias=SkillAlias(skill=skill, text=term.text.strip(), source="new-terms"), by_editor=True)
    term.skill = skill
    _decided(term, NewTerm.Status.ALIAS, user)
    return alias


@transaction.atomic
def new_term_dismiss(*, term: NewTerm, user=None) -> NewTerm:
    """Not a skill: never queued again. Its mentions go (nothing counts them any more)."""
    _decided(term, NewTerm.Status.DISMISSED, user)
    NewTermMention.objects.filter(term=term).delete()
    return term
