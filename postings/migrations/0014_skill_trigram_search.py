"""Skills found by near spellings and parts of names on PostgreSQL: pg_trgm and GIN trigram indexes.

``TrigramExtension`` creates pg_trgm (a trusted extension: the database owner may create it); it
does nothing on other databases, and neither does its reverse here. The indexes are on the
upper-cased skill name and alias text, the expressions Django's ``iexact``/``istartswith``/
``icontains`` compare and ``postings.skill_search``'s word similarity (``%>``) uses, so one index
per table serves every tier of the search. They exist only on PostgreSQL (SQLite searches without
them, see ``postings/skill_search.py``) and are not in the models' state, so the model state does
not change.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX skill_name_trgm ON postings_skill USING gin ((upper(name::text)) gin_trgm_ops)",
    "CREATE INDEX skillalias_text_trgm ON postings_skillalias USING gin ((upper(text::text)) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS skillalias_text_trgm", "DROP INDEX IF EXISTS skill_name_trgm"]


class PostgreSQLTrigramExtension(TrigramExtension):
    """``TrigramExtension`` whose reverse, like its forward, does nothing off PostgreSQL."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("postings", "0013_removed_skill_aliases")]

    operations = [
        PostgreSQLTrigramExtension(),
        migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False),
    ]
