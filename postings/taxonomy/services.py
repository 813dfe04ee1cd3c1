"""Writes of the taxonomy tooling: importing skills from files, exporting them, merging one skill into another."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from careerhub.core.cache import content_changed
from careerhub.core.editorial import Status

from ..models import RemovedSkillAlias, Skill, SkillAlias, SkillCategory
from ..services import postings_reextract_after_commit
from .readers import TAXONOMY_FORMAT, SkillRecord

# Fields an import may fill on an existing skill, when they are empty and no editor changed them.
IMPORT_FILLED_FIELDS = ("description", "esco_uri", "onet_code", "onet_hot_technology", "onet_in_demand")
BATCH_SIZE = 2000  # rows per INSERT/UPDATE; a 40,000-term import writes in about 20 s on SQLite
# Past this many new terms, re-extracting every posting is cheaper than looking for candidates.
REEXTRACT_ALL_ABOVE = 500


@dataclass
class ImportSummary:
    """What an import did (or, with ``dry_run``, would do)."""

    created: int = 0
    merged: int = 0
    skipped: int = 0
    kept_out: int = 0  # spellings an editor removed, not added back
    aliases_created: int = 0
    categories_created: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "merged": self.merged,
            "skipped": self.skipped,
            "refused": len(self.refused),
            "kept_out": self.kept_out,
            "aliases_created": self.aliases_created,
            "categories_created": self.categories_created,
            "dry_run": self.dry_run,
        }


def _key(text: str) -> str:
    """How names and aliases are compared: the database's ``Lower()`` on whitespace-normalised text."""
    return " ".join(text.split()).lower()


def _unique_slug(base: str, taken: set[str]) -> str:
    base = (slugify(base) or "skill")[:240]
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


class _Index:
    """The taxonomy in memory: every name and alias (lower-cased) to its skill, existing or about to be created."""

    def __init__(self) -> None:
        self.skills: dict[int, Skill] = {skill.pk: skill for skill in Skill.objects.all()}
        self.by_name: dict[str, Skill] = {_key(skill.name): skill for skill in self.skills.values()}
        self.by_alias: dict[str, Skill] = {
            _key(text): self.skills[skill_id] for skill_id, text in SkillAlias.objects.values_list("skill_id", "text")
        }
        self.by_uri: dict[str, Skill] = {skill.esco_uri: skill for skill in self.skills.values() if skill.esco_uri}
        # A skill an editor renamed is still found under the names it had.
        edited = [skill.pk for skill in self.skills.values() if skill.editor_edited_at]
        self.former: dict[str, Skill] = {}
        if edited:
            for skill_id, name in Skill.history.filter(id__in=edited).values_list("id", "name").distinct():
                self.former.setdefault(_key(name), self.skills[skill_id])
        # Spellings editors removed, and the skill each was removed from (None when that skill is gone).
        removed = RemovedSkillAlias.objects.values_list("text", "skill_id")
        self.removed: dict[str, Skill | None] = {_key(text): self.skills.get(skill_id) for text, skill_id in removed}
        self.slugs: set[str] = {skill.slug for skill in self.skills.values()}
        self.categories: dict[str, SkillCategory] = {_key(c.name): c for c in SkillCategory.objects.all()}
        self.category_slugs: set[str] = {c.slug for c in self.categories.values()}

    def find(self, record: SkillRecord) -> Skill | None:
        if record.esco_uri and record.esco_uri in self.by_uri:
            return self.by_uri[record.esco_uri]
        key = _key(record.name)
        found = self.by_name.get(key) or self.by_alias.get(key) or self.former.get(key)
        return found or self.removed.get(key)

    def owner(self, text: str) -> Skill | None:
        key = _key(text)
        return self.by_name.get(key) or self.by_alias.get(key)


@transaction.atomic
def skills_import(
    *,
    records: Iterable[SkillRecord],
    dry_run: bool = False,
    status: str = Status.DRAFT,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> ImportSummary:
    """Merge skill records into the taxonomy: idempotent, set-based, and respectful of editors' edits.

    A record matches an existing skill by ESCO URI, then by name or alias (ignoring case), then by a
    name an editor changed or a spelling an editor removed: it then only adds the aliases and the
    empty fields it brings (never the fields an editor changed, never a spelling an editor removed).
    Otherwise it becomes a new skill (``status``, draft by default). An alias that already belongs to
    another skill is refused with the reason; the rest is imported. With ``dry_run`` the whole import
    runs and is rolled back, so the summary is exact.
    """
    content_changed()
    summary = ImportSummary(dry_run=dry_run)
    plan = _ImportPlan(index=_Index(), summary=summary, status=status)
    records = list(records)
    for record in progress(records) if progress else records:
        plan.add(record)
    aliases = plan.write()
    if dry_run:
        transaction.set_rollback(True)
    elif plan.new_skills or aliases:
        texts = [skill.name for skill in plan.new_skills] + [alias.text for alias in aliases]
        postings_reextract_after_commit(None if len(texts) > REEXTRACT_ALL_ABOVE else texts)
    return summary


@dataclass
class _ImportPlan:
    """What an import will write, planned record by record against the taxonomy in memory, then written in batches."""

    index: _Index
    summary: ImportSummary
    status: str
    new_skills: list[Skill] = field(default_factory=list)
    new_categories: list[SkillCategory] = field(default_factory=list)
    new_aliases: list[tuple[Skill, str, bool, bool, str]] = field(default_factory=list)
    changed: dict[int, Skill] = field(default_factory=dict)  # existing skills whose empty fields the import fills

    def add(self, record: SkillRecord) -> None:
        """Plan one record: a new skill, or the aliases and empty fields it brings to the skill it matches."""
        skill = self.index.find(record)
        if skill is None and _key(record.name) in self.index.removed:  # removed by an editor, with its skill
            self.summary.kept_out += 1
            return
        if skill is None:
            skill = self._create(record)
            self._add_aliases(record, skill, record.aliases)
            return
        if skill.pk and _fill_fields(skill, record):
            self.changed[skill.pk] = skill
        added = self._add_aliases(record, skill, [_AliasName(record.name), *record.aliases])
        if added or skill.pk in self.changed:
            self.summary.merged += 1
        else:
            self.summary.skipped += 1

    def _create(self, record: SkillRecord) -> Skill:
        skill = _new_skill(record, self.index, self.new_categories, self.status)
        self.new_skills.append(skill)
        self.index.by_name[_key(skill.name)] = skill
        if skill.esco_uri:
            self.index.by_uri[skill.esco_uri] = skill
        self.summary.created += 1
        return skill

    def _add_aliases(self, record: SkillRecord, skill: Skill, aliases: Iterable) -> int:
        """Plan the aliases ``record`` brings to ``skill``; return how many are new.

        An alias the skill already has is passed over, a spelling an editor removed is kept out, and
        one that names another skill is refused with the reason.
        """
        added = 0
        for alias in aliases:
            owner = self.index.owner(alias.text)
            if owner is skill:
                continue
            if _key(alias.text) in self.index.removed:
                self.summary.kept_out += 1
                continue
            if owner is not None:
                self.summary.refused.append(
                    (record.line, alias.text, f"“{alias.text}” already names another skill ({owner.name}).")
                )
                continue
            self.index.by_alias[_key(alias.text)] = skill
            self.new_aliases.append((skill, alias.text, alias.case_sensitive, alias.ambiguous, record.source))
            added += 1
        return added

    def write(self) -> list[SkillAlias]:
        """Write the planned categories, skills, filled fields and aliases (with history); return the aliases."""
        self.summary.aliases_created = len(self.new_aliases)
        self.summary.categories_created = len(self.new_categories)
        bulk_create_with_history(self.new_categories, SkillCategory, batch_size=BATCH_SIZE)
        for skill in self.new_skills:
            skill.category = skill.category  # the category's primary key is known now
        bulk_create_with_history(self.new_skills, Skill, batch_size=BATCH_SIZE)
        changed = list(self.changed.values())
        for skill in changed:  # a new version: an editor's form opened before the import is refused, not saved over it
            skill.version += 1
        bulk_update_with_history(changed, Skill, [*IMPORT_FILLED_FIELDS, "version"], batch_size=BATCH_SIZE)
        aliases = [
            SkillAlias(skill_id=skill.pk, text=text, case_sensitive=case_sensitive, ambiguous=ambiguous, source=source)
            for skill, text, case_sensitive, ambiguous, source in self.new_aliases
        ]
        bulk_create_with_history(aliases, SkillAlias, batch_size=BATCH_SIZE)
        return aliases


@dataclass
class _AliasName:
    """A record's own name offered as an alias of the existing skill it merged into."""

    text: str
    case_sensitive: bool = False
    ambiguous: bool = False


def _new_skill(record: SkillRecord, index: _Index, new_categories: list, status: str) -> Skill:
    category_name = record.category or "Imported"
    category = index.categories.get(_key(category_name))
    if category is None:
        category = SkillCategory(
            name=category_name,
            slug=_unique_slug(category_name, index.category_slugs),
            source=(record.category_source or record.source)[:40],
            external_id=record.category_id[:255],
            description=record.category_description,
        )
        index.categories[_key(category_name)] = category
        new_categories.append(category)
    wanted = record.slug
    if wanted and slugify(wanted) == wanted and len(wanted) <= 255 and wanted not in index.slugs:
        slug = wanted
    else:
        slug = _unique_slug(record.name, index.slugs)
    index.slugs.add(slug)
    return Skill(
        name=record.name,
        slug=slug,
        category=category,
        type=record.type,
        description=record.description,
        name_ambiguous=record.name_ambiguous,
        source=record.source,
        esco_uri=record.esco_uri,
        onet_code=record.onet_code,
        onet_hot_technology=record.onet_hot_technology,
        onet_in_demand=record.onet_in_demand,
        status=status,
    )


def _fill_fields(skill: Skill, record: SkillRecord) -> bool:
    """Fill the skill's empty fields from the record, except those an editor changed; return whether any changed."""
    if skill.editor_edited_at and not skill.editor_fields:
        return False  # edited before fields were tracked: leave the whole skill alone
    protected = set(skill.editor_fields)
    changed = False
    for name in IMPORT_FILLED_FIELDS:
        if name in protected:
            continue
        current, offered = getattr(skill, name), getattr(record, name)
        if offered and not current:
            setattr(skill, name, offered)
            changed = True
    return changed


# --- Export -------------------------------------------------------------------------------


def skills_export(*, skills: Iterable[Skill] | None = None) -> dict:
    """The taxonomy as a ``careerhub-taxonomy`` document, which ``import_skills --format careerhub`` reads back."""
    queryset = (skills if skills is not None else Skill.objects.all()).select_related("category").prefetch_related(
        "aliases"
    )
    skills = sorted(queryset, key=lambda skill: skill.slug)
    categories = sorted({skill.category for skill in skills}, key=lambda category: category.slug)
    return {
        "format": TAXONOMY_FORMAT,
        "version": 1,
        "categories": [
            {"slug": c.slug, "name": c.name, "description": c.description, "source": c.source,
             "external_id": c.external_id}
            for c in categories
        ],
        "skills": [
            {
                "slug": skill.slug,
                "name": skill.name,
                "category": skill.category.slug,
                "type": skill.type,
                "description": skill.description,
                "name_ambiguous": skill.name_ambiguous,
                "source": skill.source,
                "esco_uri": skill.esco_uri,
                "onet_code": skill.onet_code,
                "onet_hot_technology": skill.onet_hot_technology,
                "onet_in_demand": skill.onet_in_demand,
                "aliases": [
                    {"text": alias.text, "case_sensitive": alias.case_sensitive, "ambiguous": alias.ambiguous}
                    for alias in sorted(skill.aliases.all(), key=lambda alias: alias.text.lower())
                ],
            }
            for skill in skills
        ],
    }
