"""The curated MLOps skill taxonomy CareerHub ships with (``seed/taxonomy.json``).

The file's format, ``careerhub-taxonomy``, lists categories and skills with their aliases.
"""

import json
from collections import Counter
from pathlib import Path

from careerhub.core.editorial import Status

from .models import Skill, SkillAlias, SkillCategory
from .services import skill_category_save, skill_create

SEED_FILE = Path(__file__).resolve().parent / "seed" / "taxonomy.json"
TAXONOMY_FORMAT = "careerhub-taxonomy"


def seed_taxonomy(*, path: Path | None = None) -> Counter:
    """Create the categories and skills that do not exist yet (by slug); existing ones keep their edits."""
    path = path or SEED_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != TAXONOMY_FORMAT:
        raise ValueError(f"{path} is not a {TAXONOMY_FORMAT} file.")
    counts: Counter = Counter()

    categories = {category.slug: category for category in SkillCategory.objects.all()}
    for position, item in enumerate(data["categories"], start=1):
        if item["slug"] in categories:
            counts["categories kept"] += 1
            continue
        categories[item["slug"]] = skill_category_save(
            category=SkillCategory(
                slug=item["slug"], name=item["name"], description=item.get("description", ""), display_order=position
            )
        )
        counts["categories created"] += 1

    existing = set(Skill.objects.values_list("slug", flat=True))
    for item in data["skills"]:
        if item["slug"] in existing:
            counts["skills kept"] += 1
            continue
        aliases = [
            SkillAlias(text=alias["text"], case_sensitive=alias["case_sensitive"], ambiguous=alias["ambiguous"])
            for alias in item.get("aliases", [])
        ]
        skill_create(
            slug=item["slug"],
            name=item["name"],
            category=categories[item["category"]],
            type=item["type"],
            description=item.get("description", ""),
            name_ambiguous=item.get("name_ambiguous", False),
            status=Status.PUBLISHED,
            aliases=aliases,
        )
        counts["skills created"] += 1
        counts["aliases created"] += len(aliases)
    return counts
