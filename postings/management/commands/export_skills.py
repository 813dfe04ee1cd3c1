import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from postings.taxonomy.services import skills_export


class Command(BaseCommand):
    help = (
        "Export the skill taxonomy (categories, skills, aliases, external ids) as careerhub-taxonomy JSON, "
        "the format `import_skills --format careerhub` reads back. Writes to standard output or --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--source", help="Only skills from this source (curated, onet, esco, terms, ...).")

    def handle(self, *args, output, source, **options):
        from postings.models import Skill

        skills = Skill.objects.filter(source=source) if source else None
        document = skills_export(skills=skills)
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(document['skills'])} skills written to {output}.")
        else:
            sys.stdout.write(text)
